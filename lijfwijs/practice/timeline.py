"""A client's timeline and summary for their practitioner: what happened, week by week.

`timeline(client, practitioner)` gathers the last weeks of Pijntests (with the PEG change judged
against the meaningful change), the diary and practice log per week, program steps, alerts, notes
and assignments into `Week`s, newest first. `summary(client)` is the short version for the API.

The views have already checked access (`accounts.access.client_for`); nothing here writes the
access log (the view writes one row per look). The number of queries does not depend on the amount
of data: each source is read once, as plain values where there are many rows. No free text of the
client's is read unless they chose to share their diary notes with this practitioner, and no note
body of the practitioners' own notes is read at all (the notes section shows those).
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import cache, lru_cache
from html import escape  # the standard library's: Django's adds a lazy-text check per call
from typing import Any

from django.db import connection
from django.template.defaultfilters import linebreaksbr
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.dateparse import parse_datetime
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from lijfwijs.accounts.localtime import local_today, zone_of
from lijfwijs.accounts.models import AccessLog, PractitionerAccess
from lijfwijs.assessments import labels
from lijfwijs.assessments.models import Response
from lijfwijs.assessments.services import PEG_MEANINGFUL_CHANGE, PIJNTEST, peg_of
from lijfwijs.core.i18n import current_language, pick
from lijfwijs.diary.models import CheckIn, Tag
from lijfwijs.exercises import calm
from lijfwijs.exercises.models import PracticeSession
from lijfwijs.exercises.services import helped_most
from lijfwijs.program import program
from lijfwijs.program.models import ProgramProgress

from . import dates
from .assignments import UNREAD, visible_to
from .models import Alert, Assignment
from .notes import notes_of

WEEKS = 12
SHARED_NOTES_DAYS = 28  # a shared diary's free text: the last four weeks only
TOP_TAGS = 3
TREND_WEEKS = 4


class Kind:
    """What an event on the timeline is about (the template's classes and the tests use these)."""

    PIJNTEST = "pijntest"
    PROGRAM = "program"
    ALERT = "alert"
    NOTE = "note"
    ASSIGNMENT = "assignment"
    APPOINTMENT = "appointment"


@dataclass(frozen=True)
class Event:
    """One dated thing in a week: a title and a few plain lines, perhaps a link."""

    at: datetime
    kind: str
    title: str
    lines: tuple[str, ...] = ()
    url: str = ""
    warning: bool = False  # shown as needing attention (an open alert, a red flag, worse PEG)


class Words:
    """The timeline's words for one request: each translation looked up once (a plural once per
    count) and numbers written with the language's separator, instead of a lookup per week."""

    def __init__(self) -> None:
        self.separator = decimal_separator(get_language())
        self._found: dict[Any, str] = {}

    def gettext(self, msgid: str) -> str:
        found = self._found.get(msgid)
        if found is None:
            found = self._found[msgid] = _(msgid)
        return found

    def ngettext(self, singular: str, plural: str, count: int) -> str:
        key = (singular, plural, count)
        found = self._found.get(key)
        if found is None:
            found = self._found[key] = ngettext(singular, plural, count)
        return found

    def number(self, value: float | None, digits: int = 1) -> str:
        """`number(value, digits)`."""
        return written(value, digits, self.separator)


@dataclass(frozen=True)
class DiaryWeek:
    """The week's check-ins: how many, the pain (0-10) and the tags that came most often."""

    checkins: int
    days: int
    mean_pain: float
    min_pain: int
    max_pain: int
    tags: tuple[tuple[str, int], ...]  # (name, check-ins with it), most frequent first
    notes: tuple[tuple[date, str], ...] = ()  # only what the client chose to share

    @property
    def sentence(self) -> str:
        return self.sentence_in(Words())

    def sentence_in(self, words: Words) -> str:
        values = {
            "checkins": self.checkins,
            "days": self.days,
            "mean": words.number(self.mean_pain),
            "min": self.min_pain,
            "max": self.max_pain,
        }
        return (
            words.ngettext(
                "%(checkins)s check-in, op %(days)s van de 7 dagen; pijn gemiddeld "
                "%(mean)s (laagste %(min)s, hoogste %(max)s).",
                "%(checkins)s check-ins, op %(days)s van de 7 dagen; pijn gemiddeld "
                "%(mean)s (laagste %(min)s, hoogste %(max)s).",
                self.checkins,
            )
            % values
        )

    @property
    def tags_text(self) -> str:
        """ "werk (3×), slecht geslapen (2×)"."""
        return self.tags_text_in(Words())

    def tags_text_in(self, words: Words) -> str:
        each = words.gettext("%(tag)s (%(count)s×)")
        return ", ".join(each % {"tag": name, "count": count} for name, count in self.tags)


@dataclass(frozen=True)
class PracticeWeek:
    """The week's practice log: sessions, minutes and the mean drop in tension where rated."""

    sessions: int
    minutes: int
    rated: int
    mean_drop: float | None

    @property
    def sentence(self) -> str:
        return self.sentence_in(Words())

    def sentence_in(self, words: Words) -> str:
        text = words.ngettext(
            "%(sessions)s keer geoefend, %(minutes)s minuten.",
            "%(sessions)s keer geoefend, %(minutes)s minuten.",
            self.sessions,
        ) % {"sessions": self.sessions, "minutes": self.minutes}
        if self.mean_drop is None:
            return text
        values = {"drop": words.number(abs(self.mean_drop)), "rated": self.rated}
        if self.mean_drop > 0:
            after = words.ngettext(
                "Spanning gemiddeld %(drop)s punt lager na afloop (%(rated)s keer gemeten).",
                "Spanning gemiddeld %(drop)s punt lager na afloop (%(rated)s keer gemeten).",
                self.rated,
            )
        elif self.mean_drop < 0:
            after = words.ngettext(
                "Spanning gemiddeld %(drop)s punt hoger na afloop (%(rated)s keer gemeten).",
                "Spanning gemiddeld %(drop)s punt hoger na afloop (%(rated)s keer gemeten).",
                self.rated,
            )
        else:
            after = words.ngettext(
                "Spanning gemiddeld gelijk na afloop (%(rated)s keer gemeten).",
                "Spanning gemiddeld gelijk na afloop (%(rated)s keer gemeten).",
                self.rated,
            )
        return text + " " + after % values


@dataclass
class Week:
    """Monday to Sunday on the client's calendar."""

    start: date
    end: date
    diary: DiaryWeek | None = None
    practice: PracticeWeek | None = None
    events: list[Event] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return self.diary is None and self.practice is None and not self.events


def number(value: float | None, digits: int = 1) -> str:
    """5.25 → "5,3" in Dutch, "5.3" in English; "–" for none."""
    return written(value, digits, decimal_separator(get_language()))


def written(value: float | None, digits: int, separator: str) -> str:
    """What formats.number_format writes for `value` rounded to `digits` ("–" for none), with
    the language's separator looked up once (no thousands separator: USE_THOUSAND_SEPARATOR is
    off)."""
    if value is None:
        return "–"
    return f"{round(value, digits) + 0.0:.{digits}f}".replace(".", separator)


@cache
def decimal_separator(language: str | None) -> str:
    return str(formats.get_format("DECIMAL_SEPARATOR", language))


def signed(value: float) -> str:
    text = number(value)
    return text if value < 0 else "+" + text


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def safety_words(safety: dict[str, Any]) -> str:
    """A Pijntest's safety finding in the practitioner's words ("" when there is none)."""
    if safety.get("crisis"):
        return str(Alert.Kind.CRISIS.label)
    return {
        "urgent": str(Alert.Kind.URGENT.label),
        "same_day": str(Alert.Kind.SAME_DAY.label),
        "days": _("binnen enkele dagen naar de huisarts"),
        "routine": _("bespreken bij de huisarts"),
    }.get(safety.get("level") or "", "")


def peg_change(before: float | None, after: float | None) -> dict[str, Any] | None:
    """The PEG change from one Pijntest to the next, judged against about 1 point."""
    if before is None or after is None:
        return None
    change = round(after - before, 1)
    return {
        "before": before,
        "change": change,
        "meaningful": abs(change) >= PEG_MEANINGFUL_CHANGE,
        "direction": "better" if change < 0 else ("worse" if change > 0 else "same"),
    }


def _change_line(diff: dict[str, Any], previous: datetime) -> str:
    values = {
        "change": number(abs(diff["change"])),
        "date": dates.formatter()(timezone.localtime(previous)),
        "threshold": number(PEG_MEANINGFUL_CHANGE),
    }
    if diff["direction"] == "same":
        return _("Gelijk aan de vorige keer (%(date)s).") % values
    if diff["direction"] == "better":
        text = _("%(change)s punt lager dan de vorige keer (%(date)s)") % values
    else:
        text = _("%(change)s punt hoger dan de vorige keer (%(date)s)") % values
    if diff["meaningful"]:
        return (
            text
            + ": "
            + _("een verandering die mensen merken (%(threshold)s punt of meer).") % values
        )
    return text + ": " + _("minder dan een merkbare verandering (%(threshold)s punt).") % values


@lru_cache(maxsize=4)
def _pijntests_sql(vendor: str) -> str:
    """The SQL of `read_pijntests`, written once per process from the model's own names.
    Placeholders: user, since, user."""
    quote = connection.ops.quote_name
    table = quote(Response._meta.db_table)
    c = {f.name: quote(f.column) for f in Response._meta.concrete_fields}
    done = (
        f"{c['user']} = %s AND {c['instrument']} = '{PIJNTEST}' "
        f"AND {c['status']} = '{Response.Status.COMPLETED}'"
    )
    return (
        f"SELECT {c['id']}, {c['completed_at']}, {c['result']} FROM {table} "  # noqa: S608
        f"WHERE {done} AND ({c['completed_at']} >= %s OR {c['id']} IN ("
        f"SELECT {c['id']} FROM {table} WHERE {done} AND {c['completed_at']} < %s "
        f"ORDER BY {c['completed_at']} DESC LIMIT 2)) ORDER BY {c['completed_at']}"
    )


def read_pijntests(client: Any, since: datetime) -> list[tuple[str, datetime, dict[str, Any]]]:
    """The client's completed Pijntests since `since` and the two before, oldest first, as
    (id, completed_at, result): what the timeline and the summary show, in one query."""
    moment = connection.ops.adapt_datetimefield_value(since)
    result_field = Response._meta.get_field("result")
    found = []
    with connection.cursor() as cursor:
        cursor.execute(_pijntests_sql(connection.vendor), [client.pk, moment, client.pk, moment])
        for pk, completed_at, result in cursor.fetchall():
            if isinstance(result, str):  # SQLite: the JSON as text
                result = result_field.from_db_value(result, None, connection)
            found.append((pk, _aware(completed_at), result))
    return found


def _aware(value: Any) -> Any:
    """A datetime read without the ORM (SQLite gives it in UTC without a zone, or as text)."""
    if isinstance(value, str):
        value = parse_datetime(value)
    if isinstance(value, datetime) and timezone.is_naive(value):
        value = timezone.make_aware(value, UTC)
    return value


def _pijntests(client: Any, client_id: int, since: datetime, read: Any = None) -> list[Event]:
    """The Pijntests since `since`, each with its change against the one before (two queries,
    none with `read`: `read_pijntests(client, since)`)."""
    if read is None:
        done = Response.objects.completed().filter(user=client, instrument=PIJNTEST)
        rows = list(
            done.filter(completed_at__gte=since)
            .order_by("completed_at")
            .values_list("pk", "completed_at", "result")
        )
        before = (
            done.filter(completed_at__lt=since)
            .order_by("-completed_at")
            .values_list("pk", "completed_at", "result")
            .first()
        )
    else:
        rows = [r for r in read if r[1] >= since]
        earlier = [r for r in read if r[1] < since]
        before = earlier[-1] if earlier else None
    previous = before
    events = []
    for pk, completed_at, result in rows:
        result = result or {}
        peg = peg_of(result)
        lines = [_("PEG %(peg)s (van 0 tot 10)") % {"peg": number(peg)}]
        diff = peg_change(peg_of(previous[2] or {}), peg) if previous else None
        if diff and previous:
            lines.append(_change_line(diff, previous[1]))
        safety = safety_words(result.get("safety") or {})
        if safety:
            lines.append(_("Veiligheid: %(words)s") % {"words": safety})
        domains = [
            str(labels.DOMAINS[c])
            for c in result.get("priority_domains", ())
            if c in labels.DOMAINS
        ]
        if domains:
            lines.append(_("Weegt nu het zwaarst: %(domains)s") % {"domains": ", ".join(domains)})
        events.append(
            Event(
                at=completed_at,
                kind=Kind.PIJNTEST,
                title=_("Pijntest"),
                lines=tuple(lines),
                url=reverse(
                    "practice:client_report", kwargs={"client_id": client_id, "response_id": pk}
                ),
                warning=bool(safety and (result.get("safety") or {}).get("level") != "routine")
                or bool(diff and diff["meaningful"] and diff["direction"] == "worse"),
            )
        )
        previous = (pk, completed_at, result)
    return events


def shares_notes(client: Any, practitioner: Any) -> bool:
    """Whether the client chose to let this practitioner read the free text of their check-ins."""
    return bool(
        PractitionerAccess.objects.active()
        .filter(client=client, practitioner=practitioner, share_notes=True)
        .exists()
    )


def read_checkins(client: Any, first: date) -> list[tuple[Any, date, int]]:
    """(id, day, pain) of the client's check-ins from `first` on: the timeline's weeks and the
    summary's four (one query, a plain statement: `CheckIn.objects.for_user(client)` from `first`)."""
    return _select(
        CheckIn,
        ("id", "day", "pain"),
        {"user =": client.pk, "day >=": connection.ops.adapt_datefield_value(first)},
    )


@lru_cache(maxsize=4)
def _tags_sql(vendor: str) -> str:
    """(day, tag's Dutch name, English name) of each tag on the client's check-ins from a day on,
    written once per process from the models' own names. Placeholders: user, first day."""
    quote = connection.ops.quote_name
    through = CheckIn.tags.through
    link, checkin, tag = (quote(m._meta.db_table) for m in (through, CheckIn, Tag))
    lc = {f.name: quote(f.column) for f in through._meta.concrete_fields}
    c = {f.name: quote(f.column) for f in CheckIn._meta.concrete_fields}
    t = {f.name: quote(f.column) for f in Tag._meta.concrete_fields}
    return (
        f"SELECT {checkin}.{c['day']}, {tag}.{t['name_nl']}, {tag}.{t['name_en']} "  # noqa: S608
        f"FROM {link} JOIN {checkin} ON {checkin}.{c['id']} = {link}.{lc['checkin']} "
        f"JOIN {tag} ON {tag}.{t['id']} = {link}.{lc['tag']} "
        f"WHERE {checkin}.{c['user']} = %s AND {checkin}.{c['day']} >= %s"
    )


def _diary(
    client: Any, first: date, today: date, shared: bool, read: Any = None
) -> dict[date, DiaryWeek]:
    """Per week (its Monday): the check-ins' pain and tags, and the shared notes (2-3 queries,
    one less with `read`: `read_checkins(client, first)`)."""
    rows = read_checkins(client, first) if read is None else [r for r in read if r[1] >= first]
    english = current_language() == "en"
    with connection.cursor() as cursor:
        cursor.execute(
            _tags_sql(connection.vendor), [client.pk, connection.ops.adapt_datefield_value(first)]
        )
        links = cursor.fetchall()
    tags: dict[date, Counter[str]] = defaultdict(Counter)
    for day, name_nl, name_en in links:
        tags[_monday(day)][(english and name_en) or name_nl] += 1
    notes: dict[date, list[tuple[date, str]]] = defaultdict(list)
    if shared:
        since = max(first, today - timedelta(days=SHARED_NOTES_DAYS - 1))
        written = (
            CheckIn.objects.for_user(client)
            .filter(day__gte=since)
            .exclude(note="")
            .order_by("-day", "-at")
            .only("day", "at", "note")
        )
        for checkin in written:
            if checkin.note:  # "" is stored encrypted too: the exclude above cannot see it
                notes[_monday(checkin.day)].append((checkin.day, checkin.note))
    pains: dict[date, list[int]] = defaultdict(list)
    days: dict[date, set[date]] = defaultdict(set)
    for _pk, day, pain in rows:
        monday = _monday(day)
        pains[monday].append(pain)
        days[monday].add(day)
    return {
        monday: DiaryWeek(
            checkins=len(values),
            days=len(days[monday]),
            mean_pain=math.fsum(values) / len(values),
            min_pain=min(values),
            max_pain=max(values),
            tags=tuple(
                sorted(tags[monday].items(), key=lambda item: (-item[1], item[0]))[:TOP_TAGS]
            ),
            notes=tuple(notes.get(monday, ())),
        )
        for monday, values in pains.items()
    }


@lru_cache(maxsize=8)
def _select_sql(vendor: str, model: Any, columns: tuple[str, ...], where: tuple[str, ...]) -> str:
    """SELECT of these fields of `model` where each of `where` is "field op" (a placeholder
    each), written once per process from the model's own names: for the timeline's plain reads,
    which the ORM took longer to build than the database to answer."""
    quote = connection.ops.quote_name
    column = {f.name: quote(f.column) for f in model._meta.concrete_fields}
    picked = ", ".join(column[name] for name in columns)
    conditions = " AND ".join(
        f"{column[field]} {op} %s" for field, op in (w.split(" ") for w in where)
    )
    return f"SELECT {picked} FROM {quote(model._meta.db_table)} WHERE {conditions}"  # noqa: S608


def _select(model: Any, columns: tuple[str, ...], where: dict[str, Any]) -> list[tuple]:
    sql = _select_sql(connection.vendor, model, columns, tuple(where))
    with connection.cursor() as cursor:
        cursor.execute(sql, list(where.values()))
        return cursor.fetchall()


def _practice(client: Any, first: date) -> dict[date, PracticeWeek]:
    """Per week: sessions, minutes and the mean drop in tension where both were rated (1 query)."""
    rows = _select(
        PracticeSession,
        ("day", "seconds", "tension_before", "tension_after"),
        {"user =": client.pk, "day >=": connection.ops.adapt_datefield_value(first)},
    )
    seconds: dict[date, int] = defaultdict(int)
    count: dict[date, int] = defaultdict(int)
    drops: dict[date, list[int]] = defaultdict(list)
    for day, length, before, after in rows:
        monday = _monday(day)
        count[monday] += 1
        seconds[monday] += length
        if before is not None and after is not None:
            drops[monday].append(before - after)
    return {
        monday: PracticeWeek(
            sessions=n,
            minutes=round(seconds[monday] / 60),
            rated=len(drops[monday]),
            mean_drop=math.fsum(drops[monday]) / len(drops[monday]) if drops[monday] else None,
        )
        for monday, n in count.items()
    }


def _step_name(number_: int) -> str:
    return pick(program.step(number_).name)


def _program(client: Any, since: datetime, progress: Any = UNREAD) -> list[Event]:
    """Where the client started and the step they are in, and the practitioners' changes to it
    (from the access log, where every change is written: 2 queries, 1 with `progress` read)."""
    events = []
    if progress is UNREAD:
        progress = ProgramProgress.objects.filter(user=client).first()
    if progress is not None:
        values = {"number": progress.start_step, "name": _step_name(progress.start_step)}
        if progress.started_at and progress.started_at >= since:
            events.append(
                Event(
                    at=progress.started_at,
                    kind=Kind.PROGRAM,
                    title=_("Begonnen met het programma"),
                    lines=(_("Stap %(number)s: %(name)s") % values,),
                )
            )
        moved = progress.current_step != progress.start_step
        if moved and progress.step_started_at >= since:
            current = {
                "number": progress.current_step,
                "name": _step_name(progress.current_step),
            }
            events.append(
                Event(
                    at=progress.step_started_at,
                    kind=Kind.PROGRAM,
                    title=_("Naar stap %(number)s: %(name)s") % current,
                )
            )
    changes = [
        (_aware(at), actor, ref)
        for at, actor, ref in _select(
            AccessLog,
            ("at", "actor_name", "object_ref"),
            {
                "client_id =": client.pk,
                "kind =": str(AccessLog.Kind.PROGRAM),
                "action =": str(AccessLog.Action.CHANGE),
                "at >=": connection.ops.adapt_datetimefield_value(since),
            },
        )
    ]
    what = {
        program.UNLOCK: _("volgende stap vrijgegeven"),
        program.HOLD: _("stap vastgehouden"),
    }
    for at, actor, ref in changes:
        events.append(
            Event(
                at=at,
                kind=Kind.PROGRAM,
                title=what.get(ref, _("weer de gewone regel")).capitalize(),
                lines=(_("door %(who)s") % {"who": actor},) if actor else (),
            )
        )
    return events


def _alerts(client: Any, practitioner: Any, since: datetime, read: Any = None) -> list[Event]:
    """This practitioner's alerts about the client: what, and who saw it when (1 query, none
    when `read` holds them already: those created since `since` are taken from it)."""
    if read is None:
        found = (
            Alert.objects.for_practitioner(practitioner)
            .filter(client=client, created_at__gte=since)
            .select_related("acknowledged_by")
            .only("kind", "created_at", "acknowledged_at", "acknowledged_by__display_name")
            .order_by()
        )
    else:
        found = [a for a in read if a.created_at >= since]
    events = []
    when = dates.formatter("DATETIME_FORMAT")
    for alert in found:
        if alert.acknowledged_at:
            who = alert.acknowledged_by or _("een behandelaar")
            seen = _("Gezien door %(who)s op %(when)s") % {
                "who": who,
                "when": when(timezone.localtime(alert.acknowledged_at)),
            }
        else:
            seen = _("Nog niet gezien")
        events.append(
            Event(
                at=alert.created_at,
                kind=Kind.ALERT,
                title=_("Melding: %(kind)s") % {"kind": alert.get_kind_display()},
                lines=(seen,),
                warning=alert.acknowledged_at is None,
            )
        )
    return events


def _notes(client: Any, practitioner: Any, since: datetime, read: Any = None) -> list[Event]:
    """When notes about the client were written that this practitioner may read (the notes
    module's rule: their own and their practice's): author and time, never the body (1 query,
    none when `read` holds `notes.visible_notes()` already)."""
    if read is None:
        rows: Any = (
            notes_of(practitioner)
            .filter(client=client, created_at__gte=since)
            .order_by()
            .values_list("created_at", "author_name", "addendum_to_id")
        )
    else:
        rows = [
            (n.created_at, n.author_name, n.addendum_to_id)
            for note in read
            for n in (note, *getattr(note, "addenda_list", ()))
            if n.created_at >= since
        ]
    return _note_events(rows)


def _note_events(rows: Any) -> list[Event]:
    """(created_at, author's name, addendum_to id) → the notes' events."""
    return [
        Event(
            at=at,
            kind=Kind.NOTE,
            title=(_("Aanvulling van %(author)s") if addendum else _("Notitie van %(author)s"))
            % {"author": author},
        )
        for at, author, addendum in rows
    ]


def _assignments(client: Any, practitioner: Any, since: datetime, read: Any = None) -> list[Event]:
    """What was assigned to the client that this practitioner may see (the assignments module's
    rule), and from when (1 query, none when `read` holds them with their exercises already)."""
    if read is None:
        found: Any = (
            visible_to(practitioner, client)
            .filter(created_at__gte=since)
            .select_related("exercise")
            .order_by()
        )
    else:
        found = [a for a in read if a.created_at >= since]
    events = []
    day_text = dates.formatter()
    for a in found:
        values = {
            "who": a.practitioner_name,
            "from": day_text(a.starts_on),
            "until": day_text(a.ends_on) if a.ends_on else "",
            "times": a.times_per_week or 0,
        }
        if a.kind == Assignment.Kind.EXERCISE and a.exercise is not None:
            title = _("Opdracht: %(exercise)s") % {"exercise": a.exercise.name}
            lines = [
                _("%(times)s keer per week, van %(from)s tot en met %(until)s") % values,
            ]
        else:
            title = _("Opdracht: stap %(number)s openen") % {"number": a.step}
            lines = [_("vanaf %(from)s") % values]
        lines.append(_("door %(who)s") % values)
        if a.withdrawn_at:
            lines.append(
                _("ingetrokken op %(when)s")
                % {"when": day_text(timezone.localtime(a.withdrawn_at))}
            )
        events.append(Event(at=a.created_at, kind=Kind.ASSIGNMENT, title=title, lines=tuple(lines)))
    return events


@lru_cache(maxsize=4)
def _appointments_sql(vendor: str) -> str:
    """The rule of `_appointments` (`Booking.objects.appointments()` of this client at this
    practice in these weeks, neither expired nor held) with the type's name and who gives it, as
    one statement written once per process from the models' own names. Placeholders: client,
    practice, from, until."""
    from lijfwijs.accounts.models import User
    from lijfwijs.booking.models import AppointmentType, Booking

    quote = connection.ops.quote_name
    b = {f.name: quote(f.column) for f in Booking._meta.concrete_fields}
    t = {f.name: quote(f.column) for f in AppointmentType._meta.concrete_fields}
    u = {f.name: quote(f.column) for f in User._meta.concrete_fields}
    booking = quote(Booking._meta.db_table)
    kind = quote(AppointmentType._meta.db_table)
    user = quote(User._meta.db_table)
    left_out = ", ".join(f"'{s.value}'" for s in (Booking.Status.EXPIRED, Booking.Status.HELD))
    return (
        f"SELECT {booking}.{b['id']}, {booking}.{b['start']}, {booking}.{b['status']}, "  # noqa: S608
        f"{kind}.{t['name']}, {user}.{u['display_name']}, {user}.{u['email']} FROM {booking} "
        f"LEFT OUTER JOIN {kind} ON {kind}.{t['id']} = {booking}.{b['appointment_type']} "
        f"LEFT OUTER JOIN {user} ON {user}.{u['id']} = {booking}.{b['practitioner']} "
        f"WHERE {booking}.{b['client']} = %s AND {booking}.{b['practice']} = %s "
        f"AND {booking}.{b['kind']} = '{Booking.Kind.APPOINTMENT.value}' "
        f"AND {booking}.{b['start']} >= %s AND {booking}.{b['start']} < %s "
        f"AND {booking}.{b['status']} NOT IN ({left_out})"
    )


def _appointments(client: Any, practitioner: Any, since: datetime, until: datetime) -> list[Event]:
    """The client's appointments at the practitioner's practice in these weeks (booking), with
    the type, who gives it and what became of it; blocked time and unconfirmed or expired
    visitors' holds are no appointments of the client (1 query, none outside a practice)."""
    from lijfwijs.booking.models import Booking

    membership = getattr(practitioner, "membership", None)
    if membership is None:
        return []
    adapt = connection.ops.adapt_datetimefield_value
    with connection.cursor() as cursor:
        cursor.execute(
            _appointments_sql(connection.vendor),
            [client.pk, membership.practice_id, adapt(since), adapt(until)],
        )
        rows = cursor.fetchall()
    if not rows:
        return []
    statuses = dict(Booking.Status.choices)
    detail = reverse("booking_agenda_detail", args=[2147483647])
    events = []
    for pk, start, status, type_name, giver_name, giver_email in rows:
        lines = [_("met %(who)s") % {"who": giver_name or giver_email}]
        if status != Booking.Status.CONFIRMED:
            lines.append(str(statuses.get(status, status)))
        events.append(
            Event(
                at=_aware(start),
                kind=Kind.APPOINTMENT,
                title=_("Afspraak: %(type)s") % {"type": type_name or _("afspraak")},
                lines=tuple(lines),
                url=detail.replace("2147483647", str(pk)),
                warning=status == Booking.Status.NO_SHOW,
            )
        )
    return events


def first_day(today: date, weeks: int = WEEKS) -> date:
    """The Monday the timeline of `weeks` weeks up to `today` starts on."""
    return _monday(today) - timedelta(weeks=weeks - 1)


def timeline(
    client: Any,
    practitioner: Any,
    weeks: int = WEEKS,
    today: date | None = None,
    shared: bool | None = None,
    *,
    progress: Any = UNREAD,
    alerts: Any = None,
    notes: Any = None,
    assignments: Any = None,
    checkins: Any = None,
    pijntests: Any = None,
    note_marks: Any = None,
) -> list[Week]:
    """The last `weeks` weeks of the client's data for `practitioner`, newest week first; in each
    week the events newest first. Weeks are Monday to Sunday on the client's calendar; a week
    with nothing in it is there too (silence is worth seeing). `shared`: whether the client
    shares their diary notes with this practitioner (read from their access when not given).
    What the caller has read already for the same practitioner and client is used instead of
    reading it again: `progress` (the ProgramProgress or None), `alerts` (this practitioner's
    alerts about the client, at least those of these weeks, with `acknowledged_by`), `notes`
    (`notes.visible_notes()`), `assignments` (`assignments.visible_to()`, with `exercise`),
    `checkins` (`read_checkins(client, first_day(today, weeks))`), `pijntests`
    (`read_pijntests(client, since)`, since the first day's start on the client's clock);
    `note_marks` (`notes.note_marks(practitioner, client, since)`) instead of `notes`."""
    today = today or local_today(client)
    first = first_day(today, weeks)
    zone = zone_of(client)
    since = datetime.combine(first, datetime.min.time(), tzinfo=zone)
    if shared is None:
        shared = shares_notes(client, practitioner)
    diary = _diary(client, first, today, shared, checkins)
    practice = _practice(client, first)
    events = [
        *_pijntests(client, client.pk, since, pijntests),
        *_program(client, since, progress),
        *_alerts(client, practitioner, since, alerts),
        *(
            _note_events(note_marks)
            if note_marks is not None
            else _notes(client, practitioner, since, notes)
        ),
        *_assignments(client, practitioner, since, assignments),
        *_appointments(client, practitioner, since, since + timedelta(weeks=weeks)),
    ]
    by_week: dict[date, list[Event]] = defaultdict(list)
    for event in events:
        by_week[_monday(event.at.astimezone(zone).date())].append(event)
    out = []
    for n in range(weeks):
        monday = _monday(today) - timedelta(weeks=n)
        out.append(
            Week(
                start=monday,
                end=monday + timedelta(days=6),
                diary=diary.get(monday),
                practice=practice.get(monday),
                events=sorted(by_week.get(monday, ()), key=lambda e: e.at, reverse=True),
            )
        )
    return out


# --- The summary (the API's client summary and the page's header) -----------------------------


def _diary_trend(client: Any, today: date, read: Any = None) -> dict[str, Any]:
    """The last four weeks of the diary: per week the check-ins and mean pain, and the last two
    weeks against the two before, judged like the insights (2 points or 30%)."""
    from lijfwijs.diary import insights as diary_core  # numpy and scipy: on first use only

    first = _monday(today) - timedelta(weeks=TREND_WEEKS - 1)
    if read is None:
        rows = list(
            CheckIn.objects.for_user(client)
            .filter(day__gte=first - timedelta(days=7), day__lte=today)
            .order_by()
            .values_list("day", "pain")
        )
    else:  # read from further back (the timeline's weeks): the same rows
        rows = [(d, p) for _pk, d, p in read if first - timedelta(days=7) <= d <= today]
    weeks = []
    for n in reversed(range(TREND_WEEKS)):
        monday = _monday(today) - timedelta(weeks=n)
        pains = [p for d, p in rows if monday <= d <= monday + timedelta(days=6)]
        weeks.append(
            {
                "week_start": monday.isoformat(),
                "checkins": len(pains),
                "mean_pain": round(math.fsum(pains) / len(pains), 1) if pains else None,
            }
        )
    last = [p for d, p in rows if today - timedelta(days=13) <= d <= today]
    before = [p for d, p in rows if today - timedelta(days=27) <= d <= today - timedelta(days=14)]
    last_mean = math.fsum(last) / len(last) if last else None
    before_mean = math.fsum(before) / len(before) if before else None
    change = meaningful = direction = None
    if last_mean is not None and before_mean is not None:
        change = round(last_mean - before_mean, 1)
        meaningful = abs(change) >= diary_core.MEANINGFUL_POINTS or (
            before_mean > 0 and abs(change) >= diary_core.MEANINGFUL_FRACTION * before_mean
        )
        direction = "better" if change < 0 else ("worse" if change > 0 else "same")
    return {
        "weeks": weeks,
        "last_two_weeks_mean": None if last_mean is None else round(last_mean, 1),
        "previous_two_weeks_mean": None if before_mean is None else round(before_mean, 1),
        "change": change,
        "meaningful": meaningful,
        "direction": direction,
    }


def summary(
    client: Any,
    today: date | None = None,
    progress: Any = UNREAD,
    checkins: Any = None,
    pijntests: Any = None,
) -> dict[str, Any]:
    """The client at a glance, as plain JSON-serialisable data (the API's
    `/api/v1/practice/clients/<id>` and the client page's header). The caller has checked access
    and writes the access log. Keys:

    - `pijntest`: the latest Pijntest or None: `id`, `completed_at` (ISO 8601, UTC), `peg` (0-10),
      and `change` against the one before or None: `before`, `change` (points, + is worse),
      `meaningful` (|change| ≥ 1 point), `direction` ("better", "worse", "same").
    - `diary`: the last four weeks: `weeks` (oldest first: `week_start` ISO date, `checkins`,
      `mean_pain` or None), `last_two_weeks_mean`, `previous_two_weeks_mean`, `change`,
      `meaningful` (2 points or 30%), `direction` (None without both fortnights).
    - `program`: None before the program, or `step`, `name`, `since` (ISO 8601).
    - `what_calms_me`: up to three exercises with the largest clear drop in tension: `slug`,
      `name`, `mean_drop` (points, 0-10 scale), `sessions`.

    `progress`: the client's ProgramProgress (or None) when the caller has read it already;
    `checkins` (`read_checkins()` from at least five weeks back) and `pijntests`
    (`read_pijntests()`) likewise.
    """
    today = today or local_today(client)
    if pijntests is None:
        latest = list(
            Response.objects.completed()
            .filter(user=client, instrument=PIJNTEST)
            .order_by("-completed_at")
            .values_list("pk", "completed_at", "result")[:2]
        )
    else:
        latest = list(reversed(pijntests[-2:]))
    pijntest = None
    if latest:
        pk, completed_at, result = latest[0]
        peg = peg_of(result or {})
        pijntest = {
            "id": pk,
            "completed_at": completed_at.isoformat(),
            "peg": peg,
            "change": peg_change(peg_of(latest[1][2] or {}), peg) if len(latest) > 1 else None,
        }
    if progress is UNREAD:
        progress = ProgramProgress.objects.filter(user=client).first()
    steps = (
        {
            "step": progress.current_step,
            "name": _step_name(progress.current_step),
            "since": progress.step_started_at.isoformat(),
        }
        if progress
        else None
    )
    return {
        "pijntest": pijntest,
        "diary": _diary_trend(client, today, checkins),
        "program": steps,
        "what_calms_me": what_calms_top(client),
    }


def what_calms_top(client: Any) -> list[dict[str, Any]]:
    """The (up to) three exercises with the largest clear drop in tension, with their names."""
    best = helped_most(client)
    named = calm.names([c.slug for c in best]) if best else {}  # no names to look up: no query
    return [
        {
            "slug": c.slug,
            "name": named.get(c.slug, c.slug),
            "mean_drop": c.mean_drop,
            "sessions": c.sessions,
        }
        for c in best
    ]


# --- The timeline's markup (the client's page) -------------------------------------------------


def section(weeks: list[Week]) -> SafeString:
    """The timeline's section on its tab (what `_client_timeline.html` wrote around `markup`):
    its heading, how many weeks, the weeks."""
    count = len(weeks)
    shown = ngettext(
        "De laatste week, nieuwste eerst.", "De laatste %(counter)s weken, nieuwste eerst.", count
    ) % {"counter": count}
    return mark_safe(  # noqa: S308 - fixed words and the escaped weeks
        '<section aria-labelledby="timeline-heading">\n'
        f'  <h2 id="timeline-heading">{escape(_("Tijdlijn"))}</h2>\n'
        f'  <p class="muted">{shown}</p>\n'
        f"  {markup(weeks)}\n</section>"
    )


def markup(weeks: list[Week]) -> SafeString:
    """The weeks as the client's page shows them (the list inside its section), every value
    escaped: twelve weeks of dates, sentences and events cost the template engine several times
    what this does (the client list's rows are written the same way)."""
    day_text, moment_text = dates.formatter(), dates.formatter("DATETIME_FORMAT")
    say = Words()
    week_words = _("Week van %(start)s tot en met %(end)s")
    often = _("Vaakst: %(tags)s")

    words = {
        "empty": escape(_("Niets vastgelegd in deze week.")),
        "diary": escape(_("Dagboek")),
        "no_checkins": escape(_("geen check-ins")),
        "practice": escape(_("Oefenen")),
        "no_practice": escape(_("niet geoefend")),
    }
    parts = ['<ol class="timeline">']
    for week in weeks:
        empty = week.is_empty
        heading = escape(
            week_words
            % {
                "start": day_text(week.start),
                "end": day_text(week.end),
            }
        )
        parts.append(
            f'\n    <li class="card timeline-week{" is-empty" if empty else ""}">\n'
            f"      <h3>{heading}</h3>\n      "
        )
        if empty:
            parts.append(f'<p class="muted">{words["empty"]}</p>\n    </li>')
            continue
        diary = week.diary
        if diary is None:
            diary_html = words["no_checkins"]
        else:
            diary_html = escape(diary.sentence_in(say))
            if diary.tags:
                diary_html += "<br>" + escape(often % {"tags": diary.tags_text_in(say)})
            if diary.notes:
                count = len(diary.notes)
                summary_text = ngettext(
                    "%(counter)s gedeelde notitie", "%(counter)s gedeelde notities", count
                ) % {"counter": count}
                items = "".join(
                    f"<li><strong>{escape(day_text(day))}</strong>: {linebreaksbr(note, autoescape=True)}"
                    "</li>"
                    for day, note in diary.notes
                )
                diary_html += (
                    f'\n          <details class="more"><summary>{escape(summary_text)}</summary>'
                    f'\n            <ul class="shared-notes">{items}</ul></details>'
                )
        practice_html = (
            escape(week.practice.sentence_in(say))
            if week.practice is not None
            else words["no_practice"]
        )
        parts.append(
            '<dl class="timeline-facts">\n'
            f"        <dt>{words['diary']}</dt>\n        <dd>{diary_html}</dd>\n"
            f"        <dt>{words['practice']}</dt>\n        <dd>{practice_html}</dd>\n"
            "      </dl>\n      "
        )
        if week.events:
            parts.append('<ul class="timeline-events">')
            for event in week.events:
                at = timezone.localtime(event.at)
                title = escape(event.title)
                if event.url:
                    title = f'<a href="{escape(event.url)}">{title}</a>'
                lines = "".join(
                    f'<span class="timeline-line">{escape(line)}</span>' for line in event.lines
                )
                parts.append(
                    f'\n        <li class="timeline-event timeline-{escape(event.kind)}'
                    f'{" is-warning" if event.warning else ""}">\n'
                    f'          <time datetime="{at.isoformat()}">'
                    f"{escape(moment_text(at))}</time>\n"
                    f'          <strong class="timeline-title">{title}</strong>\n'
                    f"          {lines}\n        </li>"
                )
            parts.append("\n      </ul>")
        parts.append("\n    </li>")
    parts.append("\n  </ol>")
    return mark_safe("".join(parts))  # noqa: S308 - every value is escaped above
