"""Newsletter's part of the REST API (mounted at /api/v1/newsletter/ in lijfwijs/api/api.py)."""

from ninja import Router

router = Router(tags=["newsletter"])
