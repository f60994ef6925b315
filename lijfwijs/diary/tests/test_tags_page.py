"""Own tags can be renamed and merged from the diary, and only one's own."""

import pytest
from django.test import Client

from lijfwijs.accounts.models import User
from lijfwijs.accounts.services import give_health_consent
from lijfwijs.diary import services
from lijfwijs.diary.models import CheckIn, Tag

pytestmark = pytest.mark.django_db


@pytest.fixture
def anna():
    user = User.objects.create_user("anna-tags@example.org", "a-long-password-1", role="client")
    give_health_consent(user)
    return user


def browser_for(user):
    client = Client()
    client.force_login(user, backend="lijfwijs.accounts.backends.UserBackend")
    return client


def test_rename_and_the_clash_message(anna):
    tuin = services.own_tag(anna, "tuinieren")
    services.own_tag(anna, "wandelen met hond")
    browser = browser_for(anna)
    assert (
        browser.post(
            "/dagboek/tags/", {"tag": tuin.pk, "action": "rename", "name": "Tuinwerk"}
        ).status_code
        == 302
    )
    assert Tag.objects.get(pk=tuin.pk).name_nl == "Tuinwerk"
    response = browser.post(
        "/dagboek/tags/", {"tag": tuin.pk, "action": "rename", "name": "Wandelen met hond"}
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "voeg ze samen" in html and 'value="Wandelen met hond"' in html


def test_merge_moves_the_check_ins(anna):
    tuin = services.own_tag(anna, "tuinieren")
    werkdruk = Tag.objects.get(key="werkdruk")
    checkin = CheckIn.objects.create(user=anna, day=services.local_today(anna), pain=4)
    checkin.tags.add(tuin)
    response = browser_for(anna).post(
        "/dagboek/tags/", {"tag": tuin.pk, "action": "merge", "into": werkdruk.pk}
    )
    assert response.status_code == 302
    assert list(checkin.tags.all()) == [werkdruk]
    assert not Tag.objects.filter(pk=tuin.pk).exists()


def test_someone_elses_tag_is_404(anna):
    tuin = services.own_tag(anna, "tuinieren")
    bram = User.objects.create_user("bram-tags@example.org", "a-long-password-2", role="client")
    response = browser_for(bram).post(
        "/dagboek/tags/", {"tag": tuin.pk, "action": "rename", "name": "van mij"}
    )
    assert response.status_code == 404
    assert Tag.objects.get(pk=tuin.pk).name_nl == "tuinieren"
    assert "tuinieren" not in browser_for(bram).get("/dagboek/tags/").content.decode()
