"""Campaigns: written in Markdown, sent once to each recipient of an audience, in the background."""
