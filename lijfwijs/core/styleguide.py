"""The style guide at /stijl/: every component of the design system on one page, with the
colour tokens read from site.css and their contrast measured (WCAG 2.1). Shown with DEBUG or to
staff; a 404 for everyone else."""

import re
from functools import cache
from pathlib import Path

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

SITE_CSS = Path(__file__).resolve().parent / "static" / "core" / "site.css"
TOKEN = re.compile(r"(--color-[a-z0-9-]+):\s*(#[0-9a-fA-F]{3,6})\s*;")

# (foreground, background, minimum ratio, what it is): every pair the components use.
# Text needs 4.5:1; the parts of a control and the focus ring need 3:1 (WCAG 1.4.3, 1.4.11).
PAIRS = (
    ("--color-text", "--color-bg", 4.5, _("tekst op de achtergrond")),
    ("--color-text", "--color-surface", 4.5, _("tekst op een kaart")),
    ("--color-muted", "--color-bg", 4.5, _("rustige tekst op de achtergrond")),
    ("--color-muted", "--color-surface", 4.5, _("rustige tekst op een kaart")),
    ("--color-muted", "--color-sunken", 4.5, _("rustige tekst in de voettekst")),
    ("--color-primary", "--color-surface", 4.5, _("link op een kaart")),
    ("--color-primary", "--color-bg", 4.5, _("link op de achtergrond")),
    ("--color-primary", "--color-sunken", 4.5, _("link in de voettekst")),
    ("--color-primary-strong", "--color-primary-soft", 4.5, _("gekozen menu-item")),
    ("--color-on-primary", "--color-primary", 4.5, _("tekst op een knop")),
    ("--color-on-primary", "--color-primary-strong", 4.5, _("tekst op een knop onder de muis")),
    ("--color-accent", "--color-surface", 4.5, _("accent op een kaart")),
    ("--color-info", "--color-info-bg", 4.5, _("kop van een melding: info")),
    ("--color-text", "--color-info-bg", 4.5, _("tekst in een melding: info")),
    ("--color-success", "--color-success-bg", 4.5, _("kop van een melding: gelukt")),
    ("--color-text", "--color-success-bg", 4.5, _("tekst in een melding: gelukt")),
    ("--color-warning", "--color-warning-bg", 4.5, _("kop van een melding: let op")),
    ("--color-text", "--color-warning-bg", 4.5, _("tekst in een melding: let op")),
    ("--color-danger", "--color-danger-bg", 4.5, _("kop van een melding: gevaar")),
    ("--color-text", "--color-danger-bg", 4.5, _("tekst in een melding: gevaar")),
    ("--color-danger", "--color-surface", 4.5, _("foutmelding bij een veld")),
    ("--color-focus", "--color-surface", 3.0, _("focusrand op een kaart")),
    ("--color-focus", "--color-bg", 3.0, _("focusrand op de achtergrond")),
    ("--color-border-strong", "--color-surface", 3.0, _("rand van een invoerveld")),
    ("--color-border-strong", "--color-bg", 3.0, _("rand van een invoerveld op de achtergrond")),
    ("--color-danger-line", "--color-surface", 3.0, _("rand van een veld met een fout")),
)


def relative_luminance(colour: str) -> float:
    """WCAG 2.1 relative luminance of a #rgb or #rrggbb colour."""
    digits = colour.lstrip("#")
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    channels = [int(digits[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(foreground: str, background: str) -> float:
    """WCAG 2.1 contrast ratio, 1 to 21."""
    light, dark = sorted(
        (relative_luminance(foreground), relative_luminance(background)), reverse=True
    )
    return (light + 0.05) / (dark + 0.05)


def colour_tokens(css: str) -> dict[str, str]:
    """The colour tokens (`--color-…: #hex;`) defined in a style sheet, in their order."""
    return {name: value.lower() for name, value in TOKEN.findall(css)}


@cache
def contrast_table() -> tuple[dict[str, str], list[dict[str, object]]]:
    """The colour tokens of site.css and every pair the components use, measured. Read once per
    process (the file does not change while it runs)."""
    tokens = colour_tokens(SITE_CSS.read_text(encoding="utf-8"))
    rows = []
    for fg, bg, minimum, what in PAIRS:
        ratio = contrast(tokens[fg], tokens[bg])
        rows.append(
            {
                "fg": fg,
                "bg": bg,
                "fg_value": tokens[fg],
                "bg_value": tokens[bg],
                "ratio": ratio,
                "minimum": minimum,
                "passes": ratio >= minimum,
                "what": what,
            }
        )
    return tokens, rows


def may_see(request: HttpRequest) -> bool:
    user = request.user
    return settings.DEBUG or (
        user.is_authenticated and (user.is_staff or user.role == user.Role.STAFF)
    )


def styleguide(request: HttpRequest) -> HttpResponse:
    """Every component, in the language of the address. Not there for anyone who may not see it,
    whatever the method, so the page gives nothing away."""
    if not may_see(request):
        raise Http404
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    tokens, pairs = contrast_table()
    return render(
        request,
        "core/styleguide.html",
        {"tokens": tokens.items(), "pairs": pairs, "scale": range(11)},
    )
