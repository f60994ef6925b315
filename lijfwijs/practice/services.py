"""The practitioner's start page panel."""

from typing import Any


def home_panel(request: Any) -> tuple[str, dict[str, Any]] | None:
    if not request.user.is_practitioner:
        return None
    return "practice/_home_panel.html", {}
