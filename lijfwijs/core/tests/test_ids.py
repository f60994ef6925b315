"""Choosing several rows by id: a number no row can have is a choice that is not there, with the
field's message, on SQLite as on PostgreSQL (Django asks `pk IN (…)` with the number as sent,
and SQLite's driver cannot bind one past 64 bits)."""

import pytest
from django.core.exceptions import ValidationError

from lijfwijs.accounts.models import User
from lijfwijs.core.ids import MAX_ID, ModelChoices

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("odd", [str(MAX_ID + 1), str(2**64), str(-MAX_ID - 2), "9" * 40])
def test_a_number_past_64_bits_is_an_invalid_choice(anna, odd):
    field = ModelChoices(queryset=User.objects.all())
    for chosen in ([odd], [str(anna.pk), odd]):
        with pytest.raises(ValidationError) as raised:
            field.clean(chosen)
        assert raised.value.code == "invalid_choice"
        assert raised.value.params == {"value": odd}


def test_ids_that_fit_are_chosen_as_before(anna, bram):
    field = ModelChoices(queryset=User.objects.all())
    assert set(field.clean([str(anna.pk), bram.pk])) == {anna, bram}
    with pytest.raises(ValidationError) as raised:
        field.clean([str(MAX_ID)])  # the largest id there can be, but not one there is
    assert raised.value.code == "invalid_choice"
    with pytest.raises(ValidationError) as raised:
        field.clean(["abc"])
    assert raised.value.code == "invalid_pk_value"
