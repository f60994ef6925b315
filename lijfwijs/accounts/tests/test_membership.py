"""A person's place in a practice: in their export, and a practice keeps an owner when its owner leaves."""

import pytest

from lijfwijs.accounts import services
from lijfwijs.accounts.exporting import export_user
from lijfwijs.accounts.models import Membership
from lijfwijs.accounts.tests.helpers import make_practitioner

pytestmark = pytest.mark.django_db


def test_the_export_names_the_practice_and_the_role(pieter):
    membership = export_user(pieter)["account"]["membership"]
    assert membership["practice"] == "Fysio De Brug" and membership["role"] == "owner"
    assert membership["silence_days"] == 7 and membership["alert_digest"] is True


def test_a_client_export_has_no_membership(anna):
    assert export_user(anna)["account"]["membership"] is None


def test_when_the_last_owner_deletes_their_account_the_longest_standing_practitioner_owns_it(
    pieter,
):
    first = make_practitioner("eerste@example.org")  # joins "Fysio De Brug" after pieter
    make_practitioner("assistent@example.org", member_role=Membership.Role.ASSISTANT)
    make_practitioner("tweede@example.org")
    practice = pieter.practice
    services.delete_account(pieter)
    owners = Membership.objects.filter(practice=practice, role=Membership.Role.OWNER)
    assert [m.user_id for m in owners] == [first.pk]


def test_another_owner_stays_the_only_owner(pieter):
    other = make_practitioner("mede@example.org", member_role=Membership.Role.OWNER)
    colleague = make_practitioner("collega@example.org")
    services.delete_account(pieter)
    assert Membership.objects.get(user=other).role == Membership.Role.OWNER
    assert Membership.objects.get(user=colleague).role == Membership.Role.PRACTITIONER
