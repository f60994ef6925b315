"""A practitioner writes, previews, schedules and publishes an article with an image, on a phone.

Pieter, owner of Fysio De Brug, signs in with his password and second factor, opens the articles
(none of his practice's yet), starts one and types it; the live preview follows (the <script> he
types stays text). Without leaving the page he asks for the server's preview, adds a photo with
its description, and plans the article for the day after tomorrow: it is "ingepland" and not yet
in the knowledge base. When its time has come (the test moves it to a minute ago), the cron
command marks it published; the knowledge base lists it and its page shows the photo in WebP and
JPEG at three widths, described; the feed and the sitemap name it. Every page fits the phone (390 px) and axe-core finds nothing
serious or critical on it.
"""

import datetime
from io import BytesIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from e2e.conftest import PHONE
from e2e.helpers import check, click_to, signed_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "een rustige rug begint bij ademen"  # noqa: S105 - a test account
TITLE = "Rustig weer gaan wandelen"


@pytest.fixture
def pieter(content, settings, tmp_path):
    from lijfwijs.accounts.models import Membership, Practice, User
    from lijfwijs.accounts.services import join_practice

    settings.MEDIA_ROOT = str(tmp_path / "media")
    user = User.objects.create_user(
        "pieter@praktijk.example", PASSWORD, role=User.Role.PRACTITIONER, display_name="Pieter"
    )
    practice = Practice.objects.create(name="Fysio De Brug", time_zone="Europe/Amsterdam")
    join_practice(user, practice, Membership.Role.OWNER)
    return user


def photo() -> bytes:
    out = BytesIO()
    Image.new("RGB", (1800, 1000), (70, 120, 90)).save(out, format="JPEG")
    return out.getvalue()


def test_a_practitioner_writes_previews_schedules_and_publishes_an_article(open_tab, pieter):
    from lijfwijs.learn.models import Article, Status

    tab = open_tab(PHONE)
    signed_in(tab, pieter)
    page = tab.page
    assert page.goto(tab.url("/praktijk/artikelen/")).status == 200
    expect(page.get_by_role("heading", level=1)).to_have_text("Artikelen")
    expect(page.locator(".empty-state")).to_be_visible()
    check(page, "the articles, none of the practice's yet")

    click_to(page, page.get_by_role("link", name="Nieuw artikel"))
    page.get_by_label("Titel", exact=True).fill(TITLE)
    page.get_by_label("Samenvatting", exact=True).fill("Kleine stappen, zonder haast.")
    page.get_by_label("Onderwerp").select_option("movement")
    body = page.get_by_label("Tekst", exact=True)
    body.fill("## Begin klein\n\nLoop **vijf minuten** per dag.\n\n<script>alert(1)</script>")
    preview = page.locator("[data-markdown-preview]")
    expect(preview.locator("strong")).to_have_text("vijf minuten")  # the live preview followed
    expect(preview).to_contain_text("<script>alert(1)</script>")  # shown as text
    expect(preview.locator("script")).to_have_count(0)
    page.get_by_label("Bronnen (niet verplicht)").fill(
        "Moseley (2015). Pijn uitgelegd. | https://voorbeeld.nl/bron"
    )
    check(page, "a new article with its live preview")

    click_to(page, page.get_by_role("button", name="Voorbeeld", exact=True))
    expect(page.locator("[data-markdown-preview] h2")).to_have_text("Begin klein")
    expect(page.get_by_label("Titel", exact=True)).to_have_value(TITLE)  # nothing lost
    assert not Article.objects.filter(practice__isnull=False).exists()

    page.get_by_label("Afbeelding (niet verplicht)").set_input_files(
        {"name": "wandelen.jpg", "mimeType": "image/jpeg", "buffer": photo()}
    )
    page.get_by_label("Beschrijving van de afbeelding", exact=True).fill(
        "Een bospad in de ochtendzon"
    )
    when = timezone.localtime(timezone.now() + datetime.timedelta(days=2))
    page.get_by_label("Publiceren op (alleen bij inplannen)").fill(when.strftime("%Y-%m-%dT%H:%M"))
    click_to(page, page.get_by_role("button", name="Plan in"))
    article = Article.objects.get(practice__isnull=False)
    assert article.status == Status.SCHEDULED and article.cover_widths == [480, 960, 1440]
    expect(page.locator(".messages")).to_contain_text("Het artikel is ingepland.")
    expect(page.locator("picture img")).to_have_attribute("alt", "Een bospad in de ochtendzon")
    check(page, "the scheduled article with its image")
    assert TITLE not in page.context.request.get(tab.url("/kennisbank/")).text()

    # its time comes; cron's command marks it published
    Article.objects.filter(pk=article.pk).update(
        published_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    call_command("publish_scheduled_articles", verbosity=0)
    article.refresh_from_db()
    assert article.status == Status.PUBLISHED

    assert page.goto(tab.url("/kennisbank/")).status == 200
    link = page.get_by_role("link", name=TITLE)
    expect(link).to_be_visible()
    check(page, "the knowledge base with the practice's article")
    click_to(page, link)
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    image = page.locator("picture img")
    expect(image).to_have_attribute("alt", "Een bospad in de ochtendzon")
    # the cover loads (it may still be on its way when the heading shows: wait for it)
    page.wait_for_function(
        "() => { const img = document.querySelector('picture img');"
        " return img.complete && img.naturalWidth > 0; }"
    )
    expect(page.locator("picture source[type='image/webp']")).to_have_attribute(
        "srcset",
        f"/kennisbank/beeld/{article.pk}/480.webp 480w, "
        f"/kennisbank/beeld/{article.pk}/960.webp 960w, "
        f"/kennisbank/beeld/{article.pk}/1440.webp 1440w",
    )
    expect(page.locator(".article-body script")).to_have_count(0)
    expect(page.locator(".article-body")).to_contain_text("<script>alert(1)</script>")
    check(page, "the published article")

    # and in the feed and the sitemap (learn/feeds.py, learn/sitemaps.py)
    assert TITLE in page.context.request.get(tab.url("/kennisbank/rss.xml")).text()
    sitemap = page.context.request.get(tab.url("/sitemap.xml")).text()
    assert f"/kennisbank/{article.slug}/" in sitemap
