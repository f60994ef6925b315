"""Learn's part of the authorization matrix (lijfwijs/core/tests/test_authz_matrix.py): the pages
where a practice writes its articles and the cover images. (The knowledge base's list and article
pages have their rows in the matrix itself.)

The workspace is for writers: the practice's owner (P+ of "Praktijk Matrix"; P-other in their own
practice) and practitioners the owner allowed (`build` allows p_none); p_revoked (not allowed), the assistant,
clients and staff get 403; anonymous visitors are sent to sign in. `build` makes a draft of
Praktijk Matrix with a cover image (P+ wrote it): its writers reach it, P-other gets 404, and its
image is shown to its writers only (404 for everyone else, as for any draft). The {} POSTs pass no
validation (422); restoring revision 1 leads back to the article (302). Hiding a shipped article is
the owner's (each for their own practice: 302). Nothing here shows a client's data: no access-log
rows.
"""

from typing import Any

#         anon  A    B   P+   P-   Px staff asst P-other
WRITERS = (302, 403, 403, 200, 200, 403, 403, 403, 200)
WRITERS_422 = (302, 403, 403, 422, 422, 403, 403, 403, 422)
OWN = (302, 403, 403, 200, 200, 403, 403, 403, 404)
OWN_422 = (302, 403, 403, 422, 422, 403, 403, 403, 404)
OWN_302 = (302, 403, 403, 302, 302, 403, 403, 403, 404)
UNSUPPORTED = (302, 403, 403, 405, 405, 403, 403, 403, 405)
OWNERS_302 = (302, 403, 403, 302, 403, 403, 403, 403, 302)
OWNERS_UNSUPPORTED = (302, 403, 403, 405, 403, 403, 403, 403, 405)
DRAFT_IMAGE = (404, 404, 404, 200, 200, 404, 404, 404, 404)


def routes() -> dict[str, Any]:
    from lijfwijs.core.tests.test_authz_matrix import Route

    cover = {
        "kennisbank/beeld/<int:pk>/<int:width>.<str:fmt>": Route(
            "/kennisbank/beeld/{article_draft}/480.webp", {"GET": DRAFT_IMAGE}
        ),
    }
    return {
        **_kb_routes(),
        **cover,
        "praktijk/artikelen/": Route(
            "/praktijk/artikelen/", {"GET": WRITERS}, unsupported=UNSUPPORTED, login=True
        ),
        "praktijk/artikelen/nieuw/": Route(
            "/praktijk/artikelen/nieuw/",
            {"GET": WRITERS, "POST": WRITERS_422},
            unsupported=UNSUPPORTED,
            login=True,
        ),
        "praktijk/artikelen/voorbeeld/": Route(
            "/praktijk/artikelen/voorbeeld/",
            {"POST": WRITERS},
            unsupported=UNSUPPORTED,
            login=True,
        ),
        "praktijk/artikelen/<int:article_id>/": Route(
            "/praktijk/artikelen/{article_draft}/",
            {"GET": OWN, "POST": OWN_422},
            unsupported=UNSUPPORTED,
            login=True,
        ),
        "praktijk/artikelen/<int:article_id>/versies/": Route(
            "/praktijk/artikelen/{article_draft}/versies/",
            {"GET": OWN},
            unsupported=UNSUPPORTED,
            login=True,
        ),
        "praktijk/artikelen/<int:article_id>/versies/<int:number>/terugzetten/": Route(
            "/praktijk/artikelen/{article_draft}/versies/1/terugzetten/",
            {"POST": OWN_302},
            unsupported=UNSUPPORTED,
            login=True,
        ),
        "praktijk/artikelen/meegeleverd/<int:article_id>/zichtbaarheid/": Route(
            "/praktijk/artikelen/meegeleverd/{article_shipped}/zichtbaarheid/",
            {"POST": OWNERS_302},
            unsupported=OWNERS_UNSUPPORTED,
            login=True,
        ),
    }


def build(users: dict[str, Any], practice: Any) -> dict[str, str]:
    from io import BytesIO

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from lijfwijs.accounts.models import Membership
    from lijfwijs.learn import services
    from lijfwijs.learn.models import Article
    from lijfwijs.practice import members

    writer = Membership.objects.get(user=users["p_none"])
    members.change_member(writer, role=writer.role, may_write_articles=True)
    image = BytesIO()
    Image.new("RGB", (600, 300), (90, 140, 120)).save(image, format="PNG")
    cover = services.check_cover(SimpleUploadedFile("omslag.png", image.getvalue()))
    draft = services.save_article(
        practice,
        users["p_consent"],
        None,
        {
            "category": "basics",
            "title_nl": "Matrixartikel",
            "title_en": "",
            "summary_nl": "Een concept.",
            "summary_en": "",
            "body_nl": "Tekst van het **concept**.",
            "body_en": "",
            "sources": [],
        },
        action=services.Action.DRAFT,
        cover=cover,
        cover_alt_nl="Een groen vlak",
    )
    shipped = Article.objects.filter(practice=None).order_by("slug").first()
    assert shipped is not None
    return {"article_draft": str(draft.pk), "article_shipped": str(shipped.pk)}


# --- kb: the knowledge base's feeds and the sitemap: public, read-only, the same for everyone ---
def _kb_routes() -> dict[str, Any]:
    from lijfwijs.core.tests.test_authz_matrix import Route, every

    return {
        "kennisbank/rss.xml": Route("/kennisbank/rss.xml", {"GET": every(200)}),
        "kennisbank/atom.xml": Route("/kennisbank/atom.xml", {"GET": every(200)}),
        "sitemap.xml": Route("/sitemap.xml", {"GET": every(200)}),
    }
