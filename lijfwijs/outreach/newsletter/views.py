"""The newsletter's pages.

Visitors: the sign-up page and its POST (which the footer's and the panels' short forms also post
to, without a CSRF token: those pages are shared between visitors, and a forged sign-up only
sends a confirmation email), the page after it (the same for every outcome), the confirmation
link (a page with one button; the POST confirms), the preferences page and the unsubscribe page
(a page with one button; any POST to the address unsubscribes, the RFC 8058 one-click included).
Tokens in the address are the key; a wrong one is a 404 like any other.

Signed in: `/account/nieuwsbrief/`. The practice's members: `/praktijk/nieuwsbrief/…`.
"""

import re
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from lijfwijs.accounts.access import member_required
from lijfwijs.core.i18n import current_language
from lijfwijs.core.paging import page_number
from lijfwijs.core.ratelimit import client_address, hit

from . import services
from .forms import (
    AccountSignUpForm,
    ListForm,
    PreferencesForm,
    SearchForm,
    SignUpForm,
    source_of,
)
from .models import NewsletterList, Subscriber

TOKEN = re.compile(r"[A-Za-z0-9_-]{20,64}")
CAMPAIGN = re.compile(r"[0-9]{1,12}")
SIGNUPS_PER_ADDRESS = 10  # sign-ups per client address per hour
PER_PAGE = 25


def _subscriber(field: str, token: str) -> Subscriber:
    found = services.by_token(field, token) if TOKEN.fullmatch(token) else None
    if found is None:
        raise Http404("no such subscriber")
    return found


# --- signing up ----------------------------------------------------------------------------------


def _posted(request: HttpRequest) -> QueryDict:
    """The sign-up's fields: a short form's (`newsletter_email`, …: names no other form on a page
    uses) under the page's own names."""
    if "newsletter_email" not in request.POST:
        return request.POST
    data = QueryDict(mutable=True)
    for name in ("email", "source", "website"):
        data[name] = request.POST.get(f"newsletter_{name}", "")
    return data


@csrf_exempt  # shared pages' forms post here without a token; see the module's docstring
@never_cache
@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    """The sign-up page (GET), and every sign-up form's POST."""
    practice = services.public_practice()
    if practice is None:
        return render(request, "newsletter/none.html")
    services.default_lists(practice)  # (made on first use)
    lists = services.lists_of(practice)
    data = _posted(request)
    full = request.method == "GET" or source_of(data.get("source")) == "page"
    if request.method == "GET":
        general = lists.filter(kind=NewsletterList.Kind.GENERAL, is_default=True)
        form = SignUpForm(lists=lists, initial={"lists": list(general), "source": "page"})
        return render(request, "newsletter/signup.html", {"form": form, "practice": practice})
    form = SignUpForm(data, lists=lists if full else None)
    if not form.is_valid():
        if not full:  # a short form's error is shown on the full page, with what was typed
            form = _on_the_page(form, data, practice, lists)
        return render(
            request, "newsletter/signup.html", {"form": form, "practice": practice}, status=422
        )
    if not hit("newsletter-from", client_address(request), SIGNUPS_PER_ADDRESS, services.HOUR):
        form = _on_the_page(form, data, practice, lists)
        form.add_error(
            None,
            _(
                "Er zijn vanaf deze verbinding in korte tijd veel aanmeldingen gedaan. Probeer het "
                "over een uur opnieuw."
            ),
        )
        return render(
            request, "newsletter/signup.html", {"form": form, "practice": practice}, status=429
        )
    cleaned = form.cleaned_data
    if not cleaned["website"]:  # the honeypot is empty: a person
        chosen = cleaned.get("lists")
        services.sign_up(
            practice,
            cleaned["email"],
            name=cleaned["name"],
            language=current_language(),
            source=cleaned["source"],
            list_ids=[nl.pk for nl in chosen] if chosen is not None else None,
        )
    return redirect("newsletter_check_email")


def _on_the_page(form: SignUpForm, data: QueryDict, practice: Any, lists: Any) -> SignUpForm:
    """The sign-up page's form with what was sent: from a short form, its lists are its source's
    default lists (checked, to change), and its errors only what was wrong there."""
    if "lists" not in form.fields:
        source = source_of(data.get("source"))
        data = data.copy()
        data["source"] = Subscriber.Source.PAGE
        defaults = services.default_lists(practice)
        data.setlist("lists", [str(defaults[kind].pk) for kind in services.SOURCE_KINDS[source]])
    form = SignUpForm(data, lists=lists)
    form.is_valid()
    return form


@require_safe
def check_email(request: HttpRequest) -> HttpResponse:
    """After every sign-up, whatever happened: the same page."""
    return render(request, "newsletter/check_email.html", {"valid_days": services.CONFIRM_DAYS})


@csrf_exempt  # the token in the address is the key, which a forged request cannot know
@never_cache
@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The confirmation link: a page with one button (a mail scanner's GET confirms nothing);
    the POST subscribes, also from a mail app's browser that keeps no cookies. A used, expired
    or unknown link: one page saying so (404)."""
    if not TOKEN.fullmatch(token):
        return render(request, "newsletter/link_used.html", status=404)
    if request.method == "POST":
        subscriber = services.confirm(token)
        if subscriber is None:
            return render(request, "newsletter/link_used.html", status=404)
        return render(request, "newsletter/confirmed.html", {"subscriber": subscriber})
    subscriber = services.pending_for(token)
    if subscriber is None:
        return render(request, "newsletter/link_used.html", status=404)
    return render(request, "newsletter/confirm.html", {"subscriber": subscriber})


# --- preferences and leaving -----------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest, token: str) -> HttpResponse:
    """Lists, language and name, by the token in every email; no sign-in needed."""
    subscriber = _subscriber("preferences_token", token)
    lists = services.lists_of(subscriber.practice_id)
    status = 200
    if request.method == "POST" and request.POST.get("again") == "1":
        # subscribing again after leaving: a new confirmation, as for anyone
        services.sign_up(
            subscriber.practice,
            subscriber.email,
            name=subscriber.name,
            language=subscriber.language,
            source=Subscriber.Source.PAGE,
            list_ids=list(subscriber.lists.values_list("pk", flat=True)) or None,
        )
        return redirect("newsletter_check_email")
    if request.method == "POST":
        form = PreferencesForm(request.POST, lists=lists)
        if form.is_valid():
            services.save_preferences(
                subscriber,
                list_ids=[nl.pk for nl in form.cleaned_data["lists"]],
                language=form.cleaned_data["language"],
                name=form.cleaned_data["name"],
            )
            messages.success(request, _("Je voorkeuren zijn opgeslagen."))
            return redirect("newsletter_preferences", token=token)
        status = 422
    else:
        form = PreferencesForm(
            lists=lists,
            initial={
                "name": subscriber.name,
                "language": subscriber.language,
                "lists": list(subscriber.lists.all()),
            },
        )
    return render(
        request,
        "newsletter/preferences.html",
        {"subscriber": subscriber, "form": form, "token": token},
        status=status,
    )


@csrf_exempt  # RFC 8058: the mail client POSTs without cookies or token; the token is the key
@never_cache
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET: who is leaving and one button (mail scanners open links; they must not unsubscribe
    anyone). POST (the button, or `List-Unsubscribe=One-Click` from the mail client): unsubscribed
    from every list, with `?campaign=<id>` recorded when the campaign's email was the way out."""
    subscriber = _subscriber("unsubscribe_token", token)
    if request.method == "POST":
        raw = request.GET.get("campaign", "")
        campaign_id = int(raw) if CAMPAIGN.fullmatch(raw) else None
        services.unsubscribe(subscriber, campaign_id=campaign_id)
        subscriber.refresh_from_db()
        return render(request, "newsletter/unsubscribed.html", {"subscriber": subscriber})
    return render(
        request,
        "newsletter/unsubscribe.html",
        {"subscriber": subscriber, "action": request.get_full_path()},
    )


# --- a signed-in person ---------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def account(request: HttpRequest) -> HttpResponse:
    """A signed-in person subscribes with their account's address (at once when it is verified,
    else with a confirmation link), or goes to their preferences."""
    practice = services.public_practice()
    if practice is None:
        return render(request, "newsletter/none.html")
    services.default_lists(practice)
    lists = services.lists_of(practice)
    subscriber = Subscriber.objects.filter(
        practice=practice, email=services.normalise(request.user.email)
    ).first()
    status = 200
    if request.method == "POST":
        form = AccountSignUpForm(request.POST, lists=lists)
        if form.is_valid():
            outcome = services.sign_up(
                practice,
                request.user.email,
                name=request.user.display_name,
                language=request.user.language,
                source=Subscriber.Source.ACCOUNT,
                list_ids=[nl.pk for nl in form.cleaned_data["lists"]],
                verified=request.user.email_verified_at is not None,
            )
            if outcome is services.SignUp.SUBSCRIBED:
                messages.success(request, _("Je bent aangemeld voor de nieuwsbrief."))
            else:
                messages.info(
                    request,
                    _("We hebben je een e-mail gestuurd. Bevestig daarin je aanmelding."),
                )
            return redirect("newsletter_account")
        status = 422
    else:
        chosen = list(subscriber.lists.all()) if subscriber else []
        general = [nl for nl in lists if nl.is_default and nl.kind == NewsletterList.Kind.GENERAL]
        form = AccountSignUpForm(lists=lists, initial={"lists": chosen or general})
    return render(
        request,
        "newsletter/account.html",
        {"form": form, "practice": practice, "subscriber": subscriber},
        status=status,
    )


# --- the practice's side ----------------------------------------------------------------------


def _list_for(request: HttpRequest, list_id: int) -> NewsletterList:
    """One list of the member's own practice, or 404."""
    return get_object_or_404(NewsletterList, pk=list_id, practice_id=request.membership.practice_id)


@member_required
@require_http_methods(["GET", "POST"])
def manage(request: HttpRequest) -> HttpResponse:
    """The practice's lists with their numbers, the counts per status, and a new list (POST)."""
    practice = request.membership.practice
    services.default_lists(practice)
    status = 200
    form = ListForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if form.is_valid():
            made = services.save_list(
                practice,
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
            )
            if made is not None:
                messages.success(request, _("De lijst is aangemaakt."))
                return redirect("newsletter_manage")
            form.add_error("name", _("Er is al een lijst met deze naam."))
        status = 422
    return render(
        request,
        "newsletter/manage.html",
        {
            "practice": practice,
            "rows": services.list_rows(practice),
            "counts": services.status_counts(practice),
            "statuses": Subscriber.Status,
            "form": form,
        },
        status=status,
    )


@member_required
@require_http_methods(["GET", "POST"])
def edit_list(request: HttpRequest, list_id: int) -> HttpResponse:
    newsletter_list = _list_for(request, list_id)
    status = 200
    if request.method == "POST":
        form = ListForm(request.POST)
        if form.is_valid():
            saved = services.save_list(
                newsletter_list.practice_id,
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
                existing=newsletter_list,
            )
            if saved is not None:
                messages.success(request, _("De lijst is opgeslagen."))
                return redirect("newsletter_manage")
            form.add_error("name", _("Er is al een lijst met deze naam."))
        status = 422
    else:
        form = ListForm(
            initial={"name": newsletter_list.name, "description": newsletter_list.description}
        )
    members = newsletter_list.subscriptions.count()
    return render(
        request,
        "newsletter/list_form.html",
        {"form": form, "newsletter_list": newsletter_list, "members": members},
        status=status,
    )


@member_required
@require_POST
def delete_list(request: HttpRequest, list_id: int) -> HttpResponse:
    newsletter_list = _list_for(request, list_id)
    if services.delete_list(newsletter_list):
        messages.success(request, _("De lijst is verwijderd."))
    else:
        messages.error(
            request,
            _("Deze lijst kan niet weg: er staan abonnees op, of het is een standaardlijst."),
        )
    return redirect("newsletter_manage")


@member_required
@require_safe
def subscribers(request: HttpRequest) -> HttpResponse:
    """The practice's subscribers, searchable by address or name and by status, a page at a time."""
    practice_id = request.membership.practice_id
    form = SearchForm(request.GET)
    found = Subscriber.objects.filter(practice_id=practice_id)
    if form.is_valid():
        q = form.cleaned_data["q"].strip()
        if q:
            found = found.filter(Q(email__icontains=q) | Q(name__icontains=q))
        if form.cleaned_data["status"]:
            found = found.filter(status=form.cleaned_data["status"])
    paginator = Paginator(found.order_by("email", "pk").prefetch_related("lists"), PER_PAGE)
    number = page_number(request)
    if number > paginator.num_pages:
        raise Http404("no such page")
    page = paginator.page(number)
    query = request.GET.copy()
    query.pop("pagina", None)
    return render(
        request,
        "newsletter/subscribers.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


@member_required
@require_POST
def remove_subscriber(request: HttpRequest, subscriber_id: int) -> HttpResponse:
    subscriber = get_object_or_404(
        Subscriber, pk=subscriber_id, practice_id=request.membership.practice_id
    )
    services.remove_subscriber(subscriber)
    messages.success(request, _("%(email)s is verwijderd.") % {"email": subscriber.email})
    return redirect(reverse("newsletter_subscribers"))
