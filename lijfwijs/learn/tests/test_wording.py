"""The articles describe and never attribute or predict (docs/clinical.md, "Wording")."""

import re

import pytest

from lijfwijs.learn import content

# Phrases a clinical review found, and their kind: a person's pain put down to one cause, healed
# tissue assumed, or an outcome promised.
ATTRIBUTING = re.compile(
    r"weefsel (al )?hersteld|tissue (has )?(already )?healed|wordt gemaakt door|is produced by"
    r"|mainly made|vooral gemaakt|achter zit|is behind it|brings? (you )?the most|het meeste rust"
    r"|\bzal\b|\bzullen\b|\bgeneest\b|\bcures?\b|\bheals?\b|there will be|you will (often )?return"
    r"|pijn wordt gemaakt|pain is produced|keeps producing pain|blijft het zenuwstelsel pijn maken",
    re.IGNORECASE,
)


@pytest.fixture(scope="module")
def articles():
    return [entry["fields"] for entry in content.read_articles()]


def test_no_article_attributes_or_predicts(articles):
    assert len(articles) == 10
    for article in articles:
        for lang in ("nl", "en"):
            for field in ("title", "summary", "body"):
                text = article[f"{field}_{lang}"]
                found = ATTRIBUTING.search(text)
                assert not found, (article["slug"], lang, field, found and found.group(0))


def test_the_neuroplastic_pain_texts_say_who_can_judge(articles):
    by_slug = {a["slug"]: a for a in articles}
    for slug in ("neuroplastische-pijn", "pijn-is-een-alarm"):
        assert re.search(
            r"alleen een arts of fysiotherapeut kan beoordelen"
            r"|kan alleen een arts of fysiotherapeut beoordelen",
            by_slug[slug]["body_nl"],
        )
        assert "only a doctor or physiotherapist can judge" in by_slug[slug]["body_en"].lower()
    article = by_slug["neuroplastische-pijn"]
    assert "common in pain that a sensitised nervous system keeps going" in article["body_en"]
    assert (
        "vaak voor bij pijn die een gevoelig geworden zenuwstelsel in stand houdt"
        in article["body_nl"]
    )
