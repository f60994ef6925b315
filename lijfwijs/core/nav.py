"""The signed-in navigation of the layout, written as escaped markup in Python.

In the template it was some 60 lines of `{% if %}`, `{% translate %}` and `{{ LINKS.… }}` per role
and section: about half a millisecond of every signed-in page, more than the rest of the layout
together. Here it is one pass over a table per role, rendered per request (nothing is cached: the
texts are looked up in the active language, the counts and the token are the request's own).
`core/base.html` calls it as `{% signed_in_nav %}`; the visitor's navigation stays in the template.
A test compares the markup with the template it replaced, for every role and section, in both
languages (core/tests/test_nav.py).
"""

from collections.abc import Iterable
from typing import Any

from django.middleware.csrf import get_token
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, gettext_noop

from lijfwijs.core import hooks

ICON = '<svg class="icon" aria-hidden="true" focusable="false"><use href="#i-{}"/></svg>'
# The agenda's icon is drawn inline (the sprite has a calendar too, but with another look).
AGENDA_ICON = (
    '<svg class="icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">'
    '<rect x="3.5" y="5" width="17" height="15.5" rx="2"/><path d="M3.5 10h17M8 3v4M16 3v4"/></svg>'
)
CURRENT = ' aria-current="page"'
# Sections that mark the "more" menu's summary as current.
MENU_SECTIONS = frozenset(
    (
        "account",
        "pijntest",
        "invitations",
        "practice_settings",
        "messages",
        "practice_messages",
        "leads",
        "newsletter",
        "campaigns",
        "events_manage",
        "articles",
    )
)

# The tab bar per role: (link, icon, label msgid, sections marked current, <li> class).
PRACTITIONER_TABS = (
    ("practice", "clients", gettext_noop("Cliënten"), ("practice",), ""),
    ("alerts", "alerts", gettext_noop("Meldingen"), ("alerts",), ""),
    ("agenda", None, gettext_noop("Agenda"), ("agenda", "offer"), ""),
    ("exercises", "exercises", gettext_noop("Oefeningen"), ("exercises",), ""),
    ("learn", "learn", gettext_noop("Kennisbank"), ("learn",), "wide-only"),
)
CLIENT_TABS = (
    ("home", "today", gettext_noop("Vandaag"), ("home",), ""),
    ("diary", "diary", gettext_noop("Dagboek"), ("diary",), ""),
    ("exercises", "exercises", gettext_noop("Oefeningen"), ("exercises",), ""),
    ("program", "program", gettext_noop("Programma"), ("program",), ""),
    ("learn", "learn", gettext_noop("Kennisbank"), ("learn",), "wide-only"),
)
OTHER_TABS = (
    ("home", "today", gettext_noop("Start"), ("home",), ""),
    ("exercises", "exercises", gettext_noop("Oefeningen"), ("exercises",), ""),
    ("learn", "learn", gettext_noop("Kennisbank"), ("learn",), ""),
)


def writes_articles(user: Any) -> bool:
    """Whether the menu offers the practice's articles: only to who may write them (the learn
    app's rule, through its hook), not a link that answers 403."""
    return bool(hooks.first("may_write_articles", user))


def _icon(name: str | None) -> str:
    return AGENDA_ICON if name is None else ICON.format(name)


def _count(unread: int, hidden_msgid: str) -> str:
    if not unread:
        return ""
    return (
        f' <span class="count">{unread}<span class="visually-hidden"> '
        f"{gettext(hidden_msgid)}</span></span>"
    )


def _tabs(rows: Iterable[tuple], links: dict[str, str], nav: str) -> list[str]:
    out = []
    for link, icon, label, sections, css in rows:
        li = f'<li class="{css}">' if css else "<li>"
        current = CURRENT if nav in sections else ""
        out.append(
            f'{li}<a class="tab" href="{escape(links[link])}"{current}>{_icon(icon)}'
            f"<span>{gettext(label)}</span></a></li>"
        )
    return out


def _item(
    links: dict[str, str], nav: str, link: str, icon: str | None, label: str, extra: str = ""
) -> str:
    sections = ("agenda", "offer") if link == "agenda" else (link,)
    current = CURRENT if nav in sections else ""
    return f'<li><a href="{escape(links[link])}"{current}>{_icon(icon)}{gettext(label)}{extra}</a></li>'


def signed_in_nav(context: Any) -> SafeString:
    """The header's navigation for a signed-in person (the context of `core/base.html`)."""
    request = context["request"]
    user = context["user"]
    links, nav = context["LINKS"], context["NAV"]
    practitioner, client, assistant = user.is_practitioner, user.is_client, user.is_assistant
    if practitioner:
        tabs = PRACTITIONER_TABS
    elif client:
        tabs = CLIENT_TABS
    else:
        tabs = OTHER_TABS
    # the context processor's count is lazy (a SimpleLazyObject, which has no __int__): its text
    unread = int(str(context.get("UNREAD_MESSAGES") or 0)) if (client or practitioner) else 0

    summary = "tab"
    if nav in MENU_SECTIONS:
        summary += " is-current"
    if nav == "learn" and (client or practitioner):
        summary += " is-current-narrow"
    if client:
        summary_inner = (
            f"{ICON.format('more')}<span>{gettext('Meer')}"
            f"{_count(unread, gettext_noop('ongelezen berichten'))}</span>"
        )
    else:
        summary_inner = f"{ICON.format('account')}<span>{gettext('Account')}</span>"

    who = gettext("Ingelogd als %(name)s") % {"name": escape(str(user))}
    items = [f'<li class="menu-who">{who}</li>']
    if practitioner or assistant:
        items.append(_item(links, nav, "invitations", "clients", gettext_noop("Uitnodigingen")))
        items.append(
            _item(links, nav, "practice_settings", "account", gettext_noop("Praktijk en collega's"))
        )
    if practitioner:
        items.append(
            _item(
                links,
                nav,
                "practice_messages",
                "mail",
                gettext_noop("Berichten"),
                _count(unread, gettext_noop("ongelezen")),
            )
        )
    if practitioner or assistant:
        items.append(_item(links, nav, "leads", "clients", gettext_noop("Leads")))
        items.append(_item(links, nav, "newsletter", "outreach", gettext_noop("Nieuwsbrief")))
        if practitioner:
            items.append(_item(links, nav, "campaigns", "mail", gettext_noop("Campagnes")))
            if writes_articles(user):
                items.append(_item(links, nav, "articles", "learn", gettext_noop("Artikelen")))
        items.append(_item(links, nav, "events_manage", "calendar", gettext_noop("Evenementen")))
    if assistant:
        items.append(_item(links, nav, "agenda", None, gettext_noop("Agenda")))
    if client or practitioner:
        current = CURRENT if nav == "learn" else ""
        items.append(
            f'<li class="narrow-only"><a href="{escape(links["learn"])}"{current}>'
            f"{ICON.format('learn')}{gettext('Kennisbank')}</a></li>"
        )
    if client:
        items.append(
            _item(
                links,
                nav,
                "messages",
                "mail",
                gettext_noop("Berichten"),
                _count(unread, gettext_noop("ongelezen")),
            )
        )
    if not practitioner:
        items.append(_item(links, nav, "pijntest", "pijntest", gettext_noop("Pijntest")))
    items.append(_item(links, nav, "account", "account", gettext_noop("Mijn account")))
    other = context["OTHER_LANGUAGE"]
    items.append(
        f'<li><a href="{escape(context["OTHER_LANGUAGE_URL"])}" hreflang="{escape(other)}" '
        f'lang="{escape(other)}">{ICON.format("language")}'
        f"{'English' if other == 'en' else 'Nederlands'}</a></li>"
    )
    # the page's own token (the context's lazy one, shared with the page's forms): asking
    # get_token again would mask the secret a second time
    token = context.get("csrf_token")
    token = escape(str(token) if token is not None else get_token(request))
    items.append(
        f'<li><form method="post" action="{escape(links["logout"])}" data-logout>'
        f'<input type="hidden" name="csrfmiddlewaretoken" value="{token}">'
        f'<button type="submit" class="menu-button">{ICON.format("logout")}'
        f"{gettext('Uitloggen')}</button></form></li>"
    )
    return mark_safe(  # noqa: S308 (every value above is escaped or a fixed string)
        f'<nav class="site-nav" aria-label="{gettext("Hoofdmenu")}"><ul class="tabs">'
        + "".join(_tabs(tabs, links, nav))
        + f'<li class="tab-more"><details class="menu"><summary class="{summary}">'
        + summary_inner
        + '</summary><ul class="menu-list">'
        + "".join(items)
        + "</ul></details></li></ul></nav>"
    )
