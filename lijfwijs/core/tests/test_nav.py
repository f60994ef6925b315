"""The signed-in navigation written in Python gives the markup of the template it replaced."""

import re
from pathlib import Path

import pytest
from django.template import engines
from django.test import RequestFactory
from django.utils import translation
from django.utils.functional import SimpleLazyObject

from lijfwijs.accounts.models import User
from lijfwijs.core import nav
from lijfwijs.core.context_processors import NAV_SECTIONS, layout_links

REFERENCE = (Path(__file__).parent / "nav_reference.html").read_text()
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')


def normal(html: str) -> str:
    html = TOKEN.sub('name="csrfmiddlewaretoken" value="…"', str(html))
    return re.sub(r">\s+<", "><", html).strip()


@pytest.mark.parametrize("writes", [False, True])
@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize("role", [role for role, _ in User.Role.choices])
def test_the_markup_is_the_templates_for_every_role_section_and_count(
    language, role, writes, monkeypatch
):
    monkeypatch.setattr(nav, "writes_articles", lambda user: writes)
    user = User(email="zoe@example.org", display_name='Zoë <b>"Z"</b>', role=role)
    reference = engines["django"].from_string(REFERENCE)
    request = RequestFactory().get("/ergens/?a=<b>")
    request.user = user
    with translation.override(language):
        links = layout_links(translation.get_language(), "/")
        for section in ("", "home", *NAV_SECTIONS):
            for unread in (0, 3):
                context = {
                    "request": request,
                    "user": user,
                    "LINKS": links,
                    "NAV": section,
                    # lazy, as the context processor gives it
                    "UNREAD_MESSAGES": SimpleLazyObject(lambda unread=unread: unread),
                    "WRITES_ARTICLES": writes,
                    "OTHER_LANGUAGE": "en" if language == "nl" else "nl",
                    "OTHER_LANGUAGE_URL": '/en/ergens/"><script>',
                }
                expected = normal(reference.render(context, request))
                assert normal(nav.signed_in_nav(context)) == expected, (role, section, unread)


def test_what_a_person_typed_is_escaped():
    user = User(email="x@example.org", display_name="<script>alert(1)</script>", role="client")
    request = RequestFactory().get("/")
    request.user = user
    html = nav.signed_in_nav(
        {
            "request": request,
            "user": user,
            "LINKS": layout_links("nl", "/"),
            "NAV": "",
            "UNREAD_MESSAGES": 0,
            "OTHER_LANGUAGE": "en",
            "OTHER_LANGUAGE_URL": '/en/"><script>',
        }
    )
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.django_db
def test_the_articles_are_in_the_menu_of_who_may_write_them(pieter):
    """The learn app's rule: the owner, or a practitioner the owner allowed."""
    membership = pieter.membership
    assert nav.writes_articles(pieter) == (membership.role == membership.Role.OWNER)
    membership.role = membership.Role.PRACTITIONER
    membership.may_write_articles = False
    membership.save()
    assert not nav.writes_articles(pieter)
    membership.may_write_articles = True
    membership.save()
    assert nav.writes_articles(pieter)
