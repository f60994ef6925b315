"""The plain statements of `accounts.services` give what the querysets they repeat give."""

from datetime import timedelta

import pytest
from django.utils import timezone

from lijfwijs.accounts import services
from lijfwijs.accounts.models import Consent, ConsentText, Invitation

pytestmark = pytest.mark.django_db


def test_health_consent_given_withdrawn_and_of_another_kind(anna, bram):
    assert services.has_health_consent(anna)
    Consent.objects.filter(user=anna, kind=ConsentText.Kind.HEALTH_DATA).update(
        withdrawn_at=timezone.now()
    )
    assert not services.has_health_consent(anna)
    Consent.objects.filter(user=bram).delete()
    Consent.objects.create(user=bram, kind=ConsentText.Kind.PRACTITIONER_ACCESS, version="1")
    assert not services.has_health_consent(bram)
    services.give_health_consent(bram)
    assert services.has_health_consent(bram)


def test_nobody_signed_in_has_no_consent():
    from django.contrib.auth.models import AnonymousUser

    assert not services.has_health_consent(AnonymousUser())
    assert not services.has_health_consent(None)


def test_pending_invitations_counted_as_the_queryset_counts_them(anna, pieter, rita):
    address = anna.email.upper()
    Invitation.objects.create(practitioner=pieter, email=address)  # another case: counts
    Invitation.objects.create(
        practitioner=rita, email=anna.email, expires_at=timezone.now() - timedelta(minutes=1)
    )  # expired
    Invitation.objects.create(
        practitioner=rita, email=anna.email, status=Invitation.Status.DECLINED
    )
    Invitation.objects.create(practitioner=rita, email="someone-else@example.org")
    expected = services.pending_invitations(anna).count()
    assert services.pending_invitation_count(anna) == expected == 1
    Invitation.objects.create(practitioner=pieter, email=anna.email)
    assert (
        services.pending_invitation_count(anna) == services.pending_invitations(anna).count() == 2
    )


def test_the_membership_is_read_as_the_orm_reads_it(pieter, anna):
    from lijfwijs.accounts.models import Membership, User

    expected = Membership.objects.select_related("practice").get(user=pieter)
    found = User.objects.get(pk=pieter.pk).membership
    for model, a, b in (
        (Membership, found, expected),
        (type(expected.practice), found.practice, expected.practice),
    ):
        names = [f.attname for f in model._meta.concrete_fields]
        assert [getattr(a, n) for n in names] == [getattr(b, n) for n in names]
        assert [type(getattr(a, n)) for n in names] == [type(getattr(b, n)) for n in names]
    assert found.practice.name == pieter.practice_name
    assert User.objects.get(pk=anna.pk).membership is None  # a client has none


def test_the_session_device_is_read_as_the_orm_reads_it(pieter):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from lijfwijs.accounts.middleware import OTPMiddleware
    from lijfwijs.accounts.tests.helpers import confirmed_device

    device = confirmed_device(pieter)
    middleware = OTPMiddleware(lambda request: None)
    found = middleware._device_from_persistent_id(device.persistent_id)
    expected = TOTPDevice.objects.get(pk=device.pk)
    names = [f.attname for f in TOTPDevice._meta.concrete_fields]
    assert [getattr(found, n) for n in names] == [getattr(expected, n) for n in names]
    assert [type(getattr(found, n)) for n in names] == [type(getattr(expected, n)) for n in names]
    for broken in ("otp_totp.totpdevice/x", "no.such/1", "otp_totp.totpdevice/999999", "nothing"):
        assert middleware._device_from_persistent_id(broken) is None
