"""Encryption at rest for free-text health data: Fernet tokens, keys kept outside the database.

``settings.FIELD_ENCRYPTION_KEYS`` lists Fernet keys. The first key encrypts; every key decrypts
(``MultiFernet``), so a new key can be put first while tokens made with older keys stay readable
until ``manage.py rotate_encryption_keys`` has re-encrypted them (see docs/encryption.md).

A token no configured key can read raises :class:`DecryptionError`; nothing here ever returns
garbage or the token itself in place of the text.
"""

from __future__ import annotations

import base64
import binascii
import re
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver

__all__ = [
    "DecryptionError",
    "decrypt",
    "encrypt",
    "generate_key",
    "get_fernet",
    "is_current",
    "looks_like_token",
    "reset",
    "rotate",
]

# Version byte 0x80, 8 bytes timestamp, 16 bytes IV, at least one 16-byte AES block, 32 bytes HMAC.
_FERNET_VERSION = 0x80
_MIN_TOKEN_BYTES = 1 + 8 + 16 + 16 + 32
_TOKEN_SHAPE = re.compile(rb"[A-Za-z0-9_-]+={0,2}")


class DecryptionError(ValueError):
    """A stored value that no key in FIELD_ENCRYPTION_KEYS can read."""

    def __init__(self, message: str | None = None) -> None:
        super().__init__(
            message
            or "This value cannot be decrypted: no key in FIELD_ENCRYPTION_KEYS can read it "
            "(a wrong or removed key, or damaged data). See docs/encryption.md."
        )


def generate_key() -> str:
    """A new random Fernet key, as text for FIELD_ENCRYPTION_KEYS."""
    return Fernet.generate_key().decode("ascii")


def _configured_keys() -> tuple[str | bytes, ...]:
    keys = getattr(settings, "FIELD_ENCRYPTION_KEYS", None) or ()
    if isinstance(keys, str | bytes):  # a single key, or a comma-separated string
        keys = keys.split("," if isinstance(keys, str) else b",")
    return tuple(key.strip() for key in keys if key.strip())


@lru_cache(maxsize=8)
def _fernets(keys: tuple[str | bytes, ...]) -> tuple[MultiFernet, Fernet]:
    if not keys:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS is empty: encrypted fields need at least one Fernet key "
            "(see docs/encryption.md)."
        )
    fernets = []
    for position, key in enumerate(keys, 1):
        try:
            fernets.append(Fernet(key))
        except (ValueError, TypeError):
            raise ImproperlyConfigured(
                f"FIELD_ENCRYPTION_KEYS: key {position} is not a Fernet key "
                "(32 url-safe base64-encoded bytes)."
            ) from None
    return MultiFernet(fernets), fernets[0]


def get_fernet() -> MultiFernet:
    """The MultiFernet for the current settings (cached per key list)."""
    return _fernets(_configured_keys())[0]


def _primary() -> Fernet:
    return _fernets(_configured_keys())[1]


def reset() -> None:
    """Forget the cached Fernet objects (called when FIELD_ENCRYPTION_KEYS changes)."""
    _fernets.cache_clear()


@receiver(setting_changed)
def _reset_on_setting_changed(*, setting: str, **kwargs: object) -> None:
    if setting == "FIELD_ENCRYPTION_KEYS":
        reset()


def _token_bytes(token: str | bytes) -> bytes:
    if isinstance(token, bytes):
        return token
    if not isinstance(token, str):
        raise TypeError(f"A token is text, not {type(token).__name__}.")
    try:
        return token.encode("ascii")
    except UnicodeEncodeError:
        raise DecryptionError("This value is not an encrypted token.") from None


def encrypt(text: str) -> str:
    """Encrypt text with the first key; returns the Fernet token as text."""
    if not isinstance(text, str):
        raise TypeError(f"Only text is encrypted, not {type(text).__name__}.")
    return get_fernet().encrypt(text.encode("utf-8")).decode("ascii")


def decrypt(token: str | bytes) -> str:
    """The text in a token made with any configured key; DecryptionError if none can read it."""
    data = _token_bytes(token)
    try:
        plain = get_fernet().decrypt(data)
    except InvalidToken:
        raise DecryptionError() from None
    try:
        return plain.decode("utf-8")
    except UnicodeDecodeError:
        raise DecryptionError("This token does not hold text.") from None


def rotate(token: str | bytes) -> str:
    """Re-encrypt a token with the first key (keeps its timestamp); DecryptionError if unreadable."""
    data = _token_bytes(token)
    try:
        return get_fernet().rotate(data).decode("ascii")
    except InvalidToken:
        raise DecryptionError() from None


def is_current(token: str | bytes) -> bool:
    """True when the first key alone reads the token (nothing to rotate)."""
    try:
        _primary().decrypt(_token_bytes(token))
    except (InvalidToken, DecryptionError):
        return False
    return True


def looks_like_token(value: str | bytes) -> bool:
    """True when value has the shape of a Fernet token (whatever key made it)."""
    try:
        raw = _token_bytes(value)
    except (TypeError, DecryptionError):
        return False
    if len(raw) % 4 or not _TOKEN_SHAPE.fullmatch(raw):
        return False
    try:
        data = base64.urlsafe_b64decode(raw)
    except (binascii.Error, ValueError):
        return False
    return len(data) >= _MIN_TOKEN_BYTES and data[0] == _FERNET_VERSION
