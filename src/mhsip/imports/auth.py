"""API tokens: bearer tokens for incident systems and scripts, beside the browser session.

A token acts as its owner (``request.auth`` is the owner), so the owner's role and wards or
trust decide what it may do, through the same scoped accessor as the pages (ADR 0003). Only the
token's SHA-256 is stored; the token itself is shown once, when it is made.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer, SessionAuth

from mhsip.imports.models import ApiToken, hash_token

TOKEN_PREFIX = "mhsip_"
TOUCH_EVERY = dt.timedelta(minutes=5)  # last_used_at is written at most this often


def token_create(
    *, user: Any, name: str, expires_at: dt.datetime | None = None
) -> tuple[ApiToken, str]:
    """A new token for ``user``: the stored row and the token (shown once, never stored)."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(
        user=user,
        name=name,
        prefix=token[: len(TOKEN_PREFIX) + 6],
        token_hash=hash_token(token),
        expires_at=expires_at,
    )
    row.save()
    return row, token


def token_revoke(row: ApiToken) -> None:
    row.revoked_at = timezone.now()
    row.save(audit_reason="revoked")


def token_user(token: str) -> Any | None:
    """The active owner of a valid, unexpired, unrevoked token, else ``None``."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    row = (
        ApiToken.objects.select_related("user")
        .filter(token_hash=hash_token(token), revoked_at__isnull=True)
        .first()
    )
    now = timezone.now()
    if row is None or not row.user.is_active or (row.expires_at and row.expires_at <= now):
        return None
    if row.last_used_at is None or now - row.last_used_at > TOUCH_EVERY:
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)  # not domain data
    return row.user


class ApiTokenAuth(HttpBearer):
    """``Authorization: Bearer mhsip_...``. A wrong token is 401 at once (it does not fall
    through to the session), so a system with a revoked token learns so plainly."""

    def authenticate(self, request: HttpRequest, token: str) -> Any | None:
        user = token_user(token.strip())
        if user is None:
            raise AuthenticationError(message="The API token is not valid")
        request.user = user
        return user


# Session (browser, CSRF-checked) or token (systems): for routers' ``auth=``.
api_auth = [ApiTokenAuth(), SessionAuth()]
