"""Messaging's pages: the client's conversations (/berichten/…) and the practitioner's
(/praktijk/berichten/, one per client at /praktijk/clienten/<id>/berichten/).

Plain forms that post and redirect: no JavaScript needed. Opening a conversation marks the other
side's messages shown as read (the sender sees "gelezen" with the time). A practitioner's look is
one access-log row about the client; their list one row per client listed. Writes go through
`services`; who reads what is `access`'s.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import EmptyPage, Paginator
from django.db.models import F
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from lijfwijs.accounts.access import client_for
from lijfwijs.accounts.audit import log_access
from lijfwijs.accounts.models import AccessLog, PractitionerAccess
from lijfwijs.core.paging import page_number

from . import access, services
from .models import Conversation

LOG_KIND = AccessLog.Kind.MESSAGES
PER_PAGE = 25  # conversations on a list page


def _role_required(check: str) -> Callable[..., Any]:
    """Signed in (anonymous people go to sign in) with this role, or 403."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @login_required
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not getattr(request.user, check):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


client_required = _role_required("is_client")
practitioner_required = _role_required("is_practitioner")


class MessageForm(forms.Form):
    """The text of a message; the rules are `services.clean_text`'s, so the page and the API
    say the same."""

    text = forms.CharField(
        label=gettext_lazy("Je bericht"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": services.MAX_LENGTH}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["text"].validators = []  # clean_text words every problem, NUL included

    def clean_text(self) -> str:
        try:
            return services.clean_text(self.cleaned_data.get("text", ""))
        except services.MessageError as error:
            raise forms.ValidationError(error.message) from None


def _before(request: HttpRequest) -> int | None:
    """`?eerder=<message id>`: the page of messages before that one."""
    raw = request.GET.get("eerder")
    if raw is None:
        return None
    if not (raw.isascii() and raw.isdigit() and 0 < len(raw) <= 18):
        raise Http404("no such page")
    return int(raw)


def _thread(
    request: HttpRequest,
    conversation: Conversation | None,
    *,
    viewer_is_client: bool,
    is_open: bool,
    other_name: str,
    post_url: str,
    back_url: str,
    client_page: str = "",
    form: MessageForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """A conversation's page; marks the other side's messages shown as read."""
    before = _before(request) if request.method != "POST" else None
    shown, older = services.read(conversation, reader_is_client=viewer_is_client, before=before)
    for message in shown:
        message.mine = message.from_client == viewer_is_client  # type: ignore[attr-defined]
    context = {
        "conversation": conversation,
        "shown": shown,
        "older": older,
        "viewer_is_client": viewer_is_client,
        "is_open": is_open,
        "other_name": other_name,
        "post_url": post_url,
        "back_url": back_url,
        "client_page": client_page,
        "form": form or MessageForm(prefix="message"),
    }
    return render(request, "messaging/conversation.html", context, status=status)


def _send(request: HttpRequest, *, client: Any, practitioner: Any) -> tuple[MessageForm, int, Any]:
    """Send the posted message: (form, status, message); a refused one has its error next to
    the field and keeps what was typed."""
    form = MessageForm(request.POST, prefix="message")
    if not form.is_valid():
        return form, 422, None
    try:
        message = services.send(
            request.user,  # type: ignore[arg-type]
            client=client,
            practitioner=practitioner,
            text=form.cleaned_data["text"],
        )
    except services.MessageError as error:
        form.add_error("text", error.message)
        return form, error.status, None
    return form, 302, message


# --- the client's pages ---------------------------------------------------------------------


@client_required
@require_safe
def inbox(request: HttpRequest) -> HttpResponse:
    """The client's conversations, newest first, unread marked; and the practitioners they
    grant access to but have not written with yet."""
    conversations = access.with_unread(access.of_client(request.user), reader_is_client=True)
    conversations = conversations.select_related("practitioner").order_by(
        F("last_message_at").desc(nulls_last=True), "-pk"
    )
    page = _page(request, conversations)
    started = Conversation.objects.filter(client=request.user).values("practitioner_id")
    to_start = (
        PractitionerAccess.objects.active()
        .filter(client=request.user, practitioner__is_active=True)
        .exclude(practitioner_id__in=started)
        .select_related("practitioner")
        .order_by("granted_at", "pk")
    )
    context = {"page": page, "to_start": list(to_start)}
    return render(request, "messaging/inbox.html", context)


@client_required
@require_http_methods(["GET", "HEAD", "POST"])
def conversation(request: HttpRequest, conversation_id: int) -> HttpResponse:
    """One of the client's conversations: read (closed ones too), and write while it is open."""
    found = access.for_client(request, conversation_id)
    page = reverse("messaging:conversation", kwargs={"conversation_id": found.pk})
    form, status = None, 200
    if request.method == "POST":
        form, status, message = _send(request, client=request.user, practitioner=found.practitioner)
        if message is not None:
            return redirect(page + "#schrijven")
        found.is_open = status != 403 and found.is_open  # type: ignore[attr-defined]
    return _thread(
        request,
        found,
        viewer_is_client=True,
        is_open=found.is_open,  # type: ignore[attr-defined]
        other_name=found.practitioner_name,
        post_url=page,
        back_url=reverse("messaging:inbox"),
        form=form,
        status=status,
    )


@client_required
@require_http_methods(["GET", "HEAD", "POST"])
def start(request: HttpRequest, practitioner_id: int) -> HttpResponse:
    """Write a first message to a practitioner the client grants access to (once there is a
    conversation, this address leads to it)."""
    practitioner = access.granted_practitioner(request.user, practitioner_id)
    existing = Conversation.objects.filter(client=request.user, practitioner=practitioner).first()
    if existing is not None and request.method != "POST":
        return redirect("messaging:conversation", conversation_id=existing.pk)
    form, status = None, 200
    if request.method == "POST":
        form, status, message = _send(request, client=request.user, practitioner=practitioner)
        if message is not None:
            return redirect(
                reverse(
                    "messaging:conversation", kwargs={"conversation_id": message.conversation_id}
                )
                + "#schrijven"
            )
    return _thread(
        request,
        existing,
        viewer_is_client=True,
        is_open=status != 403,
        other_name=str(practitioner),
        post_url=reverse("messaging:start", kwargs={"practitioner_id": practitioner.pk}),
        back_url=reverse("messaging:inbox"),
        form=form,
        status=status,
    )


# --- the practitioner's pages ------------------------------------------------------------------


@practitioner_required
@require_safe
def practice_inbox(request: HttpRequest) -> HttpResponse:
    """The practitioner's conversations with clients who grant access now, newest first, unread
    marked. One access-log row per client listed."""
    conversations = access.with_unread(access.of_practitioner(request.user), reader_is_client=False)
    conversations = conversations.select_related("client").order_by(
        F("last_message_at").desc(nulls_last=True), "-pk"
    )
    page = _page(request, conversations)
    log_access(
        request.user,  # type: ignore[arg-type]
        [c.client_id for c in page.object_list],
        LOG_KIND,
        AccessLog.Action.LIST,
    )
    return render(request, "messaging/practice_inbox.html", {"page": page})


@practitioner_required
@require_http_methods(["GET", "HEAD", "POST"])
def client_conversation(request: HttpRequest, client_id: int) -> HttpResponse:
    """The conversation with one client who grants access now (404 otherwise, also after they
    revoked it); read, and write. One access-log row per look."""
    client = client_for(request, client_id)
    _before(request)  # a malformed page is a 404 before the look is logged
    page = reverse("messaging:client_conversation", kwargs={"client_id": client.pk})
    form, status = None, 200
    if request.method == "POST":
        form, status, message = _send(request, client=client, practitioner=request.user)
        if message is not None:
            return redirect(page + "#schrijven")
        if status == 403:  # revoked while the form was open
            raise Http404("no such client")
    found = Conversation.objects.filter(client=client, practitioner=request.user).first()
    log_access(
        request.user,  # type: ignore[arg-type]
        [client.pk],
        LOG_KIND,
        AccessLog.Action.VIEW,
        f"conversation:{found.pk}" if found else "",
    )
    return _thread(
        request,
        found,
        viewer_is_client=False,
        is_open=True,
        other_name=str(client),
        post_url=page,
        back_url=reverse("messaging:practice_inbox"),
        client_page=reverse("practice:client", kwargs={"client_id": client.pk}),
        form=form,
        status=status,
    )


def _page(request: HttpRequest, conversations: Any) -> Any:
    try:
        return Paginator(conversations, PER_PAGE, allow_empty_first_page=True).page(
            page_number(request)
        )
    except EmptyPage:
        raise Http404("no such page") from None
