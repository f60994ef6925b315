"""The insights in words (diary/presenting.py): plain sentences for clear and unclear, higher and
lower findings in Dutch and English, the numbers and method kept apart from them, and the one
sentence that explains why "after poor nights more pain" and "no clear link with sleep" can
both hold."""

import re

import pytest
from django.utils import translation

from lijfwijs.diary import insights as core
from lijfwijs.diary import presenting

# Words a layperson should not meet in the main text (they belong in the numbers' disclosure).
JARGON = re.compile(
    r"interval|rangcorrelatie|rank correlation|spearman|welch|benjamini|hochberg|"
    r"p-waarde|p-value|\bp [=<]|\bq [=<]|significan",
    re.IGNORECASE,
)


def effect(kind="tag", lag=0, difference=2.1, clear=True, enough=True, n_with=29, n_without=91):
    low, high = difference - 0.5, difference + 0.5
    return core.TagEffect(
        kind=kind,
        tag="" if kind == "low_sleep" else "7",
        lag=lag,
        n_with=n_with,
        n_without=n_without,
        mean_with=4.0 + difference,
        mean_without=4.0,
        difference=difference,
        ci_low=low,
        ci_high=high,
        p_value=0.0004 if clear else 0.4,
        q_value=0.002 if clear else 0.6,
        enough_data=enough,
        clear=clear and enough,
        inflation=1.0,
    )


def correlation(variable="sleep", rho=-0.4, clear=True, n=120, enough=True):
    return core.Correlation(
        variable=variable,
        n=n,
        rho=rho if enough else None,
        p_value=(0.001 if clear else 0.7) if enough else None,
        q_value=(0.002 if clear else 0.7) if enough else None,
        enough_data=enough,
        clear=clear and enough,
        inflation=1.0,
    )


@pytest.mark.parametrize(
    ("language", "kind", "lag", "difference", "expected"),
    [
        (
            "nl",
            "tag",
            0,
            2.1,
            "Op de 29 dagen met ‘Werkdruk’ was je pijn gemiddeld 2,1 punt hoger dan op de 91 dagen zonder.",
        ),
        (
            "nl",
            "tag",
            1,
            -1.4,
            "Op de 29 dagen na een dag met ‘Werkdruk’ was je pijn gemiddeld 1,4 punt lager dan op de 91 andere dagen.",
        ),
        (
            "nl",
            "low_sleep",
            0,
            1.3,
            "Op de 29 dagen na een nacht die je een 4 of lager gaf, was je pijn gemiddeld 1,3 punt hoger dan op de 91 andere dagen.",
        ),
        (
            "en",
            "tag",
            0,
            -2.1,
            "On the 29 days with ‘Werkdruk’ your pain was on average 2.1 points lower than on the 91 days without.",
        ),
        (
            "en",
            "tag",
            1,
            1.4,
            "On the 29 days after a day with ‘Werkdruk’ your pain was on average 1.4 points higher than on the 91 other days.",
        ),
        (
            "en",
            "low_sleep",
            0,
            -1.3,
            "On the 29 days after a night you rated 4 or lower, your pain was on average 1.3 points lower than on the 91 other days.",
        ),
    ],
)
def test_a_clear_pattern_in_plain_words(language, kind, lag, difference, expected):
    with translation.override(language):
        sentence = presenting.effect_sentence(effect(kind, lag, difference), "Werkdruk")
        numbers = " ".join(presenting.effect_numbers(effect(kind, lag, difference), 19))
        method = presenting.effect_method()
    assert sentence == expected
    assert not JARGON.search(sentence)
    # the interval and the method are one tap away, not gone
    assert JARGON.search(numbers) and JARGON.search(method)


def test_the_numbers_give_the_interval_in_the_sentence_s_direction():
    with translation.override("nl"):
        lower = presenting.effect_numbers(effect(difference=-1.4), 19)
        higher = presenting.effect_numbers(effect(difference=2.1), 19)
    assert "Verschil: 1,4 punt lager, 95%-interval 0,9 tot 1,9" in lower
    assert "Verschil: 2,1 punt hoger, 95%-interval 1,6 tot 2,6" in higher
    assert "p < 0,001; q = 0,002 (Benjamini-Hochberg over 19 vergelijkingen)" in higher


@pytest.mark.parametrize(
    ("language", "item", "expected"),
    [
        (
            "nl",
            effect(clear=False),
            "nog geen duidelijk verschil in je pijn (29 dagen met, 91 zonder)",
        ),
        (
            "nl",
            effect(enough=False, n_with=3, n_without=40),
            "nog te weinig dagen om te vergelijken (3 met, 40 zonder; minstens 5 van elk)",
        ),
        (
            "en",
            effect(clear=False),
            "no clear difference in your pain yet (29 days with, 91 without)",
        ),
        (
            "en",
            effect("low_sleep", enough=False, n_with=2, n_without=60),
            "too few nights to compare yet (2 poor, 60 others; at least 5 of each)",
        ),
    ],
)
def test_what_is_not_clear_yet_says_so_with_its_days(language, item, expected):
    with translation.override(language):
        assert presenting.unclear_text(item) == expected


@pytest.mark.parametrize(
    ("language", "item", "expected"),
    [
        (
            "nl",
            correlation("sleep", -0.4),
            "Over alle 120 dagen samen: na een betere nacht had je meestal minder pijn.",
        ),
        (
            "nl",
            correlation("stress", 0.37),
            "Over alle 120 dagen samen: op dagen met meer stress had je meestal meer pijn.",
        ),
        (
            "nl",
            correlation("sleep", -0.02, clear=False),
            "Over alle 120 dagen samen is er nog geen duidelijk verband tussen hoe je sliep en je pijn.",
        ),
        (
            "nl",
            correlation("stress", enough=False, n=6),
            "Je hebt op 6 dagen zowel je pijn als je stress ingevuld; vanaf 10 dagen zie je hier of ze samengaan.",
        ),
        (
            "en",
            correlation("sleep", 0.3),
            "Over all 120 days together: after a better night you usually had more pain.",
        ),
        (
            "en",
            correlation("stress", -0.3),
            "Over all 120 days together: on days with more stress you usually had less pain.",
        ),
        (
            "en",
            correlation("stress", 0.1, clear=False),
            "Over all 120 days together there is no clear link yet between your stress and your pain.",
        ),
    ],
)
def test_links_with_sleep_and_stress_in_plain_words(language, item, expected):
    with translation.override(language):
        sentence = presenting.correlation_sentence(item)
        numbers = " ".join(presenting.correlation_numbers(item))
    assert sentence == expected
    assert not JARGON.search(sentence)
    if item.rho is not None:
        assert "Spearman" in numbers


def test_poor_nights_clear_beside_no_clear_sleep_link_is_explained_once():
    with translation.override("nl"):
        card, why = presenting.sleep_why(
            effect("low_sleep", difference=1.3), correlation(rho=-0.02, clear=False)
        )
    assert card == "low_sleep"
    assert "beide kunnen kloppen" in why and "één rechte lijn over alle nachten" in why
    assert "alleen over de slechtste nachten (een 4 of lager)" in why
    assert not JARGON.search(why)
    with translation.override("en"):
        _, why = presenting.sleep_why(
            effect("low_sleep", difference=1.3), correlation(rho=-0.02, clear=False)
        )
    assert "both can be true" in why


def test_a_clear_sleep_link_beside_unclear_poor_nights_is_explained_on_the_link():
    with translation.override("nl"):
        card, why = presenting.sleep_why(
            effect("low_sleep", difference=0.4, clear=False, n_with=9), correlation(rho=-0.4)
        )
    assert card == "sleep"
    assert "(een 4 of lager, 9 keer)" in why and "alle nachten samen" in why


@pytest.mark.parametrize(
    ("low_sleep", "sleep"),
    [
        (effect("low_sleep", difference=1.3), correlation(rho=-0.4)),  # both clear, same story
        (effect("low_sleep", clear=False), correlation(clear=False)),  # neither clear
        (effect("low_sleep", enough=False), correlation(clear=False)),  # too few poor nights
        (effect("low_sleep", difference=1.3), correlation(enough=False, n=6)),
        (None, correlation()),
    ],
)
def test_no_explanation_where_nothing_disagrees(low_sleep, sleep):
    with translation.override("nl"):
        assert presenting.sleep_why(low_sleep, sleep) == ("", "")
