"""Model fields that keep free-text health data encrypted at rest (see docs/encryption.md).

Both fields are text columns holding a Fernet token (lijfwijs.core.crypto), so they work the same on
SQLite and PostgreSQL and a raw ``SELECT`` shows no plaintext. The database only sees tokens, so
the content cannot be searched, compared, ordered or made unique: the only lookups are ``isnull``
and, for EncryptedTextField, an exact match on the empty string (stored as ``""``). Any other
lookup fails with Django's "Unsupported lookup" FieldError; ``exact`` with content fails too.

Besides the fields, :func:`rewrite_tokens` rewrites a column's stored tokens in batches (used by
``manage.py rotate_encryption_keys``), and :func:`encrypt_existing_plaintext` /
:func:`decrypt_to_plaintext` make the RunPython steps of a migration that turns an existing plain
column into an encrypted one (and back).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any

from django import forms
from django.core import checks, exceptions
from django.db import DEFAULT_DB_ALIAS, models, transaction
from django.db.models import F, Value
from django.db.models.expressions import ExpressionWrapper
from django.db.models.lookups import Exact, IsNull
from django.utils.translation import gettext_lazy as _

from lijfwijs.core import crypto

__all__ = [
    "ENCRYPTED_FIELD_TYPES",
    "EncryptedJSONField",
    "EncryptedTextField",
    "RewriteResult",
    "decrypt_to_plaintext",
    "encrypt_existing_plaintext",
    "rewrite_tokens",
    "rotate_if_needed",
]


class _EmptyOrNullExact(Exact):
    """``exact`` that only answers "is it empty/None"; comparing content against tokens is meaningless."""

    def get_prep_lookup(self) -> Any:
        field = self.lhs.output_field
        if self.rhs is None or (
            isinstance(self.rhs, str) and self.rhs == "" and field.empty_strings_allowed
        ):
            return super().get_prep_lookup()
        raise exceptions.FieldError(
            f"{type(field).__name__} {field.name!r} is encrypted: it cannot be filtered by its content. "
            "Only isnull (and, for text, an exact match on the empty string) work."
        )


class _EncryptedMixin:
    """What both encrypted fields share: no searching by content."""

    def get_lookup(self, lookup_name: str) -> type | None:
        if lookup_name == "isnull":
            return IsNull
        if lookup_name == "exact":
            return _EmptyOrNullExact
        return None  # Django reports "Unsupported lookup ... for <field>"

    def get_transform(self, lookup_name: str) -> None:
        return None

    def check(self, **kwargs: Any) -> list[checks.CheckMessage]:
        return [*super().check(**kwargs), *self._check_encrypted_options()]

    def _check_encrypted_options(self) -> list[checks.CheckMessage]:
        if self.primary_key or self.unique or self.db_index:
            return [
                checks.Error(
                    "An encrypted field cannot be a primary key, unique or indexed: every "
                    "encryption of the same text differs.",
                    obj=self,
                    id="core.E101",
                )
            ]
        return []


class EncryptedTextField(_EncryptedMixin, models.TextField):
    """Text stored as a Fernet token; the Python value is a plain str and "" stays "" (unencrypted)."""

    description = _("Text (encrypted)")

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        if value is None or value == "":
            return value
        return crypto.decrypt(value)

    def to_python(self, value: Any) -> str | None:
        return super().to_python(value)

    def get_prep_value(self, value: Any) -> str | None:
        value = super().get_prep_value(value)  # resolves lazy text, then to_python
        if value is None or value == "":
            return value
        return crypto.encrypt(value)


class EncryptedJSONField(_EncryptedMixin, models.TextField):
    """JSON stored as a Fernet token of its text; the Python value is a dict or list (any JSON).

    ``default={}`` (or ``default=dict``) works; each instance gets its own copy of the default.
    A str given to ``to_python`` (a form, a fixture) is read as JSON text.
    """

    description = _("JSON (encrypted)")
    empty_strings_allowed = False
    default_error_messages = {"invalid": _("Value must be valid JSON.")}

    def __init__(
        self,
        *args: Any,
        encoder: type[json.JSONEncoder] | None = None,
        decoder: type[json.JSONDecoder] | None = None,
        **kwargs: Any,
    ) -> None:
        if encoder is not None and not callable(encoder):
            raise ValueError("The encoder parameter must be a callable object.")
        if decoder is not None and not callable(decoder):
            raise ValueError("The decoder parameter must be a callable object.")
        self.encoder = encoder
        self.decoder = decoder
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> tuple[str, str, list[Any], dict[str, Any]]:
        name, path, args, kwargs = super().deconstruct()
        if self.encoder is not None:
            kwargs["encoder"] = self.encoder
        if self.decoder is not None:
            kwargs["decoder"] = self.decoder
        return name, path, args, kwargs

    def get_default(self) -> Any:
        return copy.deepcopy(super().get_default())

    def _loads(self, text: str) -> Any:
        return json.loads(text, cls=self.decoder)

    def _dumps(self, value: Any) -> str:
        return json.dumps(value, cls=self.encoder, ensure_ascii=False)

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> Any:
        if value is None:
            return None
        return self._loads(crypto.decrypt(value))

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            try:
                return self._loads(value)
            except json.JSONDecodeError:
                raise exceptions.ValidationError(
                    self.error_messages["invalid"], code="invalid", params={"value": value}
                ) from None
        return value

    def get_prep_value(self, value: Any) -> str | None:
        value = models.Field.get_prep_value(self, value)  # resolves lazy objects; no str() here
        if value is None:
            return None
        return crypto.encrypt(self._dumps(value))

    def validate(self, value: Any, model_instance: Any) -> None:
        super().validate(value, model_instance)
        try:
            self._dumps(value)
        except TypeError:
            raise exceptions.ValidationError(
                self.error_messages["invalid"], code="invalid", params={"value": value}
            ) from None

    def value_to_string(self, obj: Any) -> str:
        return self._dumps(self.value_from_object(obj))

    def formfield(self, **kwargs: Any) -> forms.Field:
        return models.Field.formfield(
            self,
            **{
                "form_class": forms.JSONField,
                "encoder": self.encoder,
                "decoder": self.decoder,
                **kwargs,
            },
        )


ENCRYPTED_FIELD_TYPES = (EncryptedTextField, EncryptedJSONField)


# Rewriting stored tokens (key rotation, encrypting an existing plain column) ------------------------


@dataclass
class RewriteResult:
    rows: int = 0
    rewritten: int = 0
    unchanged: int = 0
    empty: int = 0
    changed_meanwhile: int = 0  # the row was saved again between our read and write: left as saved
    unreadable: list[Any] = dataclass_field(default_factory=list)  # primary keys


def rewrite_tokens(
    model: type[models.Model],
    field_name: str,
    transform: Callable[[str], str | None],
    *,
    using: str = DEFAULT_DB_ALIAS,
    batch_size: int = 500,
    dry_run: bool = False,
) -> RewriteResult:
    """Pass every stored (raw) value of a column through transform and write back what changed.

    transform returns the new raw value, or None to leave the row alone; a DecryptionError it
    raises is recorded in ``unreadable``. Rows are read in primary-key order, ``batch_size`` at a
    time, each batch in its own transaction; a row is only written if it still holds the value that
    was read, so a concurrent save is never overwritten. NULL and "" are left alone.
    """
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    field = model._meta.get_field(field_name)
    # The raw column, typed as plain text so that no from_db_value/get_prep_value runs on it.
    raw = ExpressionWrapper(F(field.attname), output_field=models.TextField())
    manager = model._base_manager.db_manager(using)
    result = RewriteResult()
    last_pk = None
    while True:
        with transaction.atomic(using=using):
            rows = manager.order_by("pk")
            if last_pk is not None:
                rows = rows.filter(pk__gt=last_pk)
            batch = list(rows.annotate(_raw_value=raw).values_list("pk", "_raw_value")[:batch_size])
            for pk, value in batch:
                result.rows += 1
                if value is None or value == "":
                    result.empty += 1
                    continue
                try:
                    new_value = transform(value)
                except crypto.DecryptionError:
                    result.unreadable.append(pk)
                    continue
                if new_value is None or new_value == value:
                    result.unchanged += 1
                    continue
                if dry_run:
                    result.rewritten += 1
                    continue
                written = (
                    manager.filter(pk=pk)
                    .filter(Exact(raw, value))
                    .update(**{field.attname: Value(new_value, output_field=models.TextField())})
                )
                if written:
                    result.rewritten += 1
                else:
                    result.changed_meanwhile += 1
        if len(batch) < batch_size:
            return result
        last_pk = batch[-1][0]


def rotate_if_needed(token: str) -> str | None:
    """The token re-encrypted with the first key, or None when the first key already reads it."""
    if crypto.is_current(token):
        return None
    return crypto.rotate(token)


def _encrypt_if_plain(value: str) -> str | None:
    try:
        crypto.decrypt(value)
    except crypto.DecryptionError:
        if crypto.looks_like_token(value):
            raise  # a token for a key we do not have: never encrypt it a second time
        return crypto.encrypt(value)
    return None  # already encrypted


def _decrypt_if_token(value: str) -> str | None:
    if not crypto.looks_like_token(value):
        return None  # already plain
    return crypto.decrypt(value)


def encrypt_existing_plaintext(
    app_label: str, model_name: str, field_name: str, *, batch_size: int = 500
) -> Callable[[Any, Any], None]:
    """A RunPython function that encrypts the plain values left in a column just made encrypted.

    Use it right after the AlterField that turns e.g. a JSONField or TextField into an encrypted
    field; values that are already tokens are left alone, so running it twice is harmless::

        migrations.RunPython(
            encrypt_existing_plaintext("assessments", "Response", "answers"),
            decrypt_to_plaintext("assessments", "Response", "answers"),
        )
    """

    return _rewrite_step(app_label, model_name, field_name, _encrypt_if_plain, batch_size)


def decrypt_to_plaintext(
    app_label: str, model_name: str, field_name: str, *, batch_size: int = 500
) -> Callable[[Any, Any], None]:
    """The reverse of :func:`encrypt_existing_plaintext` (before an AlterField back to plain)."""

    return _rewrite_step(app_label, model_name, field_name, _decrypt_if_token, batch_size)


def _rewrite_step(
    app_label: str, model_name: str, field_name: str, transform: Any, batch_size: int
) -> Callable[[Any, Any], None]:
    """A RunPython function that rewrites one field's stored values with `transform`."""

    def step(apps: Any, schema_editor: Any) -> None:
        model = apps.get_model(app_label, model_name)
        result = rewrite_tokens(
            model,
            field_name,
            transform,
            using=schema_editor.connection.alias,
            batch_size=batch_size,
        )
        if result.unreadable:
            raise crypto.DecryptionError(
                f"{app_label}.{model_name}.{field_name}: {len(result.unreadable)} rows hold tokens "
                "no key in FIELD_ENCRYPTION_KEYS can read."
            )

    return step
