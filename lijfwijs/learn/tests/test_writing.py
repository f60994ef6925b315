"""Articles a practice writes: the workspace, who may use it, revisions, scheduling, cover images,
harmless Markdown, and hiding a shipped article (with the report's fallback)."""

import datetime
import random
from io import BytesIO

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from freezegun import freeze_time
from PIL import Image

from lijfwijs.accounts.models import Membership, Practice
from lijfwijs.accounts.tests.helpers import make_practitioner, signed_in_browser
from lijfwijs.learn import services
from lijfwijs.learn.models import Article, ArticleRevision, HiddenArticle, Status
from lijfwijs.practice import members

from .conftest import image_bytes

# the workspace's URLs until the root URLconf includes them (see tests/urls.py)
pytestmark = pytest.mark.django_db

NEW = "/praktijk/artikelen/"
BODY = (
    "## Waarom dit werkt\n\nJe zenuwstelsel leert van **veilige** ervaringen.\n\n- rust\n- beweging"
)


def form(**overrides):
    data = {
        "title_nl": "Rustig beginnen met bewegen",
        "summary_nl": "Kleine stappen die je zenuwstelsel geruststellen.",
        "category": "movement",
        "body_nl": BODY,
        "sources": "Moseley (2015). Pijn uitgelegd. | https://voorbeeld.nl/bron\nEen boek zonder link",
        "cover_alt_nl": "",
        "action": "draft",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def allow(user, may=True):
    membership = Membership.objects.get(user=user)
    members.change_member(membership, role=membership.role, may_write_articles=may)


@pytest.fixture
def writer(lotte):
    allow(lotte)
    return lotte


@pytest.fixture
def writer_browser(writer):
    return signed_in_browser(writer)


def edit_url(article):
    return f"/praktijk/artikelen/{article.pk}/"


# --- writing, previewing, scheduling, publishing -------------------------------------------------


def test_a_practitioner_writes_previews_schedules_and_the_command_publishes(writer_browser):
    page = writer_browser.get(f"{NEW}nieuw/")
    assert page.status_code == 200
    assert "private" in page["Cache-Control"] and "no-store" in page["Cache-Control"]
    assert 'data-preview-url="/praktijk/artikelen/voorbeeld/"' in page.content.decode()

    # preview (without JavaScript): the text rendered under the form, nothing kept
    preview = writer_browser.post(f"{NEW}nieuw/", form(action="preview"))
    assert preview.status_code == 200 and "<h2>Waarom dit werkt</h2>" in preview.content.decode()
    assert not Article.objects.exists() or not Article.objects.filter(practice__isnull=False)
    # the live preview
    live = writer_browser.post(f"{NEW}voorbeeld/", {"source": "**vet** <script>x</script>"})
    assert live.content.decode() == "<p><strong>vet</strong> &lt;script&gt;x&lt;/script&gt;</p>"

    # save as draft: only the practice sees it
    saved = writer_browser.post(f"{NEW}nieuw/", form())
    article = Article.objects.get(practice__isnull=False)
    assert saved.status_code == 302 and saved["Location"] == edit_url(article)
    assert article.status == Status.DRAFT and article.slug == "rustig-beginnen-met-bewegen"
    assert article.sources == [
        {"text": "Moseley (2015). Pijn uitgelegd.", "url": "https://voorbeeld.nl/bron"},
        {"text": "Een boek zonder link", "url": ""},
    ]
    assert article.reading_minutes == 1 and article.author.email == "lotte@example.org"
    assert Client().get(article.get_absolute_url()).status_code == 404
    assert article.slug not in Client().get("/kennisbank/").content.decode()

    # schedule: visible from its time on, whether or not the command ran
    when = timezone.localtime(timezone.now(), datetime.UTC) + datetime.timedelta(days=2)
    local = timezone.localtime(when, timezone.get_default_timezone()).replace(tzinfo=None)
    moment = local.strftime("%Y-%m-%dT%H:%M")
    scheduled = writer_browser.post(edit_url(article), form(action="schedule", publish_at=moment))
    assert scheduled.status_code == 302
    article.refresh_from_db()
    assert article.status == Status.SCHEDULED
    assert Client().get(article.get_absolute_url()).status_code == 404
    call_command("publish_scheduled_articles", verbosity=0)
    article.refresh_from_db()
    assert article.status == Status.SCHEDULED  # not yet due
    with freeze_time(article.published_at + datetime.timedelta(minutes=1)):
        assert Client().get(article.get_absolute_url()).status_code == 200
        assert article.get_absolute_url() in Client().get("/kennisbank/").content.decode()
        call_command("publish_scheduled_articles", verbosity=0)
        call_command("publish_scheduled_articles", verbosity=0)  # idempotent
        assert services.publish_due() == 0
    article.refresh_from_db()
    assert article.status == Status.PUBLISHED

    # unpublish and publish now
    writer_browser.post(edit_url(article), form(action="unpublish"))
    article.refresh_from_db()
    assert article.status == Status.DRAFT
    assert Client().get(article.get_absolute_url()).status_code == 404
    writer_browser.post(edit_url(article), form(action="publish"))
    article.refresh_from_db()
    assert article.status == Status.PUBLISHED and article.published_at <= timezone.now()
    page = Client().get(article.get_absolute_url()).content.decode()
    assert "<h2>Waarom dit werkt</h2>" in page and "https://voorbeeld.nl/bron" in page
    assert "Geschreven door Fysio De Brug" in page
    english = Client().get(f"/en{article.get_absolute_url()}").content.decode()
    assert "Rustig beginnen met bewegen" in english  # no English text: the Dutch one


def test_revisions_record_who_and_when_and_restoring_makes_a_new_one(writer, writer_browser):
    writer_browser.post(f"{NEW}nieuw/", form())
    article = Article.objects.get(practice__isnull=False)
    writer_browser.post(edit_url(article), form(title_nl="Nieuwe titel", body_nl="Andere tekst."))
    writer_browser.post(edit_url(article), form(title_nl="Nieuwe titel", body_nl="Andere tekst."))
    revisions = list(ArticleRevision.objects.filter(article=article).order_by("number"))
    assert [r.number for r in revisions] == [1, 2]  # saving the same texts adds none
    assert revisions[0].title_nl == "Rustig beginnen met bewegen" and revisions[0].author == writer
    page = writer_browser.get(f"{edit_url(article)}versies/").content.decode()
    assert "Zet versie 1 terug" in page and "lotte@example.org" in page

    restored = writer_browser.post(f"{edit_url(article)}versies/1/terugzetten/")
    assert restored.status_code == 302
    article.refresh_from_db()
    assert article.title_nl == "Rustig beginnen met bewegen" and article.body_nl == BODY
    last = ArticleRevision.objects.filter(article=article).order_by("-number").first()
    assert last.number == 3 and last.body_nl == BODY
    assert writer_browser.post(f"{edit_url(article)}versies/9/terugzetten/").status_code == 404


def test_scheduling_needs_a_future_moment_shown_next_to_the_field(writer, writer_browser):
    practice = writer.membership.practice
    practice.time_zone = "America/New_York"  # the year 9999 there is 10000 in UTC
    practice.save(update_fields=["time_zone"])
    page = writer_browser.post(
        f"{NEW}nieuw/", form(action="schedule", publish_at="9999-12-31T23:59")
    )
    assert page.status_code == 422 and "Vul een datum en tijd in" in page.content.decode()
    # the time typed is the practice's wall clock
    saved = writer_browser.post(
        f"{NEW}nieuw/", form(action="schedule", publish_at="2030-06-01T09:00")
    )
    assert saved.status_code == 302
    article = Article.objects.get(practice=practice)
    assert article.published_at == datetime.datetime(2030, 6, 1, 13, 0, tzinfo=datetime.UTC)
    article.delete()
    for value, message in [
        ("", "Kies wanneer het artikel verschijnt."),
        ("2020-01-01T09:00", "Kies een moment in de toekomst."),
        ("morgen", "Vul een datum en tijd in"),
        ("0001-01-01T00:00", "Vul een datum en tijd in"),  # a year nobody means (core.dates)
    ]:
        page = writer_browser.post(f"{NEW}nieuw/", form(action="schedule", publish_at=value))
        html = page.content.decode()
        assert page.status_code == 422 and message in html
        assert 'value="Rustig beginnen met bewegen"' in html  # what was typed stays
    assert not Article.objects.filter(practice__isnull=False).exists()


# --- who may --------------------------------------------------------------------------------------


@pytest.fixture
def pieters_article(pieter):
    return services.save_article(
        pieter.membership.practice,
        pieter,
        None,
        {
            "category": "sleep",
            "title_nl": "Slapen met pijn",
            "title_en": "",
            "summary_nl": "Over slaap.",
            "summary_en": "",
            "body_nl": "Tekst.",
            "body_en": "",
            "sources": [],
        },
        action=services.Action.DRAFT,
    )


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("owner", 200),
        ("practitioner allowed", 200),
        ("practitioner not allowed", 403),
        ("assistant even if allowed", 403),
        ("client", 403),
        ("other practice's owner", 404),
        ("visitor", 302),
    ],
)
def test_who_may_open_the_workspace(
    who, expected, pieters_article, pieter, lotte, assistant, anna, rita
):
    user = {
        "owner": pieter,
        "practitioner allowed": lotte,
        "practitioner not allowed": lotte,
        "assistant even if allowed": assistant,
        "client": anna,
        "other practice's owner": rita,
        "visitor": None,
    }[who]
    if who in ("practitioner allowed", "assistant even if allowed"):
        allow(user)
    browser = signed_in_browser(user) if user else Client()
    edit = browser.get(edit_url(pieters_article))
    assert edit.status_code == expected
    posted = browser.post(edit_url(pieters_article), form(title_nl="Overgenomen"))
    assert posted.status_code == (302 if expected in (200, 302) else expected)
    pieters_article.refresh_from_db()
    assert (pieters_article.title_nl == "Overgenomen") == (expected == 200)
    if who == "other practice's owner":  # their own workspace works, without Pieter's article
        page = browser.get(NEW)
        assert page.status_code == 200 and "Slapen met pijn" not in page.content.decode()


def test_the_owner_grants_the_permission_on_the_members_page(pieter_browser, lotte):
    membership = Membership.objects.get(user=lotte)
    lotte_browser = signed_in_browser(lotte)
    assert lotte_browser.get(NEW).status_code == 403
    response = pieter_browser.post(
        f"/praktijk/praktijk/leden/{membership.pk}/",
        {f"m{membership.pk}-role": "practitioner", f"m{membership.pk}-may_write_articles": "on"},
    )
    assert response.status_code in (302, 303), response.status_code
    assert lotte_browser.get(NEW).status_code == 200


# --- cover images ---------------------------------------------------------------------------------


def upload(data, name="foto.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"dit is geen plaatje", "Dit bestand is geen afbeelding die we kunnen openen."),
        (image_bytes("GIF", (50, 50)), "Kies een JPEG-, PNG- of WebP-afbeelding."),
        (image_bytes("PNG", (9000, 10)), "hoogstens 8000 pixels"),
        (b"x" * (services.COVER_MAX_BYTES + 1), "De afbeelding mag hoogstens 8 MB zijn."),
    ],
    ids=["text", "gif", "too wide", "too big"],
)
def test_a_bad_image_is_refused_next_to_the_field(writer_browser, data, message):
    page = writer_browser.post(
        f"{NEW}nieuw/", {**form(cover_alt_nl="Een foto"), "cover_upload": upload(data)}
    )
    html = page.content.decode()
    assert page.status_code == 422
    assert f'id="id_cover_upload_error"><p class="field-error">{message}' in html.replace(
        "\n", ""
    ) or (message in html and "id_cover_upload_error" in html)
    assert not Article.objects.filter(practice__isnull=False).exists()


def test_an_image_needs_its_description_then_is_made_in_three_widths_without_exif(
    writer_browser,
):
    photo = image_bytes("JPEG", (2000, 1000), exif=True)
    page = writer_browser.post(f"{NEW}nieuw/", {**form(), "cover_upload": upload(photo)})
    assert page.status_code == 422
    assert "Beschrijf de afbeelding, voor wie haar niet kan zien." in page.content.decode()

    saved = writer_browser.post(
        f"{NEW}nieuw/",
        {**form(cover_alt_nl="Iemand wandelt in het bos"), "cover_upload": upload(photo)},
    )
    assert saved.status_code == 302
    article = Article.objects.get(practice__isnull=False)
    assert article.cover_widths == [480, 960, 1440]
    for width in (480, 960, 1440):
        for ext, fmt in (("webp", "WEBP"), ("jpg", "JPEG")):
            with default_storage.open(f"{article.cover}-{width}.{ext}") as handle:
                image = Image.open(BytesIO(handle.read()))
                assert image.format == fmt and image.width == width
                assert not image.getexif()

    cover = f"/kennisbank/beeld/{article.pk}/960.webp"
    # a draft's image: its writers only
    assert Client().get(cover).status_code == 404
    assert writer_browser.get(cover).status_code == 200
    writer_browser.post(edit_url(article), form(action="publish", cover_alt_nl="Bos"))
    public = Client().get(cover)
    assert public.status_code == 200 and public["Content-Type"] == "image/webp"
    assert "public" in public["Cache-Control"]
    page = Client().get(article.get_absolute_url()).content.decode()
    assert "<picture" in page and 'alt="Bos"' in page and "480w" in page and "1440w" in page
    assert Client().get(f"/kennisbank/beeld/{article.pk}/777.webp").status_code == 404
    assert Client().get(f"/kennisbank/beeld/{article.pk}/960.gif").status_code == 404

    # a small image is not blown up; removing it removes the files after the commit
    old = article.cover
    with pytest.MonkeyPatch.context():
        writer_browser.post(
            edit_url(article),
            {**form(cover_alt_nl="Klein"), "cover_upload": upload(image_bytes("PNG", (300, 200)))},
        )
    article.refresh_from_db()
    assert article.cover_widths == [300] and article.cover != old
    writer_browser.post(edit_url(article), form(remove_cover="on"))
    article.refresh_from_db()
    assert article.cover == "" and article.cover_alt_nl == ""


def test_the_image_files_go_with_the_article(writer, django_capture_on_commit_callbacks):
    cover = services.check_cover(upload(image_bytes("PNG", (500, 300))))
    with django_capture_on_commit_callbacks(execute=True):
        article = services.save_article(
            writer.membership.practice,
            writer,
            None,
            {
                **{k: "" for k in services.REVISED_FIELDS},
                "category": "sleep",
                "title_nl": "Met beeld",
                "summary_nl": "Kort.",
                "body_nl": "Tekst.",
                "sources": [],
            },  # fmt: skip
            action=services.Action.DRAFT,
            cover=cover,
            cover_alt_nl="Een vlak",
        )
    names = [f"{article.cover}-480.{ext}" for ext in ("webp", "jpg")]
    assert all(default_storage.exists(name) for name in names)
    with django_capture_on_commit_callbacks(execute=True):
        article.delete()
    assert not any(default_storage.exists(name) for name in names)


# --- harmless Markdown ------------------------------------------------------------------------------


def test_script_and_javascript_links_are_stored_as_written_and_shown_harmless(writer_browser):
    body = "Hallo <script>alert('x')</script>\n\n[klik](javascript:alert(1)) <img src=x onerror=y>"
    writer_browser.post(f"{NEW}nieuw/", form(body_nl=body, action="publish"))
    article = Article.objects.get(practice__isnull=False)
    assert article.body_nl == body
    page = Client().get(article.get_absolute_url()).content.decode()
    body_html = page.split('class="article-body"', 1)[1].split("</div>", 1)[0]
    assert "<script" not in body_html and "javascript:" not in body_html
    assert "onerror" not in body_html.replace("onerror=y&gt;", "")
    assert "&lt;script&gt;" in body_html


# --- hiding a shipped article ---------------------------------------------------------------------


def test_the_owner_hides_a_shipped_article_and_reports_fall_back(pieter_browser, pieter):
    article = Article.objects.get(slug="slaap-en-pijn")
    others = list(
        Article.objects.published()
        .filter(practice=None, category=article.category)
        .exclude(pk=article.pk)
        .values_list("slug", flat=True)
    )
    assert services.article_slugs_for(["slaap-en-pijn"]) == ["slaap-en-pijn"]
    url = f"/praktijk/artikelen/meegeleverd/{article.pk}/zichtbaarheid/"
    assert (
        signed_in_browser(make_practitioner("x@example.org", member_role="practitioner"))
        .post(url, {"action": "hide"})
        .status_code
        == 403
    )
    assert pieter_browser.post(url, {"action": "hide"}).status_code == 302
    pieter_browser.post(url, {"action": "hide"})  # twice: still one
    assert HiddenArticle.objects.filter(article=article).count() == 1
    assert Client().get("/kennisbank/slaap-en-pijn/").status_code == 404
    assert "/kennisbank/slaap-en-pijn/" not in Client().get("/kennisbank/").content.decode()
    # the report links a shipped article of the same subject instead, or none
    expected = [others[0]] if others else []
    assert services.article_slugs_for(["slaap-en-pijn"])[: len(expected)] == expected
    assert "slaap-en-pijn" not in services.article_slugs_for(["slaap-en-pijn", "nergens"])
    assert "Toon" in pieter_browser.get(NEW).content.decode()

    # with a second practice, no one practice speaks for the public knowledge base
    assert "Er werken meer praktijken" not in pieter_browser.get(NEW).content.decode()
    Practice.objects.create(name="Tweede praktijk")
    assert Client().get("/kennisbank/slaap-en-pijn/").status_code == 200
    assert "Er werken meer praktijken" in pieter_browser.get(NEW).content.decode()
    Practice.objects.filter(name="Tweede praktijk").delete()
    pieter_browser.post(url, {"action": "show"})
    assert Client().get("/kennisbank/slaap-en-pijn/").status_code == 200


def test_the_report_falls_back_when_the_whole_subject_is_hidden(pieter):
    practice = pieter.membership.practice
    immune = list(Article.objects.filter(practice=None, category="immune"))
    for article in immune:
        services.hide(practice, article, pieter)
    assert services.article_slugs_for([a.slug for a in immune] + ["slaap-en-pijn"]) == [
        "slaap-en-pijn"
    ]


# --- bad input, queries -----------------------------------------------------------------------------


def test_fuzzed_forms_never_fail(writer_browser, pieters_article):
    rng = random.Random(15)
    junk = ["", " ", "\x00", "<script>", "a" * 20_000, "💥" * 500, "../../etc", "|", "2026-13-45"]
    fields = list(form()) + ["publish_at", "related", "remove_cover", "cover_alt_en"]
    for _ in range(40):
        data = {field: rng.choice(junk) for field in fields}
        data["action"] = rng.choice(["draft", "schedule", "publish", "preview", "???", ""])
        response = writer_browser.post(f"{NEW}nieuw/", data)
        assert response.status_code in (200, 302, 422)
    live = writer_browser.post(f"{NEW}voorbeeld/", {"source": "x" * 120_000})
    assert live.status_code == 200


def test_a_related_article_past_64_bits_is_not_in_the_list(writer_browser):
    page = writer_browser.post(f"{NEW}nieuw/", form(related=[str(2**64)]))
    assert page.status_code == 422
    assert "Kies artikelen uit de lijst." in page.content.decode()
    assert 'value="Rustig beginnen met bewegen"' in page.content.decode()
    assert not Article.objects.filter(title_nl="Rustig beginnen met bewegen").exists()


def test_the_workspace_list_has_a_constant_number_of_queries(
    writer, writer_browser, django_assert_max_num_queries
):
    practice = writer.membership.practice
    for n in range(30):
        services.save_article(
            practice,
            writer,
            None,
            {
                **{k: "" for k in services.REVISED_FIELDS},
                "category": "stress",
                "title_nl": f"Artikel {n}",
                "summary_nl": "Kort.",
                "body_nl": "Tekst.",
                "sources": [],
            },  # fmt: skip
            action=services.Action.PUBLISH,
        )
    with django_assert_max_num_queries(12):
        page = writer_browser.get(NEW)
    assert page.content.decode().count('href="/praktijk/artikelen/') >= 30
    with django_assert_max_num_queries(12):
        assert Client().get("/kennisbank/").status_code == 200


def test_a_report_links_a_shipped_article_on_the_same_subject_when_one_is_hidden(pieter):
    from lijfwijs.accounts.tests.helpers import take_pijntest
    from lijfwijs.assessments.models import Response

    browser = Client()
    result_id = take_pijntest(browser, peg=7)
    report = f"/pijntest/uitslag/{result_id}/"
    slugs = Response.objects.get().result["recommendations"]["articles"]
    html = browser.get(report).content.decode()
    assert all(f"/kennisbank/{slug}/" in html for slug in slugs)
    shipped = dict(Article.objects.filter(practice=None).values_list("slug", "category"))
    spare = {shipped[s]: s for s in shipped if s not in slugs}  # a category: one not recommended
    hidden_slug = next((s for s in slugs if shipped[s] in spare), slugs[0])
    services.hide(pieter.membership.practice, Article.objects.get(slug=hidden_slug), pieter)
    html = browser.get(report).content.decode()
    assert f"/kennisbank/{hidden_slug}/" not in html
    assert shipped[hidden_slug] in spare, "the shipped articles offer no stand-in"
    linked = services.article_slugs_for(slugs)
    assert len(linked) == len(slugs) and hidden_slug not in linked
    (stand_in,) = set(linked) - set(slugs)
    assert shipped[stand_in] == shipped[hidden_slug]  # the same subject
    for slug in services.article_slugs_for(slugs):
        assert f"/kennisbank/{slug}/" in html
        assert Client().get(f"/kennisbank/{slug}/").status_code == 200
    # every card says why, the one standing in for the hidden article too
    assert html.count('class="why"') >= len(slugs) - 1
    assert "</strong> </p>" not in html


def test_the_demo_practice_has_a_published_article_and_a_draft_once(pieter):
    from lijfwijs.learn import demo

    practice = pieter.membership.practice
    demo.load(practice, pieter)
    demo.load(practice, pieter)  # idempotent
    articles = {a.title_nl: a for a in Article.objects.filter(practice=practice)}
    assert len(articles) == 2
    published = articles[demo.PUBLISHED["title_nl"]]
    assert published.status == Status.PUBLISHED
    assert Client().get(published.get_absolute_url()).status_code == 200
    draft = articles[demo.DRAFT["title_nl"]]
    assert Client().get(draft.get_absolute_url()).status_code == 404
