"""The overview for the GP: the text in the PDF (read with pypdf) holds the person's numbers, the
safety findings first, the patterns with their numbers and the footer; in the person's language.
How fast it renders is measured in bench/exports_bench.py, not here."""

import io
from datetime import date

import pytest
from django.utils import translation
from pypdf import PdfReader

from lijfwijs.accounts.tests.helpers import give_access
from lijfwijs.exports import pdf

from .history import make_history

LAST = date(2026, 12, 1)


def text_of(data: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(data))
    return len(reader.pages), " ".join(
        " ".join((p.extract_text() or "").split()) for p in reader.pages
    )


@pytest.fixture
def year(anna):
    """Anna with a year of data and a red flag (fever) in her last Pijntest."""
    make_history(anna, days=365, last=LAST, red_flag=True)
    return anna


def test_the_overview_of_a_year(year):
    with translation.override("nl"):
        pages, text = text_of(pdf.render(year, year, LAST))
    # who and when, on one or two pages
    assert pages <= 2
    assert "Overzicht uit Lijfwijs: Anna" in text
    assert "Periode: 2 december 2025 tot en met 1 december 2026" in text
    # the safety findings first
    flag = text.index("koorts of je erg ziek voelen")
    assert text.index("Neem vandaag contact op met je huisarts") < flag
    assert (
        flag
        < text.index("Scores van de laatste Pijntest")
        < text.index("PEG en PHQ-4 over de tijd")
    )
    # the last Pijntest: PEG 4 (the history lowers it a point a quarter), PHQ-4 total 8
    assert "PEG (pijn en de invloed ervan, 0 tot 10) 4,0" in text
    assert "8 · matige klachten" in text
    assert "Belasting: Stress 50%" in text
    # the first measurement and the meaningful-change line
    assert "26 Dec 2025 PEG-3: pijn, plezier en activiteit 7,0" in text
    assert "1,0 punt beter dan de eerste meting" in text
    # the diary's trend and a pattern with its numbers
    assert "365 dagen met check-ins" in text
    assert "op 122 dagen" in text and "95%-interval 1,1 tot 2,2" in text
    # what calms: the practice log's drop in tension
    assert "Gemiddeld 2,0 punt minder spanning" in text
    # the footer on every page
    assert text.count("vervangt de huisarts of een medisch onderzoek niet") == pages
    # in the person's language
    with translation.override("en"):
        _pages, english = text_of(pdf.render(year, year, LAST))
    assert "fever" in english.lower() and "koorts" not in english


def test_without_data_it_says_so(bram):
    with translation.override("nl"):
        _pages, text = text_of(pdf.render(bram, bram, LAST))
    assert "Nog geen Pijntest ingevuld." in text
    assert "Nog geen check-ins in het dagboek." in text


def test_made_by_a_practitioner_with_the_diarys_safety_check_first(anna, pieter):
    from freezegun import freeze_time

    from lijfwijs.diary import safety

    give_access(anna, pieter)
    with freeze_time("2026-11-20 09:00"):
        safety.record(anna, ["leg_weakness"])
    with translation.override("nl"):
        _pages, text = text_of(pdf.render(anna, pieter, LAST))
    assert "Gemaakt door Pieter (Fysio De Brug)." in text
    found = text.index("Veiligheidsvragen in het dagboek, 20 november 2026")
    assert found < text.index("een been dat snel zwakker wordt, of een klapvoet")
    assert found < text.index("Laatste Pijntest")
    with translation.override("nl"):  # older than 90 days: no longer shown
        _pages, text = text_of(pdf.render(anna, pieter, date(2027, 3, 1)))
    assert "Veiligheidsvragen in het dagboek" not in text
