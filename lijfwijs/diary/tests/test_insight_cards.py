"""The insights page writes its cards in one pass (`presenting.card_markup`); the practitioner's
view still includes `diary/_insight_card.html`. Both write the same markup for every shape of
card, escaping what is text and leaving what is markup."""

import itertools

import pytest
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from lijfwijs.diary.presenting import card_markup

WORDS = {
    "note": "Een patroon, geen <bewijs>.",
    "more": mark_safe("De cijfers &amp; de methode"),
    "axis": "Gemiddelde pijn (0 tot 10)",
    "pain": "Pijn",
    "days": "Dagen",
}
BY = {
    "bars": mark_safe('<li class="insights-bar">7</li>'),
    "rows": mark_safe("<tr><td>1</td></tr>"),
}


def cards():
    for why, by, numbers in itertools.product(("", "Omdat <slaap> & stress"), (None, BY), (0, 1)):
        card = {
            "heading": "‘Werk & druk’, dezelfde dag",
            "sentence": 'Je pijn was "hoger".',
            "why": why,
            "numbers": mark_safe("<li>Met: 4,7</li>") if numbers else "",
            "method": "Welch's <t>",
        }
        if by is not None:
            card |= {
                "by": by,
                "by_name": "Slaap <vannacht>",
                "by_summary": "Je pijn per score voor 'slaap'",
                "by_caption": "Gemiddelde pijn & slaap",
            }
        yield card


@pytest.mark.parametrize("clear", [True, False])
def test_the_cards_markup_is_the_templates(clear):
    for card in cards():
        expected = render_to_string(
            "diary/_insight_card.html", {"card": card, "words": WORDS, "clear": clear}
        )
        assert card_markup(card, WORDS, clear) == expected
