"""The diary and the practice log as CSV files (RFC 4180, UTF-8): one row per check-in or session.

Two dialects: the plain one (comma, decimal point, column names that never change, for programs)
and the Dutch-spreadsheet one (semicolon, decimal comma, a byte-order mark so Excel reads UTF-8,
column names in the person's language). The columns are listed in docs/export.md.

Several tags or exercises share one cell, joined by "; ". A ";" or "\\" inside a name is written
as "\\;" or "\\\\", so `split_list` gives back exactly the names (also names holding commas,
quotes or line breaks, which the csv module quotes).
"""

import csv
import io
import re
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lijfwijs.accounts.localtime import zone_of
from lijfwijs.core.spreadsheet import as_text
from lijfwijs.diary.forms import REGION_LABELS
from lijfwijs.diary.models import REGIONS, CheckIn, Tag
from lijfwijs.exercises.models import Exercise, PracticeSession

SEPARATOR = "; "
_SPLIT = re.compile(r"((?:\\.|[^\\;])*);? ?", re.DOTALL)


def join_list(names: Iterable[str]) -> str:
    return SEPARATOR.join(n.replace("\\", "\\\\").replace(";", "\\;") for n in names)


def split_list(cell: str) -> list[str]:
    """The names `join_list` joined, back (the inverse, for anyone reading the file)."""
    if not cell:
        return []
    names = []
    for match in _SPLIT.finditer(cell):
        if match.start() == len(cell):
            break
        names.append(re.sub(r"\\(.)", r"\1", match.group(1), flags=re.DOTALL))
    return names


class Sheet:
    """Rows written in one dialect: `plain` or `dutch`."""

    def __init__(self, dutch: bool) -> None:
        self.dutch = dutch
        self.buffer = io.StringIO()
        if dutch:
            self.buffer.write("\ufeff")
        self.writer = csv.writer(
            self.buffer, delimiter=";" if dutch else ",", lineterminator="\r\n"
        )

    def cell(self, value: Any) -> str:
        if value is None:
            return ""
        if isinstance(value, bool):
            return "1" if value else "0"
        if isinstance(value, float):
            text = f"{value:.1f}"
            return text.replace(".", ",") if self.dutch else text
        if isinstance(value, str) and self.dutch:  # the file a spreadsheet opens: no formulas
            return as_text(value)
        return str(value)

    def header(self, columns: Sequence[tuple[str, Any]]) -> None:
        self.writer.writerow([str(label) if self.dutch else key for key, label in columns])

    def row(self, values: Iterable[Any]) -> None:
        self.writer.writerow([self.cell(v) for v in values])

    def data(self) -> bytes:
        return self.buffer.getvalue().encode("utf-8")


def _local(moment: datetime, zone: Any) -> str:
    return moment.astimezone(zone).isoformat(timespec="seconds")


def diary_columns() -> list[tuple[str, Any]]:
    return [
        *DIARY_COLUMNS[:4],
        *[
            (f"pain_{region}", _("pijn: %(region)s") % {"region": REGION_LABELS[region]})
            for region in REGIONS
        ],
        *DIARY_COLUMNS[4:],
    ]


DIARY_COLUMNS: list[tuple[str, Any]] = [  # the region columns go after "pain" (diary_columns)
    ("id", gettext_lazy("id")),
    ("at", gettext_lazy("tijdstip")),
    ("day", gettext_lazy("datum")),
    ("pain", gettext_lazy("pijn (0-10)")),
    ("state", gettext_lazy("toestand")),
    ("stress", gettext_lazy("stress (0-10)")),
    ("sleep", gettext_lazy("slaap (0-10)")),
    ("energy", gettext_lazy("energie (0-10)")),
    ("tags", gettext_lazy("tags")),
    ("exercises", gettext_lazy("oefeningen")),
    ("note", gettext_lazy("notitie")),
]


def diary_csv(client: Any, *, dutch: bool, with_notes: bool = True) -> bytes:
    """Every check-in of `client`, oldest first. `with_notes` False leaves the note cells empty
    (a practitioner the person does not share the free text of their check-ins with)."""
    zone = zone_of(client)
    checkins = (
        CheckIn.objects.for_user(client)
        .order_by("at", "pk")
        .prefetch_related(
            Prefetch("tags", queryset=Tag.objects.order_by("kind", "name_nl")),
            Prefetch("exercises", queryset=Exercise.objects.order_by("slug").only("slug")),
        )
    )
    if not with_notes:
        checkins = checkins.defer("note")
    sheet = Sheet(dutch)
    sheet.header(diary_columns())
    for c in checkins.iterator(chunk_size=500):
        regions = c.region_pain if isinstance(c.region_pain, dict) else {}
        sheet.row(
            [
                c.pk,
                _local(c.at, zone),
                c.day.isoformat(),
                c.pain,
                *[regions.get(region) for region in REGIONS],
                c.state,
                c.stress,
                c.sleep,
                c.energy,
                join_list(str(t.name) for t in c.tags.all()),
                join_list(e.slug for e in c.exercises.all()),
                c.note if with_notes else "",
            ]
        )
    return sheet.data()


PRACTICE_COLUMNS: list[tuple[str, Any]] = [
    ("id", gettext_lazy("id")),
    ("started_at", gettext_lazy("begonnen")),
    ("day", gettext_lazy("datum")),
    ("exercise", gettext_lazy("oefening")),
    ("exercise_name", gettext_lazy("naam van de oefening")),
    ("seconds", gettext_lazy("seconden")),
    ("minutes", gettext_lazy("minuten")),
    ("completed", gettext_lazy("helemaal gedaan")),
    ("tension_before", gettext_lazy("spanning vooraf (0-10)")),
    ("tension_after", gettext_lazy("spanning achteraf (0-10)")),
    ("program_step", gettext_lazy("stap van het programma")),
    ("checkin", gettext_lazy("check-in")),
]


def practice_csv(client: Any, *, dutch: bool) -> bytes:
    """Every practice session of `client`, oldest first."""
    zone = zone_of(client)
    sessions = (
        PracticeSession.objects.for_user(client)
        .order_by("started_at", "pk")
        .select_related("exercise")
        .only(
            "id",
            "started_at",
            "day",
            "seconds",
            "completed",
            "tension_before",
            "tension_after",
            "program_step",
            "checkin_id",
            "exercise__slug",
            "exercise__name_nl",
            "exercise__name_en",
        )
    )
    sheet = Sheet(dutch)
    sheet.header(PRACTICE_COLUMNS)
    for s in sessions.iterator(chunk_size=500):
        sheet.row(
            [
                s.pk,
                _local(s.started_at, zone),
                s.day.isoformat(),
                s.exercise.slug,
                str(s.exercise.name),
                s.seconds,
                round(s.seconds / 60, 1),
                s.completed,
                s.tension_before,
                s.tension_after,
                s.program_step,
                s.checkin_id or "",
            ]
        )
    return sheet.data()


def filename(kind: str, dutch: bool) -> str:
    base = {"diary_csv": _("dagboek"), "practice_csv": _("oefenlogboek")}[kind]
    return f"lijfwijs-{base}{'-nl' if dutch else ''}.csv"
