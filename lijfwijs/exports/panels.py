"""What exports adds to other apps' pages through their hooks (core.hooks)."""

from typing import Any


def report_panel(request: Any, response: Any) -> dict[str, Any] | None:
    """Under one's own Pijntest report: the way to the overview for the GP (no query)."""
    user = request.user
    if not user.is_authenticated or response.user_id != user.pk:
        return None
    return {"template": "exports/_report_panel.html"}
