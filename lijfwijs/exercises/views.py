"""Exercise pages: the catalog, one exercise, its player, own breathing patterns, the practice log.

`POST /oefeningen/logboek/` answers a player (`Accept: application/json`) with JSON and a plain
form (no JavaScript) with a page: the same form validates both.
"""

import functools
import uuid
from collections.abc import Callable
from html import escape
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import NON_FIELD_ERRORS
from django.db import connections, router
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.urls import get_script_prefix, reverse
from django.utils import formats
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from lijfwijs.accounts.localtime import zone_of
from lijfwijs.accounts.services import has_health_consent
from lijfwijs.core.httpcache import public_for_visitors
from lijfwijs.core.i18n import current_language
from lijfwijs.core.paging import day_words, page_number

from . import calm, services, statements
from .forms import (
    MAX_MINUTES,
    PatternForm,
    PracticeForm,
    describe,
    initial_for,
    initial_from_query,
    own_patterns,
    parts_from,
    pattern_for,
    pattern_player_data,
    round_seconds,
    started_bounds,
)
from .models import (
    GROUNDING,
    BreathPhase,
    Exercise,
    ExerciseKind,
    PracticeSession,
    duration_words,
    required_safety,
    safety_notes,
)

# The 0-10 tension scales of a player as markup, made once per process: the same eleven radios
# for every page (no template loop of 11 inputs and labels per scale and request).
TENSION_SCALE = {
    name: mark_safe(  # noqa: S308 - fixed names and digits only
        "".join(
            f'<input type="radio" name="{name}" id="{name}-{n}" value="{n}" '
            f'aria-describedby="{name}-help"><label for="{name}-{n}">{n}</label>'
            for n in range(11)
        )
    )
    for name in ("tension_before", "tension_after")
}


@require_safe
@public_for_visitors()
def exercise_list(request: HttpRequest) -> HttpResponse:
    """The catalog: a card per exercise, grouped by kind. Plain values from one statement compiled
    once per process (no model instances, no player content; of the parameters only the minutes a
    card shows); the cards written here as escaped markup in one pass, with the translations and
    the address looked up once for the page."""
    english = current_language() == "en"
    alias = router.db_for_read(Exercise)
    sql, params = _catalog_statement(alias)
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    url = _address("exercises:detail", slug=_SLUG)
    minutes = tuple(ngettext("%(count)s minuut", "%(count)s minuten", n) for n in (1, 2))
    span = _("%(min)s-%(max)s minuten")
    label = escape(_("Duur:"))
    by_kind: dict[str, list[str]] = {}
    for slug, kind, name_nl, name_en, summary_nl, summary_en, default, low, high in rows:
        low, high = (
            statements.json_value(low) or default,
            statements.json_value(high),
        )  # JSON on PostgreSQL
        duration = (
            span % {"min": low, "max": high}
            if high and high > low
            else minutes[low != 1] % {"count": low}
        )
        by_kind.setdefault(kind, []).append(
            f'<li class="card card-link"><h3><a href="{escape(url.replace(_SLUG, slug))}">'
            f"{escape((english and name_en) or name_nl)}</a></h3>"
            f"<p>{escape((english and summary_en) or summary_nl)}</p>"
            f'<p class="muted"><span class="visually-hidden">{label} </span>'
            f"{escape(duration)}</p></li>"
        )
    groups = [
        (kind.value, str(kind.label), mark_safe("\n".join(by_kind[kind.value])))  # noqa: S308
        for kind in ExerciseKind
        if kind.value in by_kind
    ]
    return render(request, "exercises/list.html", {"groups": groups})


CATALOG_COLUMNS = (
    "slug",
    "kind",
    "name_nl",
    "name_en",
    "summary_nl",
    "summary_en",
    "duration_minutes",
    "parameters__min_minutes",
    "parameters__max_minutes",
)


@functools.cache
def _catalog_statement(alias: str) -> tuple[str, tuple[Any, ...]]:
    """The catalog's query compiled once per process and database (it holds no value of the
    request): building it through the ORM, with its two JSON keys, was ~1,500 Python calls."""
    queryset = Exercise.objects.using(alias).active().values_list(*CATALOG_COLUMNS)
    return queryset.query.get_compiler(alias).as_sql()


_SLUG = "slug-of-the-exercise"


def _address(name: str, **kwargs: Any) -> str:
    """reverse(), remembered per process: an address depends only on the URLconf, the language
    and the script prefix, all fixed while a process runs (as the layout's addresses in
    core.context_processors). The player pages need half a dozen fixed ones per request."""
    return _address_in(get_language(), get_script_prefix(), name, tuple(sorted(kwargs.items())))


@functools.cache
def _address_in(language: str, prefix: str, name: str, kwargs: tuple[tuple[str, Any], ...]) -> str:
    return reverse(name, kwargs=dict(kwargs))


@functools.cache
def _links_in(language: str, prefix: str) -> dict[str, str]:
    """The addresses and static files the player and the log name, once per process, language
    and script prefix (as the layout's LINKS): {% url %} and {% static %} cost a reverse or a
    manifest lookup per tag and request."""
    return {
        "list": reverse("exercises:list"),
        "log": reverse("exercises:log"),
        "health_consent": reverse("accounts:health_consent"),
        "player_css": static("exercises/player.css"),
        "player_js": static("exercises/player.js"),
        "kept_js": static("exercises/kept.js"),
    }


def _links() -> dict[str, str]:
    return _links_in(get_language(), get_script_prefix())


@require_safe
@public_for_visitors()
def exercise_detail(request: HttpRequest, slug: str) -> HttpResponse:
    exercise = get_object_or_404(Exercise.objects.active(), slug=slug)
    context = {"exercise": exercise, "grounding_first": _grounding_first(request, exercise)}
    return render(request, "exercises/detail.html", context)


def _grounding_first(request: HttpRequest, exercise: Exercise) -> dict[str, str] | None:
    """Grounding offered before body-focused practice to a person whose latest Pijntest marks
    anxiety or PTSD (docs/clinical.md); None for everyone else."""
    if not services.body_focused(exercise.kind) or not services.grounding_first(request.user):
        return None
    return {"url": _address("exercises:play", slug=GROUNDING)}


# ---------------------------------------------------------------------------------------------
# The players


def _ui() -> dict[str, Any]:
    """The player's words, in the active language (the script itself holds no text); put
    together once per process and language, as the translations do not change while it runs."""
    return _ui_in(current_language())


@functools.cache
def _ui_in(language: str) -> dict[str, Any]:

    def both(singular: str, plural: str) -> list[str]:
        return [ngettext(singular, plural, 1), ngettext(singular, plural, 2)]

    return {
        "lang": "en-GB" if current_language() == "en" else "nl-NL",
        "phase": {
            BreathPhase.INHALE: _("Adem in"),
            BreathPhase.HOLD: _("Houd vast"),
            BreathPhase.EXHALE: _("Adem uit"),
        },
        "round": _("Ronde %(n)s van %(total)s"),
        "lead_in": _("Eerst even voorbereiden"),
        "step": _("Stap %(n)s van %(total)s"),
        "left": _("nog %(time)s"),
        "pause": _("Pauze"),
        "resume": _("Verder"),
        "paused": _("Gepauzeerd. Druk op Verder om door te gaan."),
        "resumed": _("We gaan verder."),
        "done": _("Klaar"),
        "stopped": _("Gestopt"),
        "done_text": _("Je hebt %(time)s geoefend."),
        "stopped_text": _("Je bent gestopt na %(time)s. Dat is helemaal goed."),
        "time_up": _("De tijd is om."),
        "minutes": both("%(count)s minuut", "%(count)s minuten"),
        "seconds": both("%(count)s seconde", "%(count)s seconden"),
        "and": _("%(minutes)s en %(seconds)s"),
        "compare": _("Vooraf %(before)s, nu %(after)s."),
        "saving": _("Bezig met bewaren…"),
        "saved": _("Bewaard in je logboek."),
        "saved_link": _("Bekijk wat jou rust geeft"),
        "kept": _(
            "Je hebt nu geen verbinding. Je oefensessie is op dit apparaat bewaard en wordt "
            "verstuurd zodra je weer verbinding hebt."
        ),
        "sent_one": _("Je bewaarde oefensessie is verstuurd."),
        "sent_many": _("Je bewaarde oefensessies (%(count)s) zijn verstuurd."),
        "refused": _("Je oefensessie is niet bewaard: %(reason)s"),
        "no_consent": _(
            "Om je oefeningen bij te houden, is je toestemming voor gezondheidsgegevens nodig."
        ),
        "signed_out": _("Je bent niet meer ingelogd. Log opnieuw in om je oefening te bewaren."),
        "give_consent": _("Naar je toestemming"),
        "not_kept": _("Je oefensessie kon niet worden bewaard. Probeer het later nog eens."),
    }


def _tempo_options(tempo: dict[str, float] | None) -> list[float]:
    if not tempo:
        return []
    options, value = [], tempo["min"]
    while value <= tempo["max"] + 1e-9:
        options.append(round(value, 2))
        value += tempo["step"]
    return options


def _save_pattern_query(data: dict[str, Any]) -> str:
    """The query of "save as my own pattern": this rhythm with its default length."""
    parts = parts_from(data["phases"])
    length = round_seconds(data["phases"])
    if "cycles" in data:
        cycles = data["cycles"]["default"]
    else:
        cycles = max(1, round(data["minutes"]["default"] * 60 / length))
    return urlencode({"base": data["exercise"], **parts, "cycles": cycles})


def _safety_context(keys: list[str]) -> dict[str, Any]:
    """The cautions before the start, what the running player repeats as "stop if", and the way
    out to grounding where a caution offers it."""
    return _safety_in(get_language(), get_script_prefix(), tuple(keys))


@functools.cache
def _safety_in(language: str, prefix: str, keys: tuple[str, ...]) -> dict[str, Any]:
    """The cautions' words and links for a set of cautions, once per process, language and
    script prefix (fixed texts and addresses, translated once; the player names two or three)."""
    notes = [
        {
            **note,
            "text": str(note["text"]),
            "stop_if": str(note["stop_if"]),
            **(
                {"link": {"url": note["link"]["url"], "text": str(note["link"]["text"])}}
                if "link" in note
                else {}
            ),
        }
        for note in safety_notes(list(keys))
    ]
    grounding = _address("exercises:play", slug=GROUNDING)
    return {
        "safety": notes,
        "stop_if": [note for note in notes if note["stop_if"]],
        "grounding": next(
            (note["link"] for note in notes if note.get("link", {}).get("url") == grounding), None
        ),
    }


def _number_options(numbers: Any, default: Any, label: Callable[[Any], str]) -> str:
    """A select's options for whole numbers, the default chosen, as markup in one pass (the
    numbers are integers from the exercise's own parameters; the labels our own words)."""
    return mark_safe(  # noqa: S308 - integers and our own words, escaped
        "".join(
            f'<option value="{n}"{" selected" if n == default else ""}>{escape(label(n))}</option>'
            for n in numbers
        )
    )


def _player_context(exercise: Exercise, data: dict[str, Any], **extra: Any) -> dict[str, Any]:
    kind = data["kind"]
    context = {
        "exercise": exercise,
        "kind": kind,
        "data": {
            **data,
            "log_url": _address("exercises:log"),
            "consent_url": _address("accounts:health_consent"),
            "ui": _ui(),
        },
        "tension_scale": TENSION_SCALE,
        "tempo_options": _tempo_options(data.get("tempo")),
        **_safety_context(extra.pop("safety", exercise.safety)),
        **extra,
    }
    if data.get("cycles"):
        low, high = data["cycles"]["min"], data["cycles"]["max"]
        context["cycle_options"] = _number_options(
            range(low, high + 1), data["cycles"]["default"], str
        )
    if data.get("minutes"):
        minutes = data["minutes"]
        choices = minutes.get("choices") or range(minutes["min"], minutes["max"] + 1)
        # the words of {% blocktranslate count %}: Dutch and English have one plural form
        words = [ngettext("%(count)s minuut", "%(count)s minuten", n) for n in (1, 2)]
        context["minute_options"] = _number_options(
            choices, minutes["default"], lambda n: words[n != 1] % {"count": n}
        )
    if kind == "guide":
        context["guide_time"] = duration_words(sum(step["seconds"] for step in data["steps"]))
    if kind == "pacer" and not data["pattern"]:
        context["save_pattern_url"] = (
            _address("exercises:patterns") + "?" + _save_pattern_query(data) + "#nieuw"
        )
    return context


def _what_next(request: HttpRequest, exercise: Exercise, consent: bool) -> dict[str, Any]:
    """What the player suggests once a practice is done, besides logging it: the person's program
    step (when in the program) and one other exercise (`services.next_exercise`)."""
    user = request.user
    signed_in = user.is_authenticated
    chosen, calmed = services.next_exercise(user if signed_in else None, exercise, consent)
    english = current_language() == "en"
    step = services.program_step(user) if signed_in else None
    return {
        "another": {
            "name": (english and chosen[2]) or chosen[1],
            "url": _address("exercises:play", slug=chosen[0]),
            "why": _("Gaf je eerder rust, volgens je logboek.")
            if calmed
            else _("Lijkt op deze oefening."),
        }
        if chosen
        else None,
        "program": {"number": step, "url": _address("program:step", number=step)} if step else None,
    }


def _log_variant(request: HttpRequest, consent: bool) -> str:
    """What the player offers once a practice is done, for this person: saving it in their log
    (signed in, with consent for health data), giving that consent, or signing in."""
    if not request.user.is_authenticated:
        return "signin"
    return "save" if consent else "consent"


def _items(texts: Any) -> str:
    """List items of texts, each written as `{{ text }}` writes it, in one pass."""
    return mark_safe("".join(f"<li>{_html(text)}</li>" for text in texts))  # noqa: S308 - escaped


def _player_lists(context: dict[str, Any]) -> dict[str, str]:
    """The player's lists (cautions, "stop if", the steps) as markup written for this request,
    instead of a template loop with a variable or two per item."""
    notes = "".join(
        f"<li>{_html(note['text'])}"
        + (
            f' <a href="{_html(note["link"]["url"])}">{_html(note["link"]["text"])}</a>'
            if note.get("link")
            else ""
        )
        + "</li>\n      "
        for note in context["safety"]
    )
    exercise = context["exercise"]
    return {
        "safety_items": mark_safe(notes),  # noqa: S308 - escaped above
        "stop_if_items": _items(note["stop_if"] for note in context["stop_if"]),
        "caution_items": "" if context.get("pattern") else _items(exercise.cautions),
        "step_items": _items(exercise.steps),
    }


def _player_page(
    request: HttpRequest, title: str, exercise: Exercise, data: dict[str, Any], **extra: Any
) -> HttpResponse:
    """A player page, rendered for this request (its log part depends on who is asking)."""
    context = _player_context(exercise, data, **extra)
    context.update(_player_lists(context))
    context["title"] = title
    context["detail_url"] = _address("exercises:detail", slug=exercise.slug)
    context["register_url"] = _address("accounts:register")
    consent = has_health_consent(request.user)  # False for a visitor, without a query
    context["log_variant"] = _log_variant(request, consent)
    context["next_query"] = urlencode({"next": request.path})
    context["what_next"] = _what_next(request, exercise, consent)
    context["links"] = _links()
    return render(request, "exercises/play.html", context)


# The catalog and the players are tagged by their bytes (no query to work out a version): a player
# names another exercise after the practice, so any exercise's change must make a new tag.
@require_safe
@public_for_visitors()
def play(request: HttpRequest, slug: str) -> HttpResponse:
    """A catalog exercise's player."""
    exercise = statements.active_exercise(slug)  # an active one (plain SQL, as the ORM's)
    if exercise is None:
        raise Http404("no such exercise")
    return _player_page(
        request,
        str(exercise.name),
        exercise,
        exercise.player_data(),
        grounding_first=_grounding_first(request, exercise),
    )


# ---------------------------------------------------------------------------------------------
# Own breathing patterns (not health data: no consent needed to keep them)


def _patterns_page(request: HttpRequest, form: PatternForm, status: int = 200) -> HttpResponse:
    patterns = [
        {"pattern": p, "description": describe(p)}
        for p in own_patterns(request.user).select_related("base")
    ]
    context = {
        "form": form,
        "patterns": patterns,
    }
    return render(request, "exercises/patterns.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def patterns(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = PatternForm(request.POST, user=request.user)
        pattern = form.save() if form.is_valid() else None
        if pattern is not None:
            messages.success(request, _("Je ritme “%(name)s” is bewaard.") % {"name": pattern.name})
            return redirect("exercises:patterns")
        return _patterns_page(request, form, status=422)
    form = PatternForm(initial=initial_from_query(request.GET), user=request.user)
    return _patterns_page(request, form)


@login_required
@require_http_methods(["GET", "POST"])
def pattern_edit(request: HttpRequest, pattern_id: int) -> HttpResponse:
    pattern = pattern_for(request.user, pattern_id)
    if request.method == "POST":
        form = PatternForm(request.POST, user=request.user, instance=pattern)
        if form.is_valid() and form.save() is not None:
            messages.success(request, _("Je ritme is bijgewerkt."))
            return redirect("exercises:patterns")
        status = 422
    else:
        form = PatternForm(initial=initial_for(pattern), user=request.user, instance=pattern)
        status = 200
    context = {
        "form": form,
        "pattern": pattern,
    }
    return render(request, "exercises/pattern_edit.html", context, status=status)


@login_required
@require_POST
def pattern_delete(request: HttpRequest, pattern_id: int) -> HttpResponse:
    pattern = pattern_for(request.user, pattern_id)
    name = pattern.name
    pattern.delete()
    messages.success(request, _("Je ritme “%(name)s” is verwijderd.") % {"name": name})
    return redirect("exercises:patterns")


@login_required
@require_safe
def pattern_play(request: HttpRequest, pattern_id: int) -> HttpResponse:
    """The pacer with an own pattern; practice is logged under the pattern's base exercise."""
    pattern = pattern_for(request.user, pattern_id, with_base=True)
    return _player_page(
        request,
        pattern.name,
        pattern.base,
        pattern_player_data(pattern),
        pattern=pattern,
        rhythm=describe(pattern),
        safety=required_safety(ExerciseKind.BREATHING, pattern.phases),
    )


# ---------------------------------------------------------------------------------------------
# The practice log

LOG_PAGE = 30  # sessions per page of the log, newest first; older ones a link away


def wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def signed_in(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Like login_required, but a player (asking for JSON) gets a 401 instead of the login page."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated:
            return view(request, *args, **kwargs)
        if wants_json(request):
            return JsonResponse({"detail": _("Log in om je oefening te bewaren.")}, status=401)
        return redirect_to_login(request.get_full_path())

    return wrapped


def durations() -> Callable[[int], str]:
    """How long someone practised, in words ("45 seconden", "2 min 30 s", "1 uur 5 min"): a
    function with the words translated once per process and language, for a page that writes
    many durations. (Dutch and English have one singular form: count 1, and one plural form: any
    other count.)"""
    second, hour, minute, sec = _duration_words(get_language())

    def words(seconds: int) -> str:
        hours, rest = divmod(seconds, 3600)
        minutes, secs = divmod(rest, 60)
        if not hours and not minutes:
            return second[secs != 1] % {"count": secs}
        parts = []
        if hours:
            parts.append(hour[hours != 1] % {"count": hours})
        if minutes:
            parts.append(minute % {"count": minutes})
        if secs:
            parts.append(sec % {"count": secs})
        return " ".join(parts)

    return words


@functools.cache
def _duration_words(language: str) -> tuple[tuple[str, str], tuple[str, str], str, str]:
    def forms(singular: str, plural: str) -> tuple[str, str]:
        return ngettext(singular, plural, 1), ngettext(singular, plural, 2)

    return (
        forms("%(count)s seconde", "%(count)s seconden"),
        forms("%(count)s uur", "%(count)s uur"),
        _("%(count)s min"),
        _("%(count)s s"),
    )


@functools.cache
def _log_words(language: str) -> dict[str, str]:
    """The log table's fixed words in one language, translated once per process."""
    return {
        "stopped": _("eerder gestopt"),
        "from_checkin": _("uit je check-in"),
        "remove": _("Verwijder"),
        "skipped": _("overgeslagen"),
        "not_asked": _("niet gevraagd in de check-in"),
    }


def _rows(user: Any, page: int) -> tuple[str, bool]:
    """One page of the person's sessions as the log table's rows, and whether there are older
    ones. Read as plain values (one query, no model instances) and written as escaped markup in
    one pass (the standard library's escape, as Django's escape does it): a template loop, or a
    format_html per cell, over 30 rows of a dozen values costs more than the rest of the page."""
    zone = zone_of(user)
    english = current_language() == "en"
    start = (page - 1) * LOG_PAGE
    # one more than a page: are there older ones? (plain SQL written once per process)
    found = statements.log_rows(user, start, LOG_PAGE + 1)
    # The delete and check-in addresses differ only in an id: reversed once per process.
    no_session = str(_NO_SESSION)
    delete_url = escape(_address("exercises:log_delete", session_id=_NO_SESSION))
    checkin_url = escape(_address("diary:edit", checkin_id=_NO_SESSION))
    days = day_words({row[1] for row in found})
    words = _log_words(get_language())
    stopped = words["stopped"]
    from_checkin = escape(words["from_checkin"])
    remove = escape(words["remove"])
    duration = durations()
    skipped, not_asked = (
        f'<span aria-hidden="true">–</span><span class="visually-hidden">{escape(text)}</span>'
        for text in (words["skipped"], words["not_asked"])
    )
    # The same names, days and lengths come back row after row: each escaped or written once
    # per page (escaping is per character, so the parts escaped apart give the same text).
    escaped: dict[str, str] = {}
    lengths: dict[tuple[int, bool], str] = {}

    def esc(text: str) -> str:
        value = escaped.get(text)
        if value is None:
            value = escaped[text] = escape(text)
        return value

    rows = []
    for row in found[:LOG_PAGE]:
        pk, day, started, name_nl, name_en, pattern, seconds, completed, before, after, checkin = (
            row
        )
        name = esc((english and name_en) or name_nl)
        time = f"{started.astimezone(zone):%H:%M}"
        if checkin is not None:
            link = checkin_url.replace(no_session, checkin)
            how = f'<a href="{link}">{from_checkin}</a>'
            empty = not_asked
        else:
            how = lengths.get((seconds, completed))
            if how is None:
                text = duration(seconds) if completed else f"{duration(seconds)}, {stopped}"
                how = lengths[seconds, completed] = escape(text)
            empty = skipped
        when, short_day = days[day]
        what = f"{name} ({esc(pattern)})" if pattern else name
        rows.append(
            f"<tr><td>{esc(when)}, {time}</td>"
            f'<th scope="row">{what}<br><span class="muted">{how}</span> '
            f'<button type="submit" formaction="{delete_url.replace(no_session, pk)}" '
            f'class="linklike">{remove}<span class="visually-hidden"> '
            f"{name}, {esc(short_day)} {time}</span></button></th>"
            f"<td>{empty if before is None else before} "
            '<span aria-hidden="true">→</span><span class="visually-hidden">,</span> '
            f"{empty if after is None else after}</td></tr>"
        )
    return mark_safe("\n".join(rows)), len(found) > LOG_PAGE  # noqa: S308 - escaped above


_NO_SESSION = uuid.UUID(int=0)


def _option_markup(options: list[tuple[str, Any]], chosen: str) -> str:
    """A select's options as escaped markup, the chosen one marked (one pass, no template loop
    over a dozen options per select)."""
    return mark_safe(  # noqa: S308 - every value and label escaped here
        "".join(
            f'<option value="{escape(value)}"{" selected" if value == chosen else ""}>'
            f"{escape(str(label))}</option>"
            for value, label in options
        )
    )


def _log_options(form: PracticeForm) -> dict[str, Any]:
    """What the log's form shows, as plain values read once: each field's label, value and
    messages, and the selects' options as markup. The template writes the inputs with these
    instead of asking the form for a bound field, its value and a new error list at every use
    (or rendering a widget template per field and option); the exercises are read as names,
    not as whole exercises with their player content."""
    errors = form.errors
    fields: dict[str, dict[str, Any]] = {}
    for name, field in form.fields.items():
        value = form[name].value()
        fields[name] = {
            "label": field.label,
            "value": value,
            "filled": value is not None and value != "",
            "errors": errors.get(name, ()),
        }
    widget = form.fields["started_at"].widget.attrs
    choices = {
        name: [(str(v), label) for v, label in form.fields[name].choices] for name in _CHOICES
    }
    return _options_markup(
        fields,
        choices,
        non_field_errors=errors.get(NON_FIELD_ERRORS, ()),
        started=(widget["min"], widget["max"]),
        started_help=form.fields["started_at"].help_text,
    )


_CHOICES = ("completed", "tension_before", "tension_after")


@functools.cache
def _blank_form_words(language: str) -> dict[str, Any]:
    """The log form's labels, help and the selects' choices in one language, read from the
    form's fields once per process and language (the words do not change while it runs)."""
    fields = PracticeForm.base_fields
    return {
        "labels": {
            name: None if field.label is None else str(field.label)
            for name, field in fields.items()
        },
        "choices": {
            name: [(str(v), str(label)) for v, label in fields[name].choices] for name in _CHOICES
        },
        "started_help": str(fields["started_at"].help_text),
    }


def _blank_log_options(user: Any, client_key: str) -> dict[str, Any]:
    """What `_log_options` gives for an empty PracticeForm with only a client key, without
    building the form (its fields are copied for every instance): the page's GET."""
    words = _blank_form_words(current_language())
    fields = {
        name: {"label": label, "value": None, "filled": False, "errors": ()}
        for name, label in words["labels"].items()
    }
    fields["client_key"] = {**fields["client_key"], "value": client_key, "filled": True}
    return _options_markup(
        fields,
        words["choices"],
        non_field_errors=(),
        started=started_bounds(user),
        started_help=words["started_help"],
    )


def _options_markup(
    fields: dict[str, dict[str, Any]],
    choices: dict[str, list[tuple[str, Any]]],
    *,
    non_field_errors: Any,
    started: tuple[str, str],
    started_help: Any,
) -> dict[str, Any]:
    chosen = str(fields["exercise"]["value"] or "")
    english = current_language() == "en"
    exercises = [
        (slug, (english and name_en) or name_nl)
        for slug, name_nl, name_en, _kind, _domains in statements.catalog()
    ]
    selects = []
    for name in _CHOICES:
        value = fields[name]["value"]
        selects.append(
            {
                "name": name,
                **fields[name],
                "options": _option_markup(choices[name], "" if value is None else str(value)),
            }
        )
    return {
        "fields": fields,
        "non_field_errors": non_field_errors,
        "exercise": _option_markup(exercises, chosen),
        "names": dict(exercises),  # slug → name, for what calms me
        "exercise_chosen": any(slug == chosen for slug, _name in exercises),
        "max_minutes": MAX_MINUTES,
        "choices": selects,
        "started_min": started[0],
        "started_max": started[1],
        "started_help": started_help,
    }


def _html(value: Any) -> str:
    """What `{{ value }}` writes in a template: localized, then escaped unless already safe (a
    plain str is neither localized nor safe: escaped straight away)."""
    if type(value) is str:
        return escape(value)
    return conditional_escape(formats.localize(value))


def _value(field: dict[str, Any], test: str = "value") -> str:
    """An input's value attribute, when the field has one (`test`: "value" or "filled")."""
    return f' value="{_html(field["value"])}"' if field[test] else ""


def _form_markup(options: dict[str, Any]) -> str:
    """The log form's fields as markup, from `_log_options`' plain values: what the template's
    loops and conditions wrote (some 45 variables and 30 conditions a request), in one pass.
    Every value and message escaped as the template escaped it; a test holds it to the template
    it replaced, empty and sent back with mistakes, in both languages."""
    f = options["fields"]

    def field(name: str) -> tuple[str, str, str, str]:
        """The field's class, its label, its messages and the control's invalid state."""
        shown = _html(f[name]["label"])
        if not f[name]["errors"]:
            return "", shown, "", ""
        messages = "".join(
            f'<p class="field-error" id="id_{name}_error">{_html(e)}</p>' for e in f[name]["errors"]
        )
        invalid = f' aria-invalid="true" aria-describedby="id_{name}_error"'
        return " has-error", shown, messages, invalid

    parts = []
    if options["non_field_errors"]:
        items = "".join(f"<li>{_html(e)}</li>" for e in options["non_field_errors"])
        parts.append(
            f'<div class="error-summary" role="alert" tabindex="-1"><ul>{items}</ul></div>'
        )
    parts.append(
        f'\n    <input type="hidden" name="pattern" id="id_pattern"{_value(f["pattern"])}>'
        f'<input type="hidden" name="seconds" id="id_seconds"{_value(f["seconds"], "filled")}>'
        f'<input type="hidden" name="client_key"{_value(f["client_key"])} id="id_client_key">'
    )
    css, label, messages, invalid = field("exercise")
    chosen = "" if options["exercise_chosen"] else " selected"
    parts.append(
        f'\n    <div class="field{css}"><label for="id_exercise">{label}</label>{messages}'
        f'\n      <select name="exercise" required{invalid} id="id_exercise">'
        f'<option value=""{chosen}>{_("Kies een oefening")}</option>{options["exercise"]}'
        "</select></div>"
    )
    css, label, messages, invalid = field("minutes")
    parts.append(
        f'\n    <div class="field{css}"><label for="id_minutes">{label}</label>{messages}'
        f'\n      <input type="number" name="minutes"{_value(f["minutes"], "filled")} min="1" '
        f'max="{_html(options["max_minutes"])}" inputmode="numeric"{invalid} id="id_minutes">'
        "</div>\n    "
    )
    for choice in options["choices"]:
        name = choice["name"]
        css, label, messages, invalid = field(name)
        parts.append(
            f'<div class="field{css}"><label for="id_{name}">{label}</label>{messages}'
            f'\n      <select name="{name}"{invalid} id="id_{name}">{choice["options"]}</select>'
            "</div>\n    "
        )
    css, label, messages, _invalid = field("started_at")
    invalid, described = (' aria-invalid="true"', " id_started_at_error") if messages else ("", "")
    parts.append(
        f'\n    <div class="field{css}"><label for="id_started_at">{label}</label>'
        f'<p class="help" id="id_started_at_helptext">{_html(options["started_help"])}</p>'
        f'{messages}\n      <input type="datetime-local" name="started_at"'
        f'{_value(f["started_at"])} maxlength="40" min="{_html(options["started_min"])}" '
        f'max="{_html(options["started_max"])}"{invalid} '
        f'aria-describedby="id_started_at_helptext{described}" '
        'id="id_started_at"></div>'
    )
    return mark_safe("".join(parts))  # noqa: S308 - every value and message escaped above


def _log_page(request: HttpRequest, form: PracticeForm | None, status: int = 200) -> HttpResponse:
    """The log page; `form` is the sent form with its mistakes, None for an empty one."""
    page = page_number(request) if request.method == "GET" else 1
    rows, older = _rows(request.user, page)
    if page > 1 and not rows:
        raise Http404("no such page")
    if form is None:
        options = _blank_log_options(request.user, uuid.uuid4().hex)
    else:
        options = _log_options(form)
    context = {
        "form": form,
        "log_options": options,
        "log_form_fields": _form_markup(options),
        "session_rows": rows,
        "page": page,
        "older": page + 1 if older else None,
        "newer": page - 1 if page > 1 else None,
        "consent": has_health_consent(request.user),
        "links": _links(),
        **calm.for_user(request.user, options["names"]),
    }
    return render(request, "exercises/log.html", context, status=status)


def _form_errors(form: PracticeForm) -> dict[str, str]:
    return {field: " ".join(str(m) for m in errors) for field, errors in form.errors.items()}


def _log_saved(request: HttpRequest, session: PracticeSession, created: bool) -> HttpResponse:
    if wants_json(request):
        return JsonResponse({"id": str(session.pk), "saved": True}, status=201 if created else 200)
    messages.success(request, _("Je oefening is bewaard."))
    return redirect("exercises:log")


def _log_save(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not has_health_consent(user):
        text = _(
            "Om je oefeningen bij te houden, is je toestemming voor gezondheidsgegevens nodig."
        )
        if wants_json(request):
            return JsonResponse({"detail": text}, status=403)
        messages.info(request, text)
        return redirect("accounts:health_consent")
    existing = services.sent_before(user, request.POST.get("client_key"))
    if existing is not None:  # a resend or a double click: answered even days later
        return _log_saved(request, existing, created=False)
    form = PracticeForm(request.POST, user=user)
    if not form.is_valid():
        if wants_json(request):
            return JsonResponse({"errors": _form_errors(form)}, status=422)
        return _log_page(request, form, status=422)
    session, created = services.log_session(
        user, form.cleaned_data["exercise"], **form.session_data()
    )
    return _log_saved(request, session, created)


@signed_in
@require_http_methods(["GET", "POST"])
def log(request: HttpRequest) -> HttpResponse:
    """The log page (what calms me, recent sessions, a form) and where a practice is sent."""
    if request.method == "POST":
        return _log_save(request)
    return _log_page(request, None)


@signed_in
@require_POST
def log_delete(request: HttpRequest, session_id: uuid.UUID) -> HttpResponse:
    """Delete one of one's own sessions (another person's is a 404). Needs no consent: erasure."""
    session = get_object_or_404(PracticeSession.objects.for_user(request.user), pk=session_id)
    services.delete_session(request.user, session)
    messages.success(request, _("De oefening is uit je logboek verwijderd."))
    return redirect("exercises:log")


def home_panel(request: HttpRequest) -> tuple[str, dict[str, Any]]:
    """The start page's offer to save practices done before having an account (kept.js shows it
    only when some wait on this device; without consent the log's answer says what is needed).
    No query: the page decides nothing, the device does."""
    return "exercises/_home_panel.html", {}
