"""What a practice offers and when (`/praktijk/aanbod/…`): its appointment types, each
practitioner's weekly hours and the exceptions to them (days off, holidays, extra hours).

Every member reads; the owner creates, edits and switches off appointment types; a practitioner
edits their own hours and exceptions, the owner anyone's in the practice; an assistant reads only.
Another practice's types, hours, exceptions and people are a 404. Changing what is offered never
moves a booking that exists: the slots core reads these rows for times still to be booked.
"""

from datetime import time
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from lijfwijs.accounts.access import member_required
from lijfwijs.accounts.models import User
from lijfwijs.core.dates import DayField
from lijfwijs.core.ids import ModelChoices

from . import services
from .agenda_forms import on_grain
from .models import AppointmentType, AvailabilityException, WeeklyHours

WEEKDAYS = (
    gettext_lazy("Maandag"),
    gettext_lazy("Dinsdag"),
    gettext_lazy("Woensdag"),
    gettext_lazy("Donderdag"),
    gettext_lazy("Vrijdag"),
    gettext_lazy("Zaterdag"),
    gettext_lazy("Zondag"),
)
MAX_EXCEPTION_DAYS = 366
GRAIN_MESSAGE = gettext_lazy("Kies een tijd op hele vijf minuten, zoals 09:30 of 09:35.")


def _time_field(label: Any) -> forms.TimeField:
    return forms.TimeField(
        label=label,
        widget=forms.TimeInput(attrs={"type": "time", "step": 300}, format="%H:%M"),
        error_messages={
            "required": gettext_lazy("Vul een tijd in."),
            "invalid": gettext_lazy("Vul een tijd in, zoals 09:30."),
        },
    )


# --- forms ------------------------------------------------------------------------------------


class AppointmentTypeForm(forms.ModelForm):
    """An appointment type: the model's own validators (five-minute multiples, limits) plus the
    practitioners, who must be members of this practice who give appointments."""

    practitioners = ModelChoices(
        label=gettext_lazy("Behandelaars die deze afspraak geven"),
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": gettext_lazy("Kies minstens één behandelaar."),
            "invalid_choice": gettext_lazy("Kies behandelaars van je eigen praktijk."),
            "invalid_pk_value": gettext_lazy("Kies behandelaars van je eigen praktijk."),
        },
    )

    video_link = forms.URLField(
        label=gettext_lazy("videolink"),
        required=False,
        max_length=200,
        assume_scheme="https",
        help_text=gettext_lazy("Alleen voor afspraken online."),
        error_messages={"invalid": gettext_lazy("Vul een volledig webadres in, zoals https://…")},
    )

    class Meta:
        model = AppointmentType
        fields = [
            "name",
            "description",
            "duration_minutes",
            "buffer_before_minutes",
            "buffer_after_minutes",
            "slot_step_minutes",
            "is_free",
            "price_text",
            "location",
            "video_link",
            "audience",
            "min_notice_hours",
            "horizon_days",
            "cancel_limit_hours",
            "practitioners",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "duration_minutes": gettext_lazy("In stappen van 5 minuten, hoogstens 8 uur."),
            "buffer_before_minutes": gettext_lazy(
                "Tijd die vrij blijft voor de afspraak, in stappen van 5 minuten."
            ),
            "buffer_after_minutes": gettext_lazy(
                "Tijd die vrij blijft na de afspraak, in stappen van 5 minuten."
            ),
            "slot_step_minutes": gettext_lazy(
                "Om de hoeveel minuten een afspraak kan beginnen, bijvoorbeeld 15 of 30."
            ),
            "price_text": gettext_lazy("Zoals je het wilt laten zien, bijvoorbeeld ‘€ 65’."),
            "cancel_limit_hours": gettext_lazy(
                "Tot zoveel uur voor de afspraak kan iemand zelf annuleren of verzetten."
            ),
        }

    def __init__(self, *args: Any, practice: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.practice = practice
        self.fields["practitioners"].queryset = User.objects.filter(
            pk__in=[p.pk for p in services.practitioners_of(practice)]
        ).order_by("display_name", "email")
        self.fields["name"].error_messages["required"] = _("Geef de afspraak een naam.")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("is_free"):
            data["price_text"] = ""
        if data.get("location") != AppointmentType.Location.VIDEO:
            data["video_link"] = ""
        return data

    def save(self, commit: bool = True) -> AppointmentType:
        """Save the type and its practitioners; its practice's free times change with them
        (services.touch in the same transaction)."""
        self.instance.practice = self.practice
        if not commit:
            return super().save(commit=False)
        with transaction.atomic():
            saved = super().save(commit=True)
            services.touch(self.practice.pk)
        return saved


class WeeklyHoursForm(forms.Form):
    weekday = forms.TypedChoiceField(
        label=gettext_lazy("Dag"),
        choices=[(n, name) for n, name in enumerate(WEEKDAYS)],
        coerce=int,
        error_messages={"required": gettext_lazy("Kies een dag.")},
    )
    start = _time_field(gettext_lazy("Van"))
    end = _time_field(gettext_lazy("Tot"))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for name in ("start", "end"):
            if data.get(name) is not None and not on_grain(data[name]):
                self.add_error(name, GRAIN_MESSAGE)
        start, end = data.get("start"), data.get("end")
        if start is not None and end is not None and not self.errors and end <= start:
            self.add_error("end", _("De eindtijd moet na de begintijd liggen."))
        return data


class ExceptionForm(forms.Form):
    CLOSED_DAYS = "vrij"
    CLOSED_HOURS = "deels"
    EXTRA = "extra"

    kind = forms.ChoiceField(
        label=gettext_lazy("Soort uitzondering"),
        choices=[
            (CLOSED_DAYS, gettext_lazy("Hele dagen vrij (vakantie, feestdag)")),
            (CLOSED_HOURS, gettext_lazy("Een deel van de dag vrij")),
            (EXTRA, gettext_lazy("Extra uren")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Kies een soort uitzondering.")},
    )
    first_day = DayField(
        label=gettext_lazy("Van (datum)"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "required": gettext_lazy("Vul een datum in."),
            "invalid": gettext_lazy("Vul een geldige datum in."),
        },
    )
    last_day = DayField(
        label=gettext_lazy("Tot en met (datum, optioneel)"),
        help_text=gettext_lazy("Laat leeg voor één dag."),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": gettext_lazy("Vul een geldige datum in.")},
    )
    start = _time_field(gettext_lazy("Van (tijd)"))
    end = _time_field(gettext_lazy("Tot (tijd)"))
    note = forms.CharField(
        label=gettext_lazy("Omschrijving (optioneel)"),
        help_text=gettext_lazy("Bijvoorbeeld ‘Kerstvakantie’."),
        required=False,
        max_length=120,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["start"].required = False
        self.fields["end"].required = False
        self.fields["start"].help_text = _("Niet nodig bij hele dagen vrij.")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        first, kind = data.get("first_day"), data.get("kind")
        last = data.get("last_day") or first
        if first is not None and last is not None:
            if last < first:
                self.add_error("last_day", _("De einddatum kan niet voor de begindatum liggen."))
            elif (last - first).days >= MAX_EXCEPTION_DAYS:
                self.add_error(
                    "last_day",
                    _("Kies hoogstens %(days)d dagen in één keer.") % {"days": MAX_EXCEPTION_DAYS},
                )
            data["last_day"] = last
        if kind == self.CLOSED_DAYS:
            data["start"] = data["end"] = None
            self.errors.pop("start", None)
            self.errors.pop("end", None)
            return data
        start, end = data.get("start"), data.get("end")
        if kind and start is None and "start" not in self.errors:
            self.add_error("start", _("Vul een begintijd in."))
        if kind and end is None and "end" not in self.errors:
            self.add_error("end", _("Vul een eindtijd in."))
        for name in ("start", "end"):
            if data.get(name) is not None and not on_grain(data[name]):
                self.add_error(name, GRAIN_MESSAGE)
        if start is not None and end is not None and "end" not in self.errors and end <= start:
            self.add_error("end", _("De eindtijd moet na de begintijd liggen."))
        return data


# --- access -----------------------------------------------------------------------------------


def _practice(request: HttpRequest) -> Any:
    return request.membership.practice  # type: ignore[attr-defined]


def type_for(request: HttpRequest, type_id: int) -> AppointmentType:
    found = AppointmentType.objects.filter(practice=_practice(request), pk=type_id).first()
    if found is None:
        raise Http404("no such appointment type")
    return found


def _practitioner(request: HttpRequest, raw: str) -> tuple[User | None, list[User]]:
    """The practitioner whose hours a page shows (?behandelaar=): one of the practice's people
    who give appointments (else 404); by default yourself, or the first of them."""
    givers = services.practitioners_of(_practice(request))
    if raw:
        try:
            pk = int(raw)
        except ValueError:
            raise Http404("no such practitioner") from None
        found = next((g for g in givers if g.pk == pk), None)
        if found is None:
            raise Http404("no such practitioner")
        return found, givers
    own = next((g for g in givers if g.pk == request.user.pk), None)
    return own or (givers[0] if givers else None), givers


def may_edit_hours(request: HttpRequest, practitioner: Any) -> bool:
    """Your own hours; the owner anyone's in the practice. Assistants read only."""
    if not request.user.is_practitioner:  # type: ignore[union-attr]
        return False
    return practitioner.pk == request.user.pk or request.membership.is_owner  # type: ignore[attr-defined]


def _hours_url(name: str, practitioner: Any) -> str:
    return f"{reverse(name)}?behandelaar={practitioner.pk}"


# --- appointment types ------------------------------------------------------------------------


@never_cache
@member_required
@require_safe
def offer(request: HttpRequest) -> HttpResponse:
    practice = _practice(request)
    types = (
        AppointmentType.objects.filter(practice=practice)
        .prefetch_related("practitioners")
        .order_by("-is_active", "position", "name")
    )
    context = {
        "types": types,
        "is_owner": request.membership.is_owner,  # type: ignore[attr-defined]
        "practice": practice,
    }
    return render(request, "booking/offer/list.html", context)


@never_cache
@member_required(owner=True)
@require_http_methods(["GET", "POST"])
def type_new(request: HttpRequest) -> HttpResponse:
    practice = _practice(request)
    form = AppointmentTypeForm(
        request.POST if request.method == "POST" else None, practice=practice
    )
    if request.method == "POST" and form.is_valid():
        created = form.save()
        messages.success(request, _("‘%(name)s’ is toegevoegd.") % {"name": created.name})
        return redirect("booking_offer")
    status = 422 if form.errors else 200
    return render(
        request, "booking/offer/type_form.html", {"form": form, "creating": True}, status=status
    )


@never_cache
@member_required(owner=True)
@require_http_methods(["GET", "POST"])
def type_edit(request: HttpRequest, type_id: int) -> HttpResponse:
    found = type_for(request, type_id)
    form = AppointmentTypeForm(
        request.POST if request.method == "POST" else None,
        instance=found,
        practice=_practice(request),
    )
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("‘%(name)s’ is bewaard.") % {"name": found.name})
        return redirect("booking_offer")
    status = 422 if form.errors else 200
    context = {"form": form, "creating": False, "appointment_type": found}
    return render(request, "booking/offer/type_form.html", context, status=status)


@never_cache
@member_required(owner=True)
@require_POST
def type_active(request: HttpRequest, type_id: int) -> HttpResponse:
    """Switch a type off (no longer bookable; its bookings stay) or on again."""
    found = type_for(request, type_id)
    wanted = request.POST.get("actief", "")
    if wanted not in ("0", "1"):
        messages.error(request, _("Kies of de afspraak te boeken is of niet."))
        return redirect("booking_offer")
    with transaction.atomic():
        AppointmentType.objects.filter(pk=found.pk).update(is_active=wanted == "1")
        services.touch(found.practice_id)
    if wanted == "1":
        messages.success(request, _("‘%(name)s’ is weer te boeken.") % {"name": found.name})
    else:
        messages.success(
            request,
            _("‘%(name)s’ is niet meer te boeken. Afspraken die er al zijn, blijven staan.")
            % {"name": found.name},
        )
    return redirect("booking_offer")


# --- weekly hours -----------------------------------------------------------------------------


def _fmt(moment: time) -> str:
    return moment.strftime("%H:%M")


def add_hours(
    practice: Any, practitioner: Any, weekday: int, start: time, end: time
) -> tuple[time, time, int]:
    """Add a block of weekly hours, merged with the blocks of that day it overlaps or touches
    (one block 09:00–17:00 rather than 09:00–12:00 and 11:00–17:00). Returns the block as it is
    now and how many earlier blocks it took in."""
    with transaction.atomic():
        touching = list(
            WeeklyHours.objects.select_for_update()
            .filter(
                practice=practice,
                practitioner=practitioner,
                weekday=weekday,
                start__lte=end,
                end__gte=start,
            )
            .order_by("start")
        )
        new_start = min([start, *[h.start for h in touching]])
        new_end = max([end, *[h.end for h in touching]])
        WeeklyHours.objects.filter(pk__in=[h.pk for h in touching]).delete()
        WeeklyHours.objects.create(
            practice=practice,
            practitioner=practitioner,
            weekday=weekday,
            start=new_start,
            end=new_end,
        )
        services.touch(practice.pk)
    return new_start, new_end, len(touching)


def _hours_page(
    request: HttpRequest,
    practitioner: Any,
    givers: list[User],
    form: WeeklyHoursForm,
    status: int = 200,
) -> HttpResponse:
    rows = WeeklyHours.objects.filter(practice=_practice(request), practitioner=practitioner)
    days: list[dict[str, Any]] = [{"name": name, "blocks": []} for name in WEEKDAYS]
    for row in rows.order_by("weekday", "start"):
        days[row.weekday]["blocks"].append(row)
    context = {
        "practitioner": practitioner,
        "givers": givers,
        "days": days,
        "form": form,
        "may_edit": may_edit_hours(request, practitioner),
    }
    return render(request, "booking/offer/hours.html", context, status=status)


@never_cache
@member_required
@require_http_methods(["GET", "POST"])
def hours(request: HttpRequest) -> HttpResponse:
    practitioner, givers = _practitioner(request, request.GET.get("behandelaar", ""))
    if practitioner is None:
        if request.method == "POST":
            raise PermissionDenied
        return render(request, "booking/offer/hours.html", {"practitioner": None, "givers": []})
    if request.method == "POST" and not may_edit_hours(request, practitioner):
        raise PermissionDenied
    form = WeeklyHoursForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not form.is_valid():
            return _hours_page(request, practitioner, givers, form, status=422)
        data = form.cleaned_data
        start, end, merged = add_hours(
            _practice(request), practitioner, data["weekday"], data["start"], data["end"]
        )
        words = {"day": WEEKDAYS[data["weekday"]].lower(), "start": _fmt(start), "end": _fmt(end)}
        if merged:
            messages.success(
                request,
                _(
                    "Deze uren overlapten met uren die er al stonden op %(day)s. Ze zijn "
                    "samengevoegd tot %(start)s–%(end)s."
                )
                % words,
            )
        else:
            messages.success(request, _("Op %(day)s staat nu %(start)s–%(end)s.") % words)
        return redirect(_hours_url("booking_offer_hours", practitioner))
    return _hours_page(request, practitioner, givers, form)


@never_cache
@member_required
@require_POST
def hours_delete(request: HttpRequest, hours_id: int) -> HttpResponse:
    row = (
        WeeklyHours.objects.filter(practice=_practice(request), pk=hours_id)
        .select_related("practitioner")
        .first()
    )
    if row is None:
        raise Http404("no such hours")
    if not may_edit_hours(request, row.practitioner):
        raise PermissionDenied
    with transaction.atomic():
        row.delete()
        services.touch(row.practice_id)
    messages.success(
        request,
        _("%(start)s–%(end)s op %(day)s is weggehaald. Afspraken die er al zijn, blijven staan.")
        % {"day": WEEKDAYS[row.weekday].lower(), "start": _fmt(row.start), "end": _fmt(row.end)},
    )
    return redirect(_hours_url("booking_offer_hours", row.practitioner))


# --- exceptions -------------------------------------------------------------------------------


def _exceptions_page(
    request: HttpRequest,
    practitioner: Any,
    givers: list[User],
    form: ExceptionForm,
    status: int = 200,
) -> HttpResponse:
    today = services.local_today(_practice(request))
    rows = AvailabilityException.objects.filter(
        practice=_practice(request), practitioner=practitioner, last_day__gte=today
    ).order_by("first_day", "start")
    context = {
        "practitioner": practitioner,
        "givers": givers,
        "rows": rows,
        "form": form,
        "may_edit": may_edit_hours(request, practitioner),
    }
    return render(request, "booking/offer/exceptions.html", context, status=status)


@never_cache
@member_required
@require_http_methods(["GET", "POST"])
def exceptions(request: HttpRequest) -> HttpResponse:
    practitioner, givers = _practitioner(request, request.GET.get("behandelaar", ""))
    if practitioner is None:
        if request.method == "POST":
            raise PermissionDenied
        return render(
            request, "booking/offer/exceptions.html", {"practitioner": None, "givers": []}
        )
    if request.method == "POST" and not may_edit_hours(request, practitioner):
        raise PermissionDenied
    form = ExceptionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not form.is_valid():
            return _exceptions_page(request, practitioner, givers, form, status=422)
        data = form.cleaned_data
        practice = _practice(request)
        with transaction.atomic():
            AvailabilityException.objects.create(
                practice=practice,
                practitioner=practitioner,
                first_day=data["first_day"],
                last_day=data["last_day"],
                opens=data["kind"] == ExceptionForm.EXTRA,
                start=data["start"],
                end=data["end"],
                note=data["note"],
            )
            services.touch(practice.pk)
        messages.success(request, _("De uitzondering is toegevoegd."))
        return redirect(_hours_url("booking_offer_exceptions", practitioner))
    return _exceptions_page(request, practitioner, givers, form)


@never_cache
@member_required
@require_POST
def exception_delete(request: HttpRequest, exception_id: int) -> HttpResponse:
    row = (
        AvailabilityException.objects.filter(practice=_practice(request), pk=exception_id)
        .select_related("practitioner")
        .first()
    )
    if row is None:
        raise Http404("no such exception")
    if not may_edit_hours(request, row.practitioner):
        raise PermissionDenied
    with transaction.atomic():
        row.delete()
        services.touch(row.practice_id)
    messages.success(request, _("De uitzondering is weggehaald."))
    return redirect(_hours_url("booking_offer_exceptions", row.practitioner))


urlpatterns = [
    path("praktijk/aanbod/", offer, name="booking_offer"),
    path("praktijk/aanbod/nieuw/", type_new, name="booking_offer_new"),
    path("praktijk/aanbod/<int:type_id>/", type_edit, name="booking_offer_edit"),
    path("praktijk/aanbod/<int:type_id>/actief/", type_active, name="booking_offer_active"),
    path("praktijk/aanbod/uren/", hours, name="booking_offer_hours"),
    path(
        "praktijk/aanbod/uren/<int:hours_id>/verwijderen/",
        hours_delete,
        name="booking_offer_hours_delete",
    ),
    path("praktijk/aanbod/uitzonderingen/", exceptions, name="booking_offer_exceptions"),
    path(
        "praktijk/aanbod/uitzonderingen/<int:exception_id>/verwijderen/",
        exception_delete,
        name="booking_offer_exception_delete",
    ),
]
