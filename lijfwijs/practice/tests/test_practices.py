"""Practices: their details, logo and members, managed by the owner, through HTTP; and many
practices in one installation, none seeing anything of another.

Pieter owns "Fysio De Brug" with Kees (practitioner) and Sanne (assistant); Rita owns "Praktijk
Elders". Anna is a client who gave Pieter access.
"""

import re
from io import BytesIO

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from PIL import Image

from lijfwijs.accounts.models import Membership, Practice, User
from lijfwijs.accounts.services import join_practice
from lijfwijs.accounts.tests.helpers import (
    PASSWORD,
    give_access,
    log_in,
    make_practitioner,
    signed_in_browser,
)
from lijfwijs.practice import members

pytestmark = pytest.mark.django_db

PAGE = "/praktijk/praktijk/"
DETAILS = "/praktijk/praktijk/gegevens/"
LOGO = "/praktijk/praktijk/logo/"
ADD = "/praktijk/praktijk/leden/"


def change_url(membership: Membership) -> str:
    return f"/praktijk/praktijk/leden/{membership.pk}/"


def remove_url(membership: Membership) -> str:
    return f"/praktijk/praktijk/leden/{membership.pk}/verwijderen/"


def resend_url(membership: Membership) -> str:
    return f"/praktijk/praktijk/leden/{membership.pk}/uitnodiging/"


def membership(user: User) -> Membership:
    return Membership.objects.get(user=user)


def make_assistant(email: str, practice_name: str = "Fysio De Brug") -> User:
    user = User.objects.create_user(
        email, PASSWORD, role=User.Role.ASSISTANT, display_name=email.split("@")[0].title()
    )
    join_practice(user, Practice.objects.get(name=practice_name), Membership.Role.ASSISTANT)
    return user


def field_errors(html: str, field_id: str) -> str:
    """The error text shown next to one field (the block before its input)."""
    match = re.search(rf'<div id="{field_id}_error">(.*?)</div>', html, re.S)
    return re.sub(r"<[^>]+>", "", match.group(1)) if match else ""


def image_bytes(fmt: str, size: tuple[int, int] = (40, 20), **save: object) -> bytes:
    out = BytesIO()
    Image.new("RGB", size, (10, 120, 90)).save(out, format=fmt, **save)
    return out.getvalue()


def upload(name: str, data: bytes) -> BytesIO:
    file = BytesIO(data)
    file.name = name
    return file


def details(**overrides: object) -> dict[str, object]:
    return {
        "name": "Fysio De Brug",
        "address": "Brugstraat 4\n3511 AB Utrecht",
        "phone": "030 765 43 21",
        "email": "info@debrug.example",
        "website": "www.debrug.example",
        "kvk_number": "1234 5678",
        "agb_code": "04.00.12.34",
        "time_zone": "Europe/Amsterdam",
        **overrides,
    }


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


@pytest.fixture
def kees(pieter) -> User:
    return make_practitioner("kees@example.org", display_name="Kees")


@pytest.fixture
def sanne(pieter) -> User:
    return make_assistant("sanne@example.org")


@pytest.fixture
def owner(pieter) -> Client:
    return signed_in_browser(pieter)


# --- who sees the practice's page ----------------------------------------------------------


def test_every_member_sees_the_details_and_the_members(pieter, kees, sanne, rita):
    Practice.objects.filter(name="Fysio De Brug").update(
        address="Brugstraat 4\n3511 AB Utrecht", kvk_number="12345678"
    )
    for user in (pieter, kees, sanne):
        response = signed_in_browser(user).get(PAGE)
        assert response.status_code == 200, user
        html = response.content.decode()
        assert "<h1>Fysio De Brug</h1>" in html
        assert "Brugstraat 4<br>3511 AB Utrecht" in html and "12345678" in html
        for member in (pieter, kees, sanne):
            assert member.email in html
        assert "Rita" not in html and rita.email not in html  # another practice's member
        if user == pieter:
            assert f'action="{ADD}"' in html and f'href="{DETAILS}"' in html
        else:  # read only
            assert 'action="/praktijk/praktijk/' not in html and DETAILS not in html
            assert "Alleen een eigenaar" in html


def test_people_outside_any_practice_get_nothing(pieter, anna, anna_browser):
    staff = User.objects.create_user(
        "beheer@example.org", PASSWORD, role=User.Role.STAFF, is_staff=True
    )
    loner = User.objects.create_user("los@example.org", PASSWORD, role=User.Role.PRACTITIONER)
    for browser in (anna_browser, signed_in_browser(staff), signed_in_browser(loner)):
        for url in (PAGE, DETAILS, LOGO):
            assert browser.get(url).status_code == 403, url
        assert (
            browser.post(ADD, {"email": "x@example.org", "role": "practitioner"}).status_code == 403
        )
    anonymous = Client().get(PAGE)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/account/inloggen/")


def test_only_owners_change_anything(pieter, kees, sanne):
    target = membership(kees)
    for user in (kees, sanne):
        browser = signed_in_browser(user)
        assert browser.get(DETAILS).status_code == 403
        assert browser.post(DETAILS, details(name="Overgenomen")).status_code == 403
        assert (
            browser.post(ADD, {"email": "nieuw@example.org", "role": "assistant"}).status_code
            == 403
        )
        assert browser.post(change_url(target), {f"m{target.pk}-role": "owner"}).status_code == 403
        assert browser.get(remove_url(target)).status_code == 403
        assert browser.post(remove_url(target)).status_code == 403
        assert browser.post(resend_url(target)).status_code == 403
    assert Practice.objects.get().name == "Fysio De Brug"
    assert membership(kees).role == Membership.Role.PRACTITIONER
    assert not User.objects.filter(email="nieuw@example.org").exists()


def test_the_page_reads_the_same_number_of_queries_for_any_number_of_members(
    pieter, owner, django_assert_max_num_queries
):
    owner.get(PAGE)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        assert owner.get(PAGE).status_code == 200
    for n in range(8):
        make_practitioner(f"collega{n}@example.org")
        make_assistant(f"assistent{n}@example.org")
    with django_assert_max_num_queries(len(few)):
        html = owner.get(PAGE).content.decode()
    assert html.count('class="card stack" id="member-') == 17


# --- the details ---------------------------------------------------------------------------


def test_the_owner_edits_the_details(pieter, owner):
    assert owner.get(DETAILS).status_code == 200
    response = owner.post(DETAILS, details(time_zone="Europe/Brussels"))
    assert response.status_code == 302 and response["Location"] == PAGE
    practice = Practice.objects.get()
    assert practice.kvk_number == "12345678" and practice.agb_code == "04001234"  # digits only
    assert practice.website == "https://www.debrug.example"
    assert practice.time_zone == "Europe/Brussels"
    assert practice.address == "Brugstraat 4\n3511 AB Utrecht"
    assert "De gegevens van de praktijk zijn opgeslagen." in owner.get(PAGE).content.decode()


@pytest.mark.parametrize(
    "field,value,message",
    [
        ("kvk_number", "1234567", "Vul 8 cijfers in"),
        ("agb_code", "AGB123456", "Vul 8 cijfers in"),
        ("time_zone", "Mars/Olympus", "Selecteer een geldige keuze"),
        ("email", "geen-adres", "geldig e-mailadres"),
        ("website", "http://", "geldige URL"),
        ("name", "", "verplicht"),
    ],
)
def test_a_rejected_details_form_keeps_what_was_typed(pieter, owner, field, value, message):
    response = owner.post(DETAILS, details(**{field: value, "phone": "030 999"}))
    assert response.status_code == 422
    html = response.content.decode()
    assert message in field_errors(html, f"id_{field}")
    assert 'value="030 999"' in html  # the rest as typed
    assert Practice.objects.get().phone == ""


def test_the_owner_is_told_when_the_details_are_the_installations_public_ones(pieter, owner):
    page = owner.get(PAGE).content.decode()
    assert "Deze gegevens staan ook op de openbare pagina" in page  # the only practice
    assert "Vul in elk geval het adres en een e-mailadres in" in page
    owner.post(DETAILS, details())
    assert "Vul in elk geval" not in owner.get(PAGE).content.decode()
    assert "Brugstraat 4" in Client().get("/contact/").content.decode()
    make_practitioner("rita@example.org", practice_name="Praktijk Elders")
    assert "openbare pagina" not in owner.get(PAGE).content.decode()  # two practices now


def test_the_time_zone_is_a_choice_of_real_zones(pieter, owner):
    html = owner.get(DETAILS).content.decode()
    select = html[html.index('name="time_zone"') :].split("</select>")[0]
    assert '<option value="Europe/Amsterdam" selected>' in select
    assert '<option value="America/Curacao"' in select


# --- the logo ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "fmt,content_type", [("PNG", "image/png"), ("JPEG", "image/jpeg"), ("WEBP", "image/webp")]
)
def test_a_logo_is_kept_and_served_to_members(pieter, kees, owner, media, fmt, content_type):
    data = image_bytes(fmt)
    response = owner.post(DETAILS, {**details(), "logo_upload": upload("logo.bin", data)})
    assert response.status_code == 302
    practice = Practice.objects.get()
    assert practice.logo.name.startswith("practice-logos/")
    assert (media / practice.logo.name).exists()  # under MEDIA_ROOT, not the working directory
    for browser in (owner, signed_in_browser(kees)):
        served = browser.get(LOGO)
        assert served.status_code == 200 and served["Content-Type"] == content_type
        assert served["X-Content-Type-Options"] == "nosniff"
        body = b"".join(served.streaming_content)
        assert Image.open(BytesIO(body)).format == fmt
    assert f'src="{LOGO}"' in owner.get(PAGE).content.decode()


def test_a_logo_loses_its_metadata(pieter, owner, media):
    exif = Image.Exif()
    exif[0x010E] = "Thuisadres Kerkstraat 1"  # ImageDescription
    data = image_bytes("JPEG", exif=exif.tobytes())
    assert b"Kerkstraat" in data
    assert (
        owner.post(DETAILS, {**details(), "logo_upload": upload("l.jpg", data)}).status_code == 302
    )
    kept = (media / Practice.objects.get().logo.name).read_bytes()
    assert b"Kerkstraat" not in kept


@pytest.mark.parametrize(
    "name,data,message",
    [
        (
            "logo.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "geen afbeelding",
        ),
        ("logo.gif", image_bytes("GIF"), "PNG-, JPEG- of WebP"),
        ("logo.png", b"\x89PNG\r\n\x1a\n" + b"kapot" * 20, "geen afbeelding"),
        ("logo.png", image_bytes("PNG", (4001, 10)), "4000 pixels"),
        ("logo.png", b"\x00" * (members.LOGO_MAX_BYTES + 1), "1 MB"),
    ],
)
def test_a_wrong_logo_is_refused(pieter, owner, media, name, data, message):
    response = owner.post(DETAILS, {**details(phone="030 999"), "logo_upload": upload(name, data)})
    assert response.status_code == 422
    assert message in field_errors(response.content.decode(), "id_logo_upload")
    practice = Practice.objects.get()
    assert not practice.logo and practice.phone == ""
    assert not list(media.rglob("*.*"))


def test_a_new_logo_replaces_the_old_one_and_it_can_be_removed(
    pieter, owner, media, django_capture_on_commit_callbacks
):
    owner.post(DETAILS, {**details(), "logo_upload": upload("a.png", image_bytes("PNG"))})
    first = Practice.objects.get().logo.name
    with django_capture_on_commit_callbacks(execute=True):  # the old file goes after the commit
        owner.post(DETAILS, {**details(), "logo_upload": upload("b.webp", image_bytes("WEBP"))})
    second = Practice.objects.get().logo.name
    assert second != first and second.endswith(".webp")
    assert not (media / first).exists() and (media / second).exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = owner.post(DETAILS, {**details(), "remove_logo": "on"})
    assert response.status_code == 302
    assert not Practice.objects.get().logo and not (media / second).exists()
    assert owner.get(LOGO).status_code == 404


def test_each_member_gets_their_own_practices_logo_only(pieter, rita, owner, media):
    owner.post(DETAILS, {**details(), "logo_upload": upload("a.png", image_bytes("PNG"))})
    assert signed_in_browser(rita).get(LOGO).status_code == 404  # Elders has none


# --- members -------------------------------------------------------------------------------


def test_the_owner_adds_a_new_person_who_chooses_a_password(
    pieter, owner, outbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = owner.post(
            ADD, {"email": "Nieuw@Example.org", "display_name": "Noor", "role": "assistant"}
        )
    assert response.status_code == 302 and response["Location"] == PAGE
    noor = User.objects.get(email="nieuw@example.org")
    assert noor.role == User.Role.ASSISTANT and not noor.has_usable_password()
    assert membership(noor).role == Membership.Role.ASSISTANT
    assert membership(noor).practice.name == "Fysio De Brug"
    page = owner.get(PAGE).content.decode()
    assert "nieuw@example.org is toegevoegd" in page
    assert "Uitgenodigd: heeft nog geen wachtwoord gekozen." in page

    [email] = outbox
    assert email.to == ["nieuw@example.org"]
    assert email.subject == "Je bent toegevoegd aan Fysio De Brug op Lijfwijs"
    assert "Pieter heeft je toegevoegd aan Fysio De Brug op Lijfwijs, als assistent." in email.body
    link = re.search(r"http://[^\s]+/wachtwoord-herstellen/[^\s]+/", email.body).group(0)

    browser = Client()
    form_page = browser.get(link.split("127.0.0.1:8000", 1)[1], follow=True)
    assert form_page.status_code == 200 and 'name="new_password1"' in form_page.content.decode()
    done = browser.post(
        form_page.redirect_chain[-1][0],
        {
            "new_password1": "een nieuw lang wachtwoord",
            "new_password2": "een nieuw lang wachtwoord",
        },
    )
    assert done.status_code == 302
    log_in(Client(), "nieuw@example.org", "een nieuw lang wachtwoord")
    assert "Uitgenodigd" not in owner.get(PAGE).content.decode()


@pytest.mark.parametrize("who", ["client", "other_practice", "colleague", "staff"])
def test_someone_who_cannot_join_is_refused_next_to_the_email(
    pieter, rita, kees, anna, owner, outbox, who, django_capture_on_commit_callbacks
):
    email = {
        "client": anna.email,
        "other_practice": rita.email,
        "colleague": kees.email,
        "staff": User.objects.create_user("beheer@example.org", role=User.Role.STAFF).email,
    }[who]
    with django_capture_on_commit_callbacks(execute=True):
        response = owner.post(
            ADD, {"email": email.upper(), "display_name": "X", "role": "assistant"}
        )
    assert response.status_code == 422
    html = response.content.decode()
    message = field_errors(html, "id_email")
    if who == "colleague":
        assert message == "Deze persoon is al lid van jullie praktijk."
    else:  # one message: what kind of account it is stays the account's own business
        assert message == (
            "Dit e-mailadres kan geen lid van jullie praktijk worden: het hoort al bij een ander "
            "account in Lijfwijs. Iemand werkt in één praktijk tegelijk, en een cliëntaccount kan "
            "geen lid worden. Gebruik een ander e-mailadres voor het werk."
        )
    assert f'value="{email.upper()}"' in html  # as typed
    assert '<option value="assistant" selected>' in html
    # nothing changed: the client stays a client, Rita stays in her practice
    assert User.objects.get(pk=anna.pk).role == User.Role.CLIENT
    assert membership(rita).practice.name == "Praktijk Elders"
    assert membership(kees).role == Membership.Role.PRACTITIONER
    assert not Membership.objects.filter(user__email=email).exclude(user__in=[rita, kees]).exists()
    assert not outbox


def test_a_practitioner_without_a_practice_joins_and_is_told(
    pieter, owner, outbox, django_capture_on_commit_callbacks
):
    loner = User.objects.create_user(
        "los@example.org", PASSWORD, role=User.Role.PRACTITIONER, display_name="Lot"
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = owner.post(ADD, {"email": "los@example.org", "role": "practitioner"})
    assert response.status_code == 302
    assert membership(loner).practice.name == "Fysio De Brug"
    [email] = outbox
    assert "als behandelaar" in email.body and "wachtwoord-herstellen" not in email.body


def test_an_empty_add_form_is_422(pieter, owner):
    response = owner.post(ADD, {})
    assert response.status_code == 422
    assert "verplicht" in field_errors(response.content.decode(), "id_email")


def test_the_owner_changes_a_role_and_the_right_to_write_articles(pieter, kees, anna, owner):
    give_access(anna, kees)
    kees_browser = signed_in_browser(kees)
    assert kees_browser.get(f"/praktijk/clienten/{anna.pk}/").status_code == 200
    m = membership(kees)
    response = owner.post(
        change_url(m), {f"m{m.pk}-role": "assistant", f"m{m.pk}-may_write_articles": "on"}
    )
    assert response.status_code == 302
    m.refresh_from_db()
    assert m.role == Membership.Role.ASSISTANT and m.may_write_articles
    assert User.objects.get(pk=kees.pk).role == User.Role.ASSISTANT
    # an assistant sees no client data, from the next request on
    assert kees_browser.get(f"/praktijk/clienten/{anna.pk}/").status_code == 403
    assert kees_browser.get(PAGE).status_code == 200

    owner.post(change_url(m), {f"m{m.pk}-role": "owner"})
    m.refresh_from_db()
    assert m.role == Membership.Role.OWNER and not m.may_write_articles
    assert User.objects.get(pk=kees.pk).role == User.Role.PRACTITIONER
    assert kees_browser.get(DETAILS).status_code == 200  # a second owner


def test_a_rejected_role_form_is_shown_next_to_that_member(pieter, kees, owner):
    m = membership(kees)
    response = owner.post(change_url(m), {f"m{m.pk}-role": "baas"})
    assert response.status_code == 422
    html = response.content.decode()
    assert "Selecteer een geldige keuze" in field_errors(html, f"id_m{m.pk}-role")
    assert membership(kees).role == Membership.Role.PRACTITIONER


def test_a_practice_always_keeps_an_owner(pieter, kees, owner):
    mine = membership(pieter)
    response = owner.post(change_url(mine), {f"m{mine.pk}-role": "practitioner"})
    assert response.status_code == 422
    assert "altijd een eigenaar" in field_errors(response.content.decode(), f"id_m{mine.pk}-role")
    asked = owner.get(remove_url(mine)).content.decode()
    assert "altijd een eigenaar" in asked and "Ja, verlaat de praktijk" not in asked
    assert remove_url(mine) not in owner.get(PAGE).content.decode()  # no way out offered
    response = owner.post(remove_url(mine))
    assert response.status_code == 422 and "altijd een eigenaar" in response.content.decode()
    assert membership(pieter).role == Membership.Role.OWNER

    # with a second owner, the first may step down
    kees_m = membership(kees)
    owner.post(change_url(kees_m), {f"m{kees_m.pk}-role": "owner"})
    assert owner.post(change_url(mine), {f"m{mine.pk}-role": "practitioner"}).status_code == 302
    assert owner.get(DETAILS).status_code == 403
    # and now Kees is the last owner
    with pytest.raises(members.MemberError):
        members.remove_member(membership(kees))
    with pytest.raises(members.MemberError):
        members.change_member(membership(kees), role="assistant", may_write_articles=False)
    assert membership(kees).role == Membership.Role.OWNER


def test_the_owner_removes_a_member_after_being_asked(pieter, kees, anna, owner):
    give_access(anna, kees)
    m = membership(kees)
    page = owner.get(remove_url(m))
    assert page.status_code == 200 and "Kees uit de praktijk halen" in page.content.decode()
    assert owner.post(remove_url(m)).status_code == 302
    assert not Membership.objects.filter(user=kees).exists()
    assert User.objects.filter(pk=kees.pk).exists()  # the account stays
    kees_browser = signed_in_browser(kees)
    assert kees_browser.get(PAGE).status_code == 403
    assert kees.email not in owner.get(PAGE).content.decode()
    # a second click finds nothing to remove
    assert owner.post(remove_url(m)).status_code == 404


def test_an_owner_may_leave_when_another_owner_stays(pieter, kees, owner):
    join_practice(kees, Practice.objects.get(), Membership.Role.OWNER)
    response = owner.post(remove_url(membership(pieter)))
    assert response.status_code == 302 and response["Location"] == "/"
    assert not Membership.objects.filter(user=pieter).exists()


def test_an_invitation_is_sent_again_while_no_password_was_chosen(
    pieter, kees, owner, outbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        owner.post(ADD, {"email": "nieuw@example.org", "role": "practitioner"})
        new = membership(User.objects.get(email="nieuw@example.org"))
        assert owner.post(resend_url(new)).status_code == 302
    assert len(outbox) == 2 and outbox[1].to == ["nieuw@example.org"]
    # Kees chose his password long ago: nothing to send
    with django_capture_on_commit_callbacks(execute=True):
        assert owner.post(resend_url(membership(kees))).status_code == 302
    assert len(outbox) == 2
    assert "heeft al een wachtwoord gekozen" in owner.get(PAGE).content.decode()


def test_invitations_to_one_address_are_limited(
    pieter, owner, outbox, settings, django_capture_on_commit_callbacks
):
    settings.ACCOUNT_EMAIL_LIMIT_PER_RECIPIENT = 2
    with django_capture_on_commit_callbacks(execute=True):
        owner.post(ADD, {"email": "nieuw@example.org", "role": "practitioner"})
        new = membership(User.objects.get(email="nieuw@example.org"))
        for _n in range(4):
            assert owner.post(resend_url(new)).status_code == 302
    assert len(outbox) == 3  # the first email and two resends
    assert "Probeer het over een uur opnieuw." in owner.get(PAGE).content.decode()


# --- many practices in one installation ----------------------------------------------------


def test_another_practices_owner_reaches_no_member_of_this_one(pieter, kees, rita):
    rita_browser = signed_in_browser(rita)
    target = membership(kees)
    assert (
        rita_browser.post(change_url(target), {f"m{target.pk}-role": "assistant"}).status_code
        == 404
    )
    assert rita_browser.get(remove_url(target)).status_code == 404
    assert rita_browser.post(remove_url(target)).status_code == 404
    assert rita_browser.post(resend_url(target)).status_code == 404
    html = rita_browser.get(PAGE).content.decode()
    assert "Praktijk Elders" in html and "Fysio De Brug" not in html
    assert kees.email not in html and pieter.email not in html
    assert membership(kees).role == Membership.Role.PRACTITIONER


def _workspace_routes() -> list[tuple[str, list[str]]]:
    """Every address of the workspace and the practice API: (route, its parameters)."""
    found = []

    def walk(patterns: list, prefix: str) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                route = prefix + str(p.pattern)
                if route.startswith(("praktijk/", "api/v1/practice")):
                    found.append((route, list(p.pattern.converters)))

    walk(get_resolver().url_patterns, "")
    return found


def test_a_practitioner_of_another_practice_sees_nothing_of_this_ones_clients(pieter, rita, anna):
    """Anna gave Pieter access, has an alert, a note and an assignment from him. Rita, of another
    practice, gets none of it at any workspace address that names Anna or one of those."""
    from lijfwijs.practice.models import Alert, Assignment, ClientNote

    give_access(anna, pieter)
    practice = Practice.objects.get(name="Fysio De Brug")
    alert = Alert.objects.create(
        client=anna, practitioner=pieter, kind=Alert.Kind.SILENCE, cause="silence:test"
    )
    note = ClientNote.objects.create(
        client=anna, author=pieter, author_name="Pieter", practice=practice, body="Geheim"
    )
    assignment = Assignment.objects.create(
        client=anna,
        practitioner=pieter,
        practitioner_name="Pieter",
        kind=Assignment.Kind.STEP,
        step=2,
        starts_on="2026-12-01",
        message="Voor Anna",
    )
    ids = {
        "client_id": anna.pk,
        "alert_id": alert.pk,
        "note_id": note.pk,
        "assignment_id": assignment.pk,
    }
    pieter_browser, rita_browser = signed_in_browser(pieter), signed_in_browser(rita)
    checked = 0
    for route, params in _workspace_routes():
        if not params or not set(params) <= set(ids):
            continue
        url = "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(ids[m.group(1)]), route)
        # Pieter reaches it (or it is a form without a body): the address is a real one
        assert pieter_browser.get(url).status_code in (200, 302, 405, 422), url
        for method in ("get", "post"):
            if method == "post" and url.startswith("/api/"):
                response = rita_browser.post(url, b"{}", content_type="application/json")
            else:
                response = getattr(rita_browser, method)(url)
            assert response.status_code in (404, 405), (
                f"{method.upper()} {url}: {response.status_code}"
            )
            body = response.content.decode() if not response.streaming else ""
            assert "Anna" not in body and anna.email not in body and "Geheim" not in body
        checked += 1
    assert checked >= 3  # at least the client page, its program and the alert
    assert Alert.objects.get(pk=alert.pk).acknowledged_at is None


def test_each_practice_lists_only_its_own_clients(pieter, rita, anna, bram):
    give_access(anna, pieter)
    give_access(bram, rita)
    pieter_list = signed_in_browser(pieter).get("/praktijk/").content.decode()
    rita_list = signed_in_browser(rita).get("/praktijk/").content.decode()
    assert "Anna" in pieter_list and "Bram" not in pieter_list
    assert "Bram" in rita_list and "Anna" not in rita_list


# --- the assistant -------------------------------------------------------------------------


def test_an_assistant_sees_no_client_data(pieter, sanne, anna):
    give_access(anna, pieter)
    browser = signed_in_browser(sanne)
    assert browser.get("/praktijk/").status_code == 403
    assert browser.get(f"/praktijk/clienten/{anna.pk}/").status_code == 403
    assert browser.get(PAGE).status_code == 200


# --- the demo practice ---------------------------------------------------------------------


def test_the_demo_practice_has_its_details_an_owner_and_an_assistant():
    from django.core.management import call_command

    call_command("load_demo", force=True, verbosity=0)
    call_command("load_demo", force=True, verbosity=0)  # idempotent
    practice = Practice.objects.get()
    assert practice.name == "Praktijk Rugwijs"
    assert re.fullmatch(r"\d{8}", practice.kvk_number)
    assert re.fullmatch(r"\d{8}", practice.agb_code)
    assert practice.address and practice.email and practice.website
    practice.full_clean()  # every detail valid as the owner's form would take it
    roles = dict(Membership.objects.filter(practice=practice).values_list("user__email", "role"))
    assert roles == {
        "behandelaar@demo.lijfwijs.local": Membership.Role.OWNER,
        "assistent@demo.lijfwijs.local": Membership.Role.ASSISTANT,
    }
    assistant = User.objects.get(email="assistent@demo.lijfwijs.local")
    assert assistant.role == User.Role.ASSISTANT
    # signs in like the demo practitioner: the password, then a recovery code
    from lijfwijs.practice.management.commands.load_demo import PASSWORD as DEMO_PASSWORD
    from lijfwijs.practice.management.commands.load_demo import RECOVERY

    browser = Client()
    log_in(browser, assistant.email, DEMO_PASSWORD)
    assert browser.post("/account/tweestaps/", {"code": RECOVERY[0]}).status_code == 302
    page = browser.get(PAGE)
    assert page.status_code == 200 and "behandelaar@demo.lijfwijs.local" in page.content.decode()
    assert browser.get("/praktijk/").status_code == 403  # no client data


def test_an_assistant_starts_on_a_page_that_leads_to_the_practice(pieter, sanne, anna):
    give_access(anna, pieter)
    html = signed_in_browser(sanne).get("/").content.decode()
    assert "Fysio De Brug" in html and f'href="{PAGE}"' in html
    assert 'href="/praktijk/uitnodigingen/"' in html  # they read the invitations too
    assert "Anna" not in html and 'href="/praktijk/"' not in html


# --- at the same moment (real parallel connections on PostgreSQL with DATABASE_URL) ----------


def at_once(*calls):
    """Run the calls in threads released together; each one's result or the error it raised."""
    import threading

    from django.db import connections

    barrier = threading.Barrier(len(calls))
    outcomes: list = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(10)
            outcomes[index] = call()
        except Exception as exc:  # noqa: BLE001 - the outcome under test
            outcomes[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_two_owners_stepping_down_at_once_leave_one_owner(monkeypatch):
    import time

    counted = members.owners_left

    def slow_count(*args, **kwargs):  # both have counted before either writes, unless locked
        found = counted(*args, **kwargs)
        time.sleep(0.3)
        return found

    monkeypatch.setattr(members, "owners_left", slow_count)
    pieter = make_practitioner("pieter-race@example.org", practice_name="Praktijk Race")
    kees = make_practitioner("kees-race@example.org", practice_name="Praktijk Race")
    members.change_member(membership(kees), role="owner", may_write_articles=False)

    def step_down(user):
        return lambda: members.change_member(
            Membership.objects.get(user=user), role="practitioner", may_write_articles=False
        )

    outcomes = at_once(step_down(pieter), step_down(kees))
    refused = [o for o in outcomes if isinstance(o, members.MemberError)]
    assert len(refused) == 1, outcomes
    assert Membership.objects.filter(role=Membership.Role.OWNER).count() == 1


@pytest.mark.django_db(transaction=True)
def test_one_address_added_by_two_practices_at_once_joins_one(monkeypatch):
    monkeypatch.setattr(members, "send_email", lambda *args, **kwargs: None)
    owners = [
        make_practitioner(f"eigenaar{n}@example.org", practice_name=f"Praktijk {n}")
        for n in range(2)
    ]

    def add(owner):
        return lambda: members.add_member(
            owner.practice,
            email="gewild@example.org",
            role="practitioner",
            display_name="",
            by=owner,
        )

    outcomes = at_once(*(add(owner) for owner in owners))
    assert sum(isinstance(o, Membership) for o in outcomes) == 1, outcomes
    assert sum(isinstance(o, members.MemberError) for o in outcomes) == 1, outcomes
    assert User.objects.filter(email="gewild@example.org").count() == 1
    assert Membership.objects.filter(user__email="gewild@example.org").count() == 1


def test_a_practitioners_start_page_leads_to_the_practice(kees):
    html = signed_in_browser(kees).get("/").content.decode()
    assert f'href="{PAGE}"' in html and 'href="/praktijk/"' in html
