"""A practitioner's private notes about a client: who reads them, writing, the 24-hour edit window
with addenda after it, the client's export and erasure, and the pages.

Who reads a note (decided here, in `notes_of` and `note_for`, side by side): its author, and the
practitioners of the practice it was written in, each only while the client grants them access.
Never another practice, never an assistant, never after the client revoked access. The client reads
every note about them in their own export (GDPR art. 15); the form says so.

Every change is written to the client's access log by the service itself (kind NOTES, action
CHANGE, one row), whichever way it came in (page or API); a look at the notes page is logged by
the view (NOTES, VIEW). `client_section` (for the client's page) logs nothing: that page logs.
"""

from datetime import UTC, datetime, timedelta
from functools import lru_cache
from html import escape  # the standard library's: Django's adds a lazy-text check per call
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet, prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import get_script_prefix, path, reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from lijfwijs.accounts.access import client_for, clients_of
from lijfwijs.accounts.audit import log_access
from lijfwijs.accounts.models import AccessLog, Membership, PractitionerAccess, User

from . import assignments, dates, form_markup, statements
from .access import practitioner_required
from .models import Alert, ClientNote

MAX_LENGTH = 5000
EDIT_WINDOW = timedelta(hours=ClientNote.EDITABLE_FOR_HOURS)
# A second identical note by the same author about the same client this soon after the first is
# a double click or a retry, not a new note: the first is kept and nothing is added.
REPEAT_WINDOW = timedelta(minutes=2)
SECTION_SIZE = 5  # notes on the client's page; the notes page shows them all


# --- Errors -----------------------------------------------------------------------------------


class NoteError(ValueError):
    """Input a note cannot be stored with. `str(error)` is a translated message for the person;
    `field` the input it is about ("body" or "addendum_to")."""

    def __init__(self, message: str, field: str = "body") -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NoteLocked(NoteError):
    """The note is older than its edit window: only an addendum can be added now."""


class NoteNotAllowed(PermissionDenied):
    """The practitioner may read the note but is not its author (edits and addenda are the
    author's own). Django answers 403."""


# --- Who reads which note -----------------------------------------------------------------------


def _practice_of(practitioner: User) -> int | None:
    """The practice whose notes the practitioner shares, or None (no practice, or an assistant)."""
    membership = practitioner.membership
    if membership is None or membership.role == Membership.Role.ASSISTANT:
        return None
    return membership.practice_id


def notes_of(practitioner: Any) -> QuerySet[ClientNote]:
    """Every note (addenda too) this practitioner may read: their own and those written in their
    practice, about clients who grant them access now. None for anyone else."""
    if (
        not getattr(practitioner, "is_authenticated", False)
        or not practitioner.is_practitioner
        or not practitioner.is_active
    ):
        return ClientNote.objects.none()
    membership = practitioner.membership
    if membership is not None and membership.role == Membership.Role.ASSISTANT:
        return ClientNote.objects.none()
    granted = PractitionerAccess.objects.active().filter(
        client=OuterRef("client"), practitioner=practitioner
    )
    readers = Q(author=practitioner)
    practice_id = _practice_of(practitioner)
    if practice_id is not None:
        readers |= Q(practice_id=practice_id)
    return ClientNote.objects.filter(
        readers, Exists(granted), client__is_active=True, client__role=User.Role.CLIENT
    )


def note_for(request: HttpRequest, client: Any, note_id: int | str) -> ClientNote:
    """One note about `client` the requesting practitioner may read, or 404."""
    try:
        return notes_of(request.user).select_related("practice").get(pk=int(note_id), client=client)
    except (ClientNote.DoesNotExist, ValueError, TypeError):
        raise Http404("no such note") from None


# --- Reading ------------------------------------------------------------------------------------


def editable_until(note: ClientNote) -> datetime:
    return note.created_at + EDIT_WINDOW


def is_editable(note: ClientNote, now: datetime | None = None) -> bool:
    return (now or timezone.now()) < editable_until(note)


def _decorate(note: ClientNote, practitioner: Any, now: datetime) -> ClientNote:
    """What the reader may do with the note: edit it (its author, within the window) or add to it
    (its author, after the window)."""
    own = note.author_id == practitioner.pk
    note.editable = own and is_editable(note, now)  # type: ignore[attr-defined]
    note.appendable = own and not note.editable  # type: ignore[attr-defined]
    note.edited = note.updated_at > note.created_at  # type: ignore[attr-defined]
    return note


def visible_notes(practitioner: Any, client: Any) -> list[ClientNote]:
    """The notes about `client` this practitioner may read, newest first, each with its addenda
    (oldest first) in `note.addenda_list`; one query. Each note and addendum says whether this
    reader may edit it (`editable`) or add to it (`appendable`). Writes no access-log row."""
    rows = list(
        notes_of(practitioner)
        .filter(client=client)
        .select_related("practice")
        .order_by("-created_at", "-pk")
    )
    return _threaded(rows, practitioner)


_NOTE_FIELDS = tuple(f.attname for f in ClientNote._meta.concrete_fields)


def _page_notes(practice: bool) -> QuerySet[Any]:
    """The rest of `notes_of`'s rule once access is checked: the client's notes by the reader, or
    written in their practice when `practice`; newest first, the whole row."""
    readers = Q(author_id=statements.READER)
    if practice:
        readers |= Q(practice_id=statements.PRACTICE)
    return (
        ClientNote.objects.filter(readers, client_id=statements.CLIENT)
        .order_by("-created_at", "-pk")
        .values_list(*_NOTE_FIELDS)
    )


# `client_page_notes`' statements, the body decrypted by its field's own converter
_PAGE_NOTES = statements.per_reader("the record's notes", _page_notes)


@lru_cache(maxsize=8)
def _note_marks_sql(vendor: str, practice: bool) -> str:
    """When, by whom and whether an addendum, for `note_marks`: the rule of `client_page_notes`
    from a moment on, without the (encrypted) body. Placeholders: the client, the moment, the
    author, and the practice when `practice`."""
    quote = connection.ops.quote_name
    table = quote(ClientNote._meta.db_table)
    c = {f.name: quote(f.column) for f in ClientNote._meta.concrete_fields}
    readers = f"{c['author']} = %s" + (f" OR {c['practice']} = %s" if practice else "")
    return (
        f"SELECT {c['created_at']}, {c['author_name']}, {c['addendum_to']} FROM {table} "  # noqa: S608
        f"WHERE {c['client']} = %s AND {c['created_at']} >= %s AND ({readers})"
    )


def note_marks(practitioner: Any, client: Any, since: Any) -> list[tuple[Any, str, int | None]]:
    """(created_at, author's name, addendum_to id) of the notes `client_page_notes` gives, written
    from `since` on: what the timeline marks, never a body (so nothing is decrypted). `client`
    is one of the practitioner's clients now (checked in this request)."""
    if (
        not getattr(practitioner, "is_authenticated", False)
        or not practitioner.is_practitioner
        or not practitioner.is_active
    ):
        return []
    membership = practitioner.membership
    if membership is not None and membership.role == Membership.Role.ASSISTANT:
        return []
    practice_id = _practice_of(practitioner)
    moment = connection.ops.adapt_datetimefield_value(since)
    params = [client.pk, moment, practitioner.pk]
    if practice_id is not None:
        params.append(practice_id)
    with connection.cursor() as cursor:
        cursor.execute(_note_marks_sql(connection.vendor, practice_id is not None), params)
        rows = cursor.fetchall()
    field = ClientNote._meta.get_field("created_at")
    return [(_aware(field, at), author, addendum) for at, author, addendum in rows]


def _aware(field: Any, value: Any) -> Any:
    """A moment read by a plain statement, as the ORM would give it (SQLite: text in UTC)."""
    if isinstance(value, str):
        value = field.to_python(value)
    if timezone.is_naive(value):
        value = timezone.make_aware(value, UTC)
    return value


def client_page_notes(practitioner: Any, client: Any) -> list[ClientNote]:
    """`visible_notes` for the client's page, where `client_for` has said in this request that
    `client` is one of the practitioner's clients now: the rest of `notes_of`'s rule (the
    reader's own notes and their practice's; none for an assistant) in one SQL statement compiled
    once per process from its queryset, the practices from the reader's own membership (a query only for a note
    written in another practice)."""
    if (
        not getattr(practitioner, "is_authenticated", False)
        or not practitioner.is_practitioner
        or not practitioner.is_active
    ):
        return []
    membership = practitioner.membership
    if membership is not None and membership.role == Membership.Role.ASSISTANT:
        return []
    practice_id = _practice_of(practitioner)
    rows = statements.rows_for(
        ClientNote, _NOTE_FIELDS, _PAGE_NOTES, client.pk, practitioner.pk, practice_id
    )
    others = []
    for row in rows:
        if row.practice_id is None:
            continue
        if membership is not None and row.practice_id == membership.practice_id:
            row.practice = membership.practice
        else:
            others.append(row)
    if others:
        prefetch_related_objects(others, "practice")
    return _threaded(rows, practitioner)


def _threaded(rows: list[ClientNote], practitioner: Any) -> list[ClientNote]:
    """The notes (newest first) with their addenda under them, oldest first."""
    now = timezone.now()
    addenda: dict[int, list[ClientNote]] = {}
    for row in reversed(rows):  # oldest first under their note
        if row.addendum_to_id is not None:
            addenda.setdefault(row.addendum_to_id, []).append(_decorate(row, practitioner, now))
    notes = []
    for row in rows:
        if row.addendum_to_id is None:
            _decorate(row, practitioner, now)
            row.addenda_list = addenda.get(row.pk, [])  # type: ignore[attr-defined]
            notes.append(row)
    return notes


# --- Writing ------------------------------------------------------------------------------------


def clean_body(body: Any) -> str:
    """The text of a note, stripped: 1 to MAX_LENGTH characters of text that can be stored."""
    if not isinstance(body, str):
        raise NoteError(_("Schrijf de notitie als tekst."))
    body = body.strip()
    if not body:
        raise NoteError(_("Schrijf iets in de notitie."))
    if len(body) > MAX_LENGTH:
        raise NoteError(
            _(
                "Een notitie is hoogstens %(max)s tekens lang; deze is %(length)s tekens. "
                "Maak hem korter of verdeel hem over twee notities."
            )
            % {"max": MAX_LENGTH, "length": len(body)}
        )
    if "\x00" in body:
        raise NoteError(_("De tekst bevat een nulteken, dat niet kan worden bewaard."))
    try:
        body.encode("utf-8")
    except UnicodeEncodeError:
        raise NoteError(_("De tekst bevat tekens die niet kunnen worden bewaard.")) from None
    return body


def _log_change(practitioner: Any, note: ClientNote) -> None:
    log_access(
        practitioner,
        [note.client_id],
        AccessLog.Kind.NOTES,
        AccessLog.Action.CHANGE,
        object_ref=f"note:{note.pk}",
    )


def add_note(
    practitioner: Any, client: Any, body: Any, addendum_to: ClientNote | int | str | None = None
) -> ClientNote:
    """A new note about `client` by `practitioner`, or an addendum to one of their own notes
    (an addendum to an addendum goes to the note it belongs to). Writes the access-log row
    (NOTES, CHANGE) itself. A repeat of the author's last note within REPEAT_WINDOW returns that
    note and stores nothing.

    Raises Http404 when the practitioner has no access to the client, NoteError on bad input
    (`field` "body" or "addendum_to"), NoteNotAllowed when adding to someone else's note."""
    if not clients_of(practitioner).filter(pk=client.pk).exists():
        raise Http404("no such client")
    text = clean_body(body)
    parent = None
    if addendum_to is not None:
        parent = _parent_for(practitioner, client, addendum_to)
    now = timezone.now()
    with transaction.atomic():
        # The author's row locked: two sends of one form at the same moment (PostgreSQL; SQLite
        # writes one transaction at a time anyway) see each other, and the second stores nothing.
        User.objects.select_for_update().filter(pk=practitioner.pk).values_list("pk").first()
        last = (
            ClientNote.objects.filter(
                client=client,
                author=practitioner,
                addendum_to=parent,
                created_at__gte=now - REPEAT_WINDOW,
            )
            .order_by("-created_at", "-pk")
            .first()
        )
        if last is not None and last.body == text:
            return last
        note = ClientNote.objects.create(
            client=client,
            author=practitioner,
            author_name=str(practitioner)[:120],
            practice_id=_practice_of(practitioner),
            addendum_to=parent,
            body=text,
            created_at=now,
            updated_at=now,
        )
        _log_change(practitioner, note)
    return note


def _parent_for(practitioner: Any, client: Any, addendum_to: ClientNote | int | str) -> ClientNote:
    note_id = addendum_to.pk if isinstance(addendum_to, ClientNote) else addendum_to
    try:
        note = notes_of(practitioner).get(pk=int(note_id), client=client)  # type: ignore[arg-type]
    except (ClientNote.DoesNotExist, ValueError, TypeError):
        raise NoteError(_("Deze notitie bestaat niet (meer)."), field="addendum_to") from None
    if note.addendum_to_id is not None:
        note = ClientNote.objects.get(pk=note.addendum_to_id)
    if note.author_id != practitioner.pk:
        raise NoteNotAllowed
    return note


def edit_note(practitioner: Any, note: ClientNote, body: Any, now: datetime | None = None) -> bool:
    """Its author changes a note within EDIT_WINDOW of its writing; True when the text changed
    (then one access-log row, NOTES CHANGE), False when it is the same text.

    The window is kept by the UPDATE itself (a condition on created_at), so a form opened in
    time and sent too late changes nothing. Raises NoteNotAllowed for anyone but the author,
    NoteError on bad input, NoteLocked after the window."""
    if note.author_id != practitioner.pk:
        raise NoteNotAllowed
    text = clean_body(body)
    now = now or timezone.now()
    if not is_editable(note, now):
        raise _locked()
    if text == note.body:
        return False
    with transaction.atomic():
        changed = ClientNote.objects.filter(
            pk=note.pk, author=practitioner, created_at__gt=now - EDIT_WINDOW
        ).update(body=text, updated_at=now)
        if not changed:
            raise _locked()
        _log_change(practitioner, note)
    note.body, note.updated_at = text, now
    return True


def _locked() -> NoteLocked:
    return NoteLocked(
        _(
            "Een notitie kun je tot %(hours)s uur na het schrijven wijzigen; die tijd is voorbij. "
            "Je kunt wel een aanvulling toevoegen."
        )
        % {"hours": ClientNote.EDITABLE_FOR_HOURS}
    )


# --- Data rights (named in the AppConfig) -------------------------------------------------------


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _exported(note: ClientNote) -> dict[str, Any]:
    return {
        "id": note.pk,
        "author": note.author_name,
        "practice": note.practice.name if note.practice else "",
        "created_at": _iso(note.created_at),
        "updated_at": _iso(note.updated_at),
        "text": note.body,
    }


def export_notes(user: Any) -> list[dict[str, Any]]:
    """Every note about the person, whoever wrote it and whether or not they still have access
    (GDPR art. 15), oldest first, each with its addenda."""
    rows = list(
        ClientNote.objects.filter(client=user)
        .select_related("practice")
        .order_by("created_at", "pk")
    )
    addenda: dict[int, list[dict[str, Any]]] = {}
    for row in rows:
        if row.addendum_to_id is not None:
            addenda.setdefault(row.addendum_to_id, []).append(_exported(row))
    return [
        {**_exported(row), "addenda": addenda.get(row.pk, [])}
        for row in rows
        if row.addendum_to_id is None
    ]


def export_user_data(user: Any) -> dict[str, Any]:
    """The practice app's part of the person's export (docs/export.md, "practice")."""
    return {
        "notes": export_notes(user),
        "assignments": assignments.export(user),
        "alerts": export_alerts(user),
    }


def export_alerts(user: Any) -> list[dict[str, Any]]:
    """The alerts practitioners had about the person, with what they noted on acknowledging one
    (a note about the person, so theirs to read too), oldest first."""
    return [
        {
            "kind": alert.kind,
            "created_at": alert.created_at.isoformat(),
            "acknowledged_at": alert.acknowledged_at.isoformat() if alert.acknowledged_at else None,
            "acknowledged_by": str(alert.acknowledged_by) if alert.acknowledged_by else "",
            "note": alert.acknowledged_note,
        }
        for alert in Alert.objects.filter(client=user)
        .select_related("acknowledged_by")
        .order_by("created_at", "pk")
    ]


def erase_user_health_data(user: Any) -> None:
    """Withdrawn consent for health data: the notes about the person go (they are about their
    health), addenda with them."""
    ClientNote.objects.filter(client=user).delete()
    assignments.erase(user)  # what the practitioners asked the person to do, with its messages


# --- Pages --------------------------------------------------------------------------------------


class NoteForm(forms.Form):
    """The text of a note; the rules are `clean_body`'s, so the page and the API say the same."""

    body = forms.CharField(
        label=gettext_lazy("Notitie"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": MAX_LENGTH}),
        help_text=gettext_lazy(
            "Je cliënt kan deze notities lezen: ze horen bij de gegevens die je cliënt zelf kan "
            "downloaden (AVG, artikel 15). Hier zien alleen jij en de behandelaars van je "
            "praktijk met toegang tot deze cliënt ze. Wijzigen kan tot 24 uur na het schrijven; "
            "daarna kun je een aanvulling toevoegen."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # `clean_body` says what is wrong with a NUL character, as the API does.
        self.fields["body"].validators = []

    def clean_body(self) -> str:
        try:
            return clean_body(self.cleaned_data.get("body", ""))
        except NoteError as error:
            raise forms.ValidationError(error.message) from None


@lru_cache(maxsize=8)
def _note_words(language: str | None) -> tuple[str, str, int, int]:
    """The note field's label and hint (escaped), its rows and length, from `NoteForm`'s own field
    once per process and language."""
    body = NoteForm.base_fields["body"]
    attrs = body.widget.attrs
    return escape(str(body.label)), escape(str(body.help_text)), attrs["rows"], attrs["maxlength"]


def blank_note_fields() -> SafeString:
    """An empty `NoteForm(prefix="note")`'s fields as `{% form_fields %}` writes them, without
    building the form (a test holds the two together in both languages)."""
    label, hint, rows, maxlength = _note_words(get_language())
    control = form_markup.textarea("note-body", "id_note-body", rows, maxlength)
    written = form_markup.fields(form_markup.field("id_note-body", label, control, hint))
    return mark_safe(written)  # noqa: S308 - the words are escaped in _note_words


def client_section(
    request: HttpRequest, client: Any, notes: list[ClientNote] | None = None
) -> dict[str, Any]:
    """The context of `practice/_client_notes.html` on the client's page: the newest notes the
    practitioner may read (with their addenda), how many there are, and the empty form to add one
    (`note_fields`, its fields as markup).
    Writes no access-log row (the client's page writes its own). `notes`: `visible_notes()`
    when the page has read them already."""
    if notes is None:
        notes = visible_notes(request.user, client)
    return {
        "note_client": client,
        "note_list": notes[:SECTION_SIZE],
        "note_count": len(notes),
        "note_more": len(notes) > SECTION_SIZE,
        "note_fields": blank_note_fields(),
    }


# The section's addresses are reversed once per process, language and script prefix with these
# ids, then each replaced by the request's (as the record's tabs).
URL_CLIENT, URL_NOTE = "2147483647", "2147483646"


@lru_cache(maxsize=16)
def _addresses(language: str | None, prefix: str) -> tuple[str, str]:
    """The notes page's (where the form posts) and a note's page's address, with the stand-ins."""
    client = {"client_id": int(URL_CLIENT)}
    return (
        reverse("practice:note_add", kwargs=client),
        reverse("practice:note_edit", kwargs={**client, "note_id": int(URL_NOTE)}),
    )


@lru_cache(maxsize=8)
def _section_words(language: str | None) -> dict[str, str]:
    """The section's fixed words, translated once per process and language (as the template's
    `{% translate %}` of a literal writes them: not escaped but for <, > and &)."""
    words = {
        "heading": "Notities",
        "none": "Er zijn nog geen notities over deze cliënt die jij kunt lezen.",
        "save": "Notitie opslaan",
        "edit": "Notitie wijzigen",
        "append": "Aanvulling toevoegen",
        "edit_addendum": "Aanvulling wijzigen",
    }
    return {key: escape(_(text), quote=False) for key, text in words.items()}


def _body(text: str) -> str:
    """`{{ text|linebreaksbr }}`."""
    return escape(text.replace("\r\n", "\n").replace("\r", "\n")).replace("\n", "<br>")


def section_markup(section: dict[str, Any], csrf_token: str) -> SafeString:
    """What `practice/_client_notes.html` (with `_note_list.html`) writes for `client_section`'s
    values, in one pass: the newest notes with their addenda, the link to all of them, and the
    empty form with the art. 15 notice. Every value escaped; a test holds the two together in
    both languages."""
    client, notes = section["note_client"], section["note_list"]
    w = _section_words(get_language())
    add_url, edit_url = _addresses(get_language(), get_script_prefix())
    add_url = add_url.replace(URL_CLIENT, str(client.pk))
    edit_url = edit_url.replace(URL_CLIENT, str(client.pk))
    when = dates.formatter("DATETIME_FORMAT")

    def written(note: ClientNote) -> tuple[str, str]:
        """The note's time element and ", gewijzigd …" when it was changed."""
        at = timezone.localtime(note.created_at)
        moment = f'<time datetime="{at.isoformat()}">{escape(when(at))}</time>'
        if not note.edited:  # type: ignore[attr-defined]
            return moment, ""
        changed = _("gewijzigd %(when)s") % {
            "when": escape(when(timezone.localtime(note.updated_at)))
        }
        return moment, f", {changed}"

    parts = [
        '<section id="notities" aria-labelledby="notes-heading">\n'
        f'  <h2 id="notes-heading">{w["heading"]}</h2>\n'
    ]
    if notes:
        parts.append('<ol class="card-list">')
        for note in notes:
            moment, changed = written(note)
            practice = f" ({escape(note.practice.name)})" if note.practice else ""
            parts.append(
                f'\n  <li id="notitie-{note.pk}" class="card stack">\n'
                f'    <p class="muted"><strong>{escape(note.author_name)}</strong>{practice},\n'
                f"      {moment}{changed}</p>\n"
                f"    <p>{_body(note.body)}</p>\n"
            )
            addenda = note.addenda_list  # type: ignore[attr-defined]
            if addenda:
                parts.append('    <ol class="card-list">')
                for addendum in addenda:
                    moment, changed = written(addendum)
                    by = _("Aanvulling van %(who)s") % {"who": escape(addendum.author_name)}
                    link = ""
                    if addendum.editable:  # type: ignore[attr-defined]
                        url = edit_url.replace(URL_NOTE, str(addendum.pk))
                        link = f'<p><a href="{url}">{w["edit_addendum"]}</a></p>'
                    parts.append(
                        f'\n      <li id="notitie-{addendum.pk}">\n'
                        f'        <p class="muted">{by},\n          {moment}{changed}</p>\n'
                        f"        <p>{_body(addendum.body)}</p>\n        {link}\n      </li>"
                    )
                parts.append("\n    </ol>\n")
            offer = (
                "edit"
                if note.editable  # type: ignore[attr-defined]
                else "append"
                if note.appendable  # type: ignore[attr-defined]
                else ""
            )
            if offer:
                url = edit_url.replace(URL_NOTE, str(note.pk))
                parts.append(f'    <p><a href="{url}">{w[offer]}</a></p>\n')
            parts.append("  </li>")
        parts.append("\n</ol>\n")
        if section["note_more"]:
            count = section["note_count"]
            everything = ngettext(
                "De notitie bekijken", "Alle %(count)s notities bekijken", count
            ) % {"count": count}
            parts.append(f'  <p><a href="{add_url}">{everything}</a></p>\n')
    else:
        parts.append(f"  <p>{w['none']}</p>\n")
    parts.append(
        f'  <form method="post" action="{add_url}" novalidate>'
        f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(csrf_token)}">\n'
        '    <input type="hidden" name="return_to" value="client">\n'
        f"    {section['note_fields']}\n"
        f'    <div class="form-actions"><button type="submit" class="button">{w["save"]}'
        "</button></div>\n  </form>\n</section>"
    )
    return mark_safe("".join(parts))  # noqa: S308 - every value is escaped above


def _notes_page(
    request: HttpRequest, client: Any, form: NoteForm, status: int = 200
) -> HttpResponse:
    log_access(request.user, [client.pk], AccessLog.Kind.NOTES, AccessLog.Action.VIEW)  # type: ignore[arg-type]
    notes = visible_notes(request.user, client)
    context = {"client": client, "notes": notes, "form": form}
    return render(request, "practice/notes.html", context, status=status)


@practitioner_required
@require_http_methods(["GET", "HEAD", "POST"])
def client_notes(request: HttpRequest, client_id: int) -> HttpResponse:
    """GET: every note about the client this practitioner may read, and the form; POST: a new
    note (from here or from the notes and assignments tab of the client's record, which
    `return_to` says)."""
    client = client_for(request, client_id)
    if request.method != "POST":
        return _notes_page(request, client, NoteForm(prefix="note"))
    form = NoteForm(request.POST, prefix="note")
    if not form.is_valid():
        return _notes_page(request, client, form, status=422)
    try:
        note = add_note(request.user, client, form.cleaned_data["body"])
    except NoteError as error:
        form.add_error("body", error.message)
        return _notes_page(request, client, form, status=422)
    messages.success(request, _("Je notitie is opgeslagen."))
    if request.POST.get("return_to") == "client":
        url = reverse("practice:client_care", kwargs={"client_id": client.pk})
        return redirect(f"{url}#notities")
    return redirect(
        reverse("practice:note_add", kwargs={"client_id": client.pk}) + f"#notitie-{note.pk}"
    )


EDIT, ADDENDUM = "edit", "addendum"  # what the note's page offers: change it, or add to it


def _edit_page(
    request: HttpRequest, client: Any, note: ClientNote, form: NoteForm, mode: str, status: int
) -> HttpResponse:
    log_access(
        request.user,  # type: ignore[arg-type]
        [client.pk],
        AccessLog.Kind.NOTES,
        AccessLog.Action.VIEW,
        object_ref=f"note:{note.pk}",
    )
    addenda = list(notes_of(request.user).filter(addendum_to=note).order_by("created_at", "pk"))
    if mode == ADDENDUM:
        form.fields["body"].label = _("Aanvulling")
    now = timezone.now()
    _decorate(note, request.user, now)
    for addendum in addenda:
        _decorate(addendum, request.user, now)
    context = {
        "client": client,
        "note": note,
        "addenda": addenda,
        "form": form,
        "mode": mode,
        "editable_until": editable_until(note),
    }
    return render(request, "practice/note_edit.html", context, status=status)


@practitioner_required
@require_http_methods(["GET", "HEAD", "POST"])
def note_edit(request: HttpRequest, client_id: int, note_id: int) -> HttpResponse:
    """The author's page of one note: change it within 24 hours, after that add to it. Anyone
    else who may read the note gets 403; anyone who may not, 404."""
    client = client_for(request, client_id)
    note = note_for(request, client, note_id)
    if note.author_id != request.user.pk:
        raise NoteNotAllowed
    now = timezone.now()
    current = EDIT if is_editable(note, now) else ADDENDUM
    if request.method != "POST":
        initial = {"body": note.body} if current == EDIT else {}
        return _edit_page(
            request, client, note, NoteForm(prefix="note", initial=initial), current, 200
        )

    mode = request.POST.get("mode") if request.POST.get("mode") in (EDIT, ADDENDUM) else current
    form = NoteForm(request.POST, prefix="note")
    if not form.is_valid():
        return _edit_page(request, client, note, form, mode, 422)
    try:
        if mode == EDIT:
            if edit_note(request.user, note, form.cleaned_data["body"], now=now):
                messages.success(request, _("Je notitie is gewijzigd."))
            else:
                messages.info(request, _("De notitie is niet gewijzigd: de tekst is dezelfde."))
            target = note
        else:
            target = add_note(request.user, client, form.cleaned_data["body"], addendum_to=note)
            messages.success(request, _("Je aanvulling is opgeslagen."))
    except NoteLocked as error:
        # Sent too late: what was typed stays in the form, now as an addendum.
        form.add_error("body", error.message)
        return _edit_page(request, client, note, form, ADDENDUM, 422)
    except NoteError as error:
        form.add_error("body", error.message)
        return _edit_page(request, client, note, form, mode, 422)
    return redirect(
        reverse("practice:note_add", kwargs={"client_id": client.pk}) + f"#notitie-{target.pk}"
    )


urlpatterns = [
    path("clienten/<int:client_id>/notities/", client_notes, name="note_add"),
    path("clienten/<int:client_id>/notities/<int:note_id>/", note_edit, name="note_edit"),
]
