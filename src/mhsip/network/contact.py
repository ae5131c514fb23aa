"""The public "Get in touch" form's rules: spam protection, storing, notifying, triage.

Spam protection (issue 6 item 7):

- a *honeypot*: a field people never see or reach ("Leave this empty"). A submission that
  fills it is dropped silently: nothing is stored or sent, and the sender sees the normal
  confirmation, so a bot learns nothing;
- a *rate limit* per IP address: at most :func:`rate_limit` messages an hour (environment
  variable ``MHSIP_CONTACT_RATE_LIMIT``, default 5), counted in Django's cache, which is the
  database cache shared by every web process (settings ``CACHES``). The address is kept only
  as a keyed hash inside the cache key and forgotten after the hour.

Messages are stored, then the team is e-mailed (:mod:`mhsip.network.emails`).
"""

from __future__ import annotations

import hashlib
import hmac
import time
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Count
from django.http import HttpRequest

from mhsip.env import env_int
from mhsip.network import emails
from mhsip.network.codes import ContactStatus
from mhsip.network.models import ContactRequest

RATE_LIMIT_VARIABLE = "MHSIP_CONTACT_RATE_LIMIT"
DEFAULT_RATE_LIMIT = 5
WINDOW_SECONDS = 60 * 60
HONEYPOT_FIELD = "website"


def rate_limit() -> int:
    """Messages allowed per IP address per hour."""
    return env_int(RATE_LIMIT_VARIABLE, DEFAULT_RATE_LIMIT, minimum=1)


def client_ip(request: HttpRequest) -> str:
    """The sender's address. Behind the TLS proxy (``BEHIND_TLS_PROXY``, which sets
    ``SECURE_PROXY_SSL_HEADER``) it is the last address the proxy added to
    ``X-Forwarded-For``; earlier entries are set by the client and cannot be trusted."""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if settings.SECURE_PROXY_SSL_HEADER and forwarded.strip():
        return forwarded.split(",")[-1].strip()
    return str(request.META.get("REMOTE_ADDR", "") or "unknown")


def _key(ip: str, now: float) -> str:
    digest = hmac.new(settings.SECRET_KEY.encode(), ip.encode(), hashlib.sha256).hexdigest()
    return f"network:contact:{digest[:32]}:{int(now // WINDOW_SECONDS)}"


def is_rate_limited(ip: str, *, now: float | None = None) -> bool:
    """Whether ``ip`` has used up this hour's messages (fixed one-hour windows)."""
    return int(cache.get(_key(ip, now or time.time()), 0)) >= rate_limit()


def count_message(ip: str, *, now: float | None = None) -> int:
    """Count one message from ``ip``; returns the count in this window."""
    key = _key(ip, now or time.time())
    cache.add(key, 0, timeout=WINDOW_SECONDS)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=WINDOW_SECONDS)
        return 1


def submit(values: dict[str, Any], *, honeypot: str) -> ContactRequest | None:
    """Store a message and tell the team; a filled honeypot drops it silently (``None``)."""
    if honeypot.strip():
        return None
    with transaction.atomic():
        contact = ContactRequest(
            name=values["name"],
            email=values["email"],
            organisation=values.get("organisation", ""),
            topic=values["topic"],
            message=values["message"],
        )
        contact.save(audit_reason="received through the 'Get in touch' form")
    emails.send_contact_to_team(contact)
    return contact


def triage_counts() -> dict[str, int]:
    counts = {status: 0 for status in ContactStatus.values}
    for row in ContactRequest.objects.order_by().values("status").annotate(n=Count("id")):
        counts[row["status"]] = row["n"]
    return counts


def update_triage(
    contact: ContactRequest, *, status: str, assigned_to: Any, note: str, reason: str = ""
) -> bool:
    """Change a request's status, assignee and note (audited). Returns whether anything
    changed."""
    changed = (contact.status, contact.assigned_to_id, contact.note) != (
        status,
        getattr(assigned_to, "pk", None),
        note,
    )
    if changed:
        contact.status = status
        contact.assigned_to = assigned_to
        contact.note = note
        contact.save(audit_reason=reason or "triaged")
    return changed
