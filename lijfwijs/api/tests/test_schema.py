"""The committed OpenAPI schema (docs/openapi.json) must match the code."""

import json
from pathlib import Path

from django.conf import settings

from lijfwijs.api.api import api

SCHEMA = Path(settings.BASE_DIR) / "docs" / "openapi.json"
REGENERATE = "DEBUG=1 .venv/bin/python manage.py export_openapi_schema --api lijfwijs.api.api.api --output docs/openapi.json --indent 2"


def test_committed_schema_is_current():
    current = json.loads(json.dumps(api.get_openapi_schema(path_prefix="/api/v1/")))
    committed = json.loads(SCHEMA.read_text())
    assert committed == current, f"The API changed: regenerate the schema with `{REGENERATE}`"
