"""Field encryption: `seal(text)` → a Fernet token, `unseal(token)` → the text again.

For values stored only so that authorised roles can see them in full (an applicant's name or
identity number); the searchable, displayable column beside them is a masked copy.

The key: `settings.FIELD_KEY` (env `LIANFANG_FIELD_KEY`, a Fernet key as made by
`cryptography.fernet.Fernet.generate_key()`), else 32 bytes derived from `SECRET_KEY` with
HKDF-SHA256 (info "lianfang field encryption"), so a one-machine install works without an
extra secret. Changing either key makes earlier tokens unreadable: `unseal` raises
`InvalidToken`. A malformed `FIELD_KEY` is an ImproperlyConfigured error at first use.

`blind(text)` is a keyed hash (HMAC-SHA256 with a second key derived the same way) for
comparing values without storing them, e.g. in the digest of an ingested event.
"""

import base64
import hashlib
import hmac
from functools import cache

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

__all__ = ["InvalidToken", "blind", "seal", "unseal"]


def _derive(secret: str, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"lianfang", info=info).derive(
        secret.encode()
    )


@cache
def _fernet(field_key: str, secret_key: str) -> Fernet:
    if field_key:
        try:
            return Fernet(field_key)
        except ValueError as exc:
            raise ImproperlyConfigured(f"LIANFANG_FIELD_KEY is not a Fernet key: {exc}") from exc
    key = _derive(secret_key, b"lianfang field encryption")
    return Fernet(base64.urlsafe_b64encode(key))


@cache
def _blind_key(field_key: str, secret_key: str) -> bytes:
    return _derive(field_key or secret_key, b"lianfang blind index")


def seal(text: str) -> str:
    """The text encrypted and authenticated (Fernet), as an ASCII token."""
    return _fernet(settings.FIELD_KEY, settings.SECRET_KEY).encrypt(text.encode()).decode()


def unseal(token: str) -> str:
    """The text a `seal` token holds; InvalidToken when it was changed or sealed by another key."""
    return _fernet(settings.FIELD_KEY, settings.SECRET_KEY).decrypt(token.encode()).decode()


def blind(text: str) -> str:
    """A keyed SHA-256 of the text (hex): equal texts give equal values, no text can be read."""
    key = _blind_key(settings.FIELD_KEY, settings.SECRET_KEY)
    return hmac.new(key, text.encode(), hashlib.sha256).hexdigest()
