"""Exports a GP can read and systems can import: PDF, CSV, FHIR R4, and the full JSON export."""
