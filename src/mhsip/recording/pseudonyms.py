"""Pseudonymous patient keys: a keyed HMAC of the local identifier with a per-trust secret.

The raw local identifier (hospital number, NHS number) is never stored. Each trust's secret is
derived from the deployment's master key (``PSEUDONYM_KEY``) with HKDF-SHA256 and the trust's ODS
code as context, so keys from two trusts cannot be linked without the master key, and rotating
the master key re-keys every trust. ADR 0005.
"""

from __future__ import annotations

import hashlib
import hmac

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings


def trust_secret(ods_code: str, *, master_key: bytes | None = None) -> bytes:
    key = master_key if master_key is not None else settings.PSEUDONYM_KEY.encode()
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=b"mhsip-pseudonym-v1", info=ods_code.encode()
    ).derive(key)


def patient_key(ods_code: str, local_identifier: str, *, master_key: bytes | None = None) -> str:
    """Return the 64-hex-digit pseudonymous key of a patient of the trust ``ods_code``.

    >>> k = patient_key("RV5", "H123456", master_key=b"k")
    >>> len(k), k == patient_key("RV5", " h123456 ", master_key=b"k")
    (64, True)
    >>> k == patient_key("RPG", "H123456", master_key=b"k")
    False
    """
    normalised = local_identifier.strip().upper().replace(" ", "")
    secret = trust_secret(ods_code, master_key=master_key)
    return hmac.new(secret, normalised.encode(), hashlib.sha256).hexdigest()
