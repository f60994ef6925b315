"""The sign-up under the Pijntest report and under an article (core.hooks.panels).

Both hold nothing per person and make no query: an article page is shared between visitors
(core.httpcache), and the form posts to the sign-up page without a CSRF token (views.signup).
"""

from typing import Any

from django.utils.translation import gettext as _

TEMPLATE = "newsletter/panel.html"


def report_panel(request: Any, response: Any) -> dict[str, Any]:
    return {
        "template": TEMPLATE,
        "source": "report",
        "heading": _("Meer uitleg en oefeningen per e-mail"),
        "text": _(
            "Wil je af en toe uitleg en oefeningen die aansluiten bij de Pijntest? Meld je aan "
            "voor de nieuwsbrief. Je uitslag sturen we niet mee."
        ),
    }


def article_panel(request: Any, article: Any) -> dict[str, Any]:
    return {
        "template": TEMPLATE,
        "source": "article",
        "heading": _("Nieuwe artikelen in je mailbox"),
        "text": _("Meld je aan voor de nieuwsbrief en lees als eerste wat er nieuw is."),
    }
