"""The practice's own page (`/praktijk/praktijk/`): its details and members, managed by its owner.

Every member (owner, practitioner, assistant) sees the details and the member list; only owners
change them. Clients, staff and people of another practice never reach any of it. The rules live
in `members.py`; these views read the request, call them and render.
"""

import re
import zoneinfo
from functools import cache
from typing import Any

from django import forms
from django.contrib import messages
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from lijfwijs.accounts.models import Membership, Practice
from lijfwijs.core import trust

from . import members
from .access import member_for, member_required, members_of

FORM_METHODS = ["GET", "POST", "HEAD"]
ROLE_ORDER = {
    Membership.Role.OWNER: 0,
    Membership.Role.PRACTITIONER: 1,
    Membership.Role.ASSISTANT: 2,
}


@cache
def time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name) for name in sorted(zoneinfo.available_timezones())]


def _digits(value: str) -> str:
    """ "12 34 56 78" and "12.34.56.78" as people copy them: the digits only."""
    return re.sub(r"[\s.\-]", "", value or "")


class PracticeForm(forms.ModelForm):
    """The practice's details. The logo is checked and kept by `members` (not the model field's
    storage), so it is a separate field here."""

    website = forms.URLField(
        label=gettext_lazy("Website"), required=False, assume_scheme="https", max_length=200
    )
    kvk_number = forms.CharField(
        label=gettext_lazy("KvK-nummer"),
        required=False,
        max_length=20,
        help_text=gettext_lazy("8 cijfers."),
    )
    agb_code = forms.CharField(
        label=gettext_lazy("AGB-code"),
        required=False,
        max_length=20,
        help_text=gettext_lazy("De AGB-code van de praktijk, 8 cijfers."),
    )
    time_zone = forms.ChoiceField(
        label=gettext_lazy("Tijdzone"),
        choices=time_zone_choices,
        help_text=gettext_lazy("Tijden van de praktijk worden in deze tijdzone getoond."),
    )
    logo_upload = forms.FileField(
        label=gettext_lazy("Nieuw logo"),
        required=False,
        help_text=gettext_lazy("PNG, JPEG of WebP, hoogstens 1 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg,image/webp"}),
    )
    remove_logo = forms.BooleanField(label=gettext_lazy("Logo weghalen"), required=False)

    class Meta:
        model = Practice
        fields = [
            "name",
            "address",
            "phone",
            "email",
            "website",
            "kvk_number",
            "agb_code",
            "time_zone",
        ]
        widgets = {"address": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "address": gettext_lazy(
                "Straat en huisnummer; op de laatste regel postcode en plaats."
            ),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.instance.logo:
            del self.fields["remove_logo"]

    def clean_kvk_number(self) -> str:
        return _digits(self.cleaned_data.get("kvk_number", ""))

    def clean_agb_code(self) -> str:
        return _digits(self.cleaned_data.get("agb_code", ""))

    def clean_logo_upload(self) -> members.Logo | None:
        upload = self.cleaned_data.get("logo_upload")
        if not upload:
            return None
        try:
            return members.check_logo(upload)
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None


class AddMemberForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("E-mailadres"))
    display_name = forms.CharField(
        label=gettext_lazy("Naam"),
        max_length=120,
        required=False,
        help_text=gettext_lazy("Zoals collega's en cliënten de naam lezen."),
    )
    role = forms.ChoiceField(
        label=gettext_lazy("Rol"),
        choices=[
            (Membership.Role.PRACTITIONER, Membership.Role.PRACTITIONER.label),
            (Membership.Role.ASSISTANT, Membership.Role.ASSISTANT.label),
        ],
        initial=Membership.Role.PRACTITIONER,
        help_text=gettext_lazy("Een assistent ziet geen gegevens van cliënten."),
    )


class MemberForm(forms.Form):
    role = forms.ChoiceField(label=gettext_lazy("Rol"), choices=Membership.Role.choices)
    may_write_articles = forms.BooleanField(
        label=gettext_lazy("Mag artikelen schrijven"), required=False
    )


def _member_form(membership: Membership, data: Any = None) -> MemberForm:
    return MemberForm(
        data,
        prefix=f"m{membership.pk}",
        initial={"role": membership.role, "may_write_articles": membership.may_write_articles},
    )


def _page(
    request: HttpRequest,
    *,
    add_form: AddMemberForm | None = None,
    bound: MemberForm | None = None,
    bound_id: int | None = None,
    status: int = 200,
) -> HttpResponse:
    """The practice page; a rejected form is shown in place with its messages (422)."""
    me = request.membership  # type: ignore[attr-defined]
    practice = me.practice
    owner = me.is_owner
    everyone = list(members_of(practice))
    owners = sum(m.is_owner for m in everyone)
    rows = []
    for membership in sorted(
        everyone,
        key=lambda m: (ROLE_ORDER.get(m.role, 9), str(m.user).lower()),
    ):
        form = None
        if owner:
            form = bound if membership.pk == bound_id else _member_form(membership)
        rows.append(
            {
                "membership": membership,
                "user": membership.user,
                "is_me": membership.pk == me.pk,
                "awaits_password": members.awaits_password(membership.user),
                "form": form,
                "last_owner": membership.is_owner and owners == 1,
            }
        )
    context = {
        "practice": practice,
        "me": me,
        "owner": owner,
        "rows": rows,
        "add_form": add_form or (AddMemberForm() if owner else None),
        "public": trust.practice_is_provider(practice.pk),
    }
    return render(request, "practice/settings.html", context, status=status)


@member_required
@require_safe
def settings_page(request: HttpRequest) -> HttpResponse:
    return _page(request)


@member_required(owner=True)
@require_http_methods(FORM_METHODS)
def edit_details(request: HttpRequest) -> HttpResponse:
    practice = Practice.objects.get(pk=request.membership.practice_id)  # type: ignore[attr-defined]
    form = PracticeForm(request.POST or None, request.FILES or None, instance=practice)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            practice = form.save()
            logo = form.cleaned_data.get("logo_upload")
            if logo is not None:
                members.save_logo(practice, logo)
            elif form.cleaned_data.get("remove_logo"):
                members.save_logo(practice, None)
        messages.success(request, _("De gegevens van de praktijk zijn opgeslagen."))
        return redirect("practice:settings")
    return render(
        request,
        "practice/settings_details.html",
        {"form": form, "practice": practice},
        status=422 if request.method == "POST" else 200,
    )


@member_required
@require_safe
def logo(request: HttpRequest) -> HttpResponse:
    """The member's own practice's logo, with its content type (only PNG, JPEG, WebP are kept)."""
    found = members.logo_file(request.membership.practice)  # type: ignore[attr-defined]
    if found is None:
        raise Http404("no logo")
    file, content_type = found
    response = FileResponse(file, content_type=content_type)
    response["Content-Disposition"] = "inline"
    return response


@member_required(owner=True)
@require_POST
def add_member(request: HttpRequest) -> HttpResponse:
    form = AddMemberForm(request.POST)
    if form.is_valid():
        try:
            membership = members.add_member(
                request.membership.practice,  # type: ignore[attr-defined]
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                display_name=form.cleaned_data["display_name"],
                by=request.user,
            )
        except members.MemberError as exc:
            form.add_error(exc.field, exc.message)
        else:
            if members.awaits_password(membership.user):
                text = _(
                    "%(email)s is toegevoegd en krijgt een e-mail om een wachtwoord te kiezen."
                )
            else:
                text = _("%(email)s is toegevoegd en krijgt daarover een e-mail.")
            messages.success(request, text % {"email": membership.user.email})
            return redirect("practice:settings")
    return _page(request, add_form=form, status=422)


@member_required(owner=True)
@require_POST
def change_member(request: HttpRequest, member_id: int) -> HttpResponse:
    membership = member_for(request, member_id)
    form = _member_form(membership, request.POST)
    if form.is_valid():
        try:
            members.change_member(
                membership,
                role=form.cleaned_data["role"],
                may_write_articles=form.cleaned_data["may_write_articles"],
            )
        except members.MemberError as exc:
            form.add_error(exc.field, exc.message)
        else:
            messages.success(
                request, _("De rol van %(name)s is opgeslagen.") % {"name": membership.user}
            )
            return redirect("practice:settings")
    return _page(request, bound=form, bound_id=membership.pk, status=422)


@member_required(owner=True)
@require_http_methods(FORM_METHODS)
def remove_member(request: HttpRequest, member_id: int) -> HttpResponse:
    """A page that asks first; the POST removes."""
    membership = member_for(request, member_id)
    error = ""
    if request.method == "POST":
        try:
            members.remove_member(membership)
        except members.MemberError as exc:
            error = exc.message
        else:
            if membership.pk == request.membership.pk:  # type: ignore[attr-defined]
                messages.success(request, _("Je bent geen lid meer van deze praktijk."))
                return redirect("home")
            messages.success(
                request,
                _("%(name)s is geen lid meer van de praktijk.") % {"name": membership.user},
            )
            return redirect("practice:settings")
    context = {
        "membership": membership,
        "error": error,
        "is_me": membership.pk == request.membership.pk,  # type: ignore[attr-defined]
        # asked first: the last owner is told at once, with no button that cannot work
        "last_owner": members.is_last_owner(membership),
    }
    return render(request, "practice/settings_remove.html", context, status=422 if error else 200)


@member_required(owner=True)
@require_POST
def resend_invitation(request: HttpRequest, member_id: int) -> HttpResponse:
    membership = member_for(request, member_id)
    outcome = members.resend_invitation(membership, request.user)
    if outcome == members.Resent.SENT:
        messages.success(
            request,
            _("%(email)s krijgt een nieuwe e-mail om een wachtwoord te kiezen.")
            % {"email": membership.user.email},
        )
    elif outcome == members.Resent.LIMIT:
        messages.warning(
            request,
            _(
                "Er zijn net al een paar uitnodigingen naar %(email)s gestuurd. Probeer het over "
                "een uur opnieuw."
            )
            % {"email": membership.user.email},
        )
    else:
        messages.info(
            request,
            _("%(name)s heeft al een wachtwoord gekozen en kan inloggen.")
            % {"name": membership.user},
        )
    return redirect("practice:settings")


urlpatterns = [
    path("praktijk/", settings_page, name="settings"),
    path("praktijk/gegevens/", edit_details, name="settings_details"),
    path("praktijk/logo/", logo, name="settings_logo"),
    path("praktijk/leden/", add_member, name="member_add"),
    path("praktijk/leden/<int:member_id>/", change_member, name="member_change"),
    path("praktijk/leden/<int:member_id>/verwijderen/", remove_member, name="member_remove"),
    path(
        "praktijk/leden/<int:member_id>/uitnodiging/",
        resend_invitation,
        name="member_resend",
    ),
]
