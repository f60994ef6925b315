"""The diary list and the check-in form in English through HTTP: an empty diary says what to do,
each row's date leads to its edit page, only the person's own check-ins are listed."""

import re
from datetime import timedelta

import pytest
from django.test import Client

from lijfwijs.accounts.models import User
from lijfwijs.accounts.services import give_health_consent
from lijfwijs.diary import services
from lijfwijs.diary.models import CheckIn

pytestmark = pytest.mark.django_db


def person(email: str) -> tuple[User, Client]:
    user = User.objects.create_user(email, "a-long-password-1", role="client")
    give_health_consent(user)
    client = Client()
    client.force_login(user, backend="lijfwijs.accounts.backends.UserBackend")
    return user, client


def test_an_empty_diary_leads_to_the_first_check_in():
    _user, client = person("leeg@example.org")
    html = client.get("/dagboek/").content.decode()
    assert 'class="empty-state"' in html and "<table" not in html
    assert re.search(r'<a class="button" href="/dagboek/nieuw/">Eerste check-in</a>', html)


def test_each_row_links_to_its_edit_page_and_only_own_check_ins_show():
    user, client = person("eigen@example.org")
    other, other_client = person("ander@example.org")
    day = services.local_today(user).isoformat()
    for who, pain in ((client, "3"), (other_client, "9")):
        assert (
            who.post("/dagboek/nieuw/", {"pain": pain, "day": day, "time": "08:15"}).status_code
            == 302
        )
    mine = CheckIn.objects.get(user=user)
    html = client.get("/dagboek/").content.decode()
    rows = re.findall(r"<tr><td class=\"diary-when\">(.*?)</tr>", html, re.S)
    assert len(rows) == 1
    assert f'href="/dagboek/{mine.pk}/"' in rows[0] and "08:15" in rows[0]
    assert '<span class="visually-hidden"> Bewerken</span>' in rows[0]
    assert '<span class="pain-value">3</span>' in rows[0]
    assert 'role="region"' in html and 'tabindex="0"' in html  # the table scrolls by itself
    theirs = CheckIn.objects.get(user=other)
    assert str(theirs.pk) not in html
    assert client.get(f"/dagboek/{theirs.pk}/").status_code == 404


def test_the_check_in_form_in_english():
    user, client = person("engels@example.org")
    html = client.get("/en/dagboek/nieuw/").content.decode()
    assert 'lang="en"' in html
    select = re.search(r'<select name="day" id="id_day">(.*?)</select>', html, re.S).group(1)
    labels = re.findall(r">([^<]+)</option>", select)
    third = services.local_today(user) - timedelta(days=2)
    assert labels[:2] == ["Today", "Yesterday"]
    assert labels[2] == f"{third:%a} {third.day} {third:%b}"  # "Mon 30 Nov"
    assert "Same as yesterday" not in html  # nothing yesterday
    assert "Fill in more" in html or "Meer invullen" in html  # the English file merges later
