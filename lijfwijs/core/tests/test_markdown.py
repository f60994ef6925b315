"""core.markdown: Markdown written by people becomes HTML that is harmless anywhere (raw HTML as
text, dangerous link targets dropped, only Markdown's own elements), with links exactly as
written; and the editor partial that shows its preview."""

import pytest
from django import forms
from django.template.loader import render_to_string
from hypothesis import given
from hypothesis import strategies as st

from lijfwijs.core.markdown import TAGS, render


def test_markdown_becomes_html():
    html = render("# Kop\n\nEen **vette** en *schuine* tekst.\n\n- een\n- twee\n\n3. drie\n4. vier")
    assert html == (
        "<h1>Kop</h1>\n<p>Een <strong>vette</strong> en <em>schuine</em> tekst.</p>\n"
        "<ul>\n<li>een</li>\n<li>twee</li>\n</ul>\n"
        '<ol start="3">\n<li>drie</li>\n<li>vier</li>\n</ol>'
    )


@pytest.mark.parametrize("source", ["", "   \n\n "])
def test_nothing_renders_as_nothing(source):
    assert render(source) == ""


@pytest.mark.parametrize(
    "source",
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        '<a href="javascript:alert(1)">x</a>',
        "<iframe src=https://evil.example></iframe>",
        "<style>body{display:none}</style>",
        "<!-- <script>alert(1)</script> -->",
        "<svg onload=alert(1)>",
    ],
)
def test_raw_html_is_shown_as_text_not_run(source):
    html = render(f"Tekst {source} meer")
    assert "<script" not in html and "<img" not in html and "<iframe" not in html
    assert "<style" not in html and "<svg" not in html and "<!--" not in html
    assert "&lt;" in html  # the person sees what they typed


@pytest.mark.parametrize(
    "target",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "java&#9;script:alert(1)",
        "&#106;avascript:alert(1)",
        "data:text/html;base64,PHNjcmlwdD4=",
        "vbscript:msgbox(1)",
    ],
)
def test_dangerous_link_and_image_targets_are_dropped(target):
    html = render(f"[klik]({target}) en ![plaatje]({target})")
    assert html == '<p><a>klik</a> en <img alt="plaatje"></p>'


@pytest.mark.parametrize(
    ("target", "href"),
    [
        ("https://voorbeeld.nl/pad?a=1&b=2#kop", "https://voorbeeld.nl/pad?a=1&amp;b=2#kop"),
        ("http://voorbeeld.nl/", "http://voorbeeld.nl/"),
        ("mailto:info@voorbeeld.nl", "mailto:info@voorbeeld.nl"),
        ("tel:+31201234567", "tel:+31201234567"),
        ("/kennisbank/rugpijn/", "/kennisbank/rugpijn/"),
        ("#uitleg", "#uitleg"),
    ],
)
def test_safe_links_stay_exactly_as_written_with_nothing_added(target, href):
    assert render(f"[link]({target})") == f'<p><a href="{href}">link</a></p>'


def test_a_title_cannot_break_out_of_its_attribute():
    from html.parser import HTMLParser

    found = []

    class Links(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.append((tag, sorted(name for name, _value in attrs)))

    Links().feed(render('[a](https://x.nl "t\\" onclick=\\"alert(1)")'))
    assert found == [("p", []), ("a", ["href", "title"])]


@given(
    st.text(
        alphabet=st.sampled_from(list("<>\"'&=/:;[]()!*#-_ \n\tajvsciptrmgonerl1")), max_size=120
    )
)
def test_whatever_is_typed_only_markdowns_own_elements_come_out(source):
    import re

    html = render(source)
    assert {tag.lower() for tag in re.findall(r"<([a-zA-Z0-9]+)", html)} <= TAGS
    assert not re.search(r"\son[a-z]+\s*=", html, re.IGNORECASE)
    assert "javascript:" not in html.lower().replace("&", "")


class _Form(forms.Form):
    body = forms.CharField(label="Tekst", help_text="In Markdown.", widget=forms.Textarea)


def test_the_editor_partial_shows_the_field_its_errors_and_the_preview():
    form = _Form({"body": ""})
    form.is_valid()
    html = render_to_string(
        "core/_markdown_editor.html",
        {"field": form["body"], "preview_url": "/voorbeeld/", "preview_html": render("**ja**")},
    )
    assert 'data-markdown-editor data-preview-url="/voorbeeld/"' in html
    assert '<label for="id_body">Tekst</label>' in html
    assert 'id="id_body_error"' in html and "<textarea" in html
    assert 'aria-live="polite"><strong>ja</strong>' not in html  # wrapped in its paragraph
    assert 'aria-live="polite"><p><strong>ja</strong></p>' in html
