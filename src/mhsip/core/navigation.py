"""Role-aware navigation: each role sees links only to what it may open."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from mhsip.accounts.roles import Role


def navigation_items(user: Any, path: str) -> list[dict[str, Any]]:
    if not user.is_authenticated:
        return []
    role = Role(user.role)
    items = [("Home", reverse("core:dashboard"))]
    if user.is_superuser or role.sees_ward_data:
        items.append(("Wards", reverse("organisations:ward-list")))
    items.append(("Collaborative", reverse("organisations:collaborative-current")))
    items.append(("Improvement", reverse("improvement:overview")))  # QI work, every role
    items.append(("Equity", reverse("equity:overview")))  # published figures for the network
    if user.is_superuser or role.sees_safety_records or role is Role.ANALYST:
        items.append(("Safety", reverse("monitoring:sexual-safety")))
    items.append(("Network", reverse("network:home")))  # every role: staff join it too
    if user.is_superuser or role.can_record:
        items.append(("Imports", reverse("imports:job-list")))  # incident-system exports
    if user.is_superuser or role in {
        Role.COLLABORATIVE_ADMIN,
        Role.ANALYST,
        Role.TRUST_LEAD,
        Role.WARD_QI_LEAD,
    }:
        items.append(("Reports", reverse("reports:list")))  # annual report, ward packs
    if user.is_superuser or role.is_admin:
        items.append(("Administration", reverse("core:admin")))
    return [
        {
            "href": href,
            "text": text,
            "current": path == href or (href != "/" and path.startswith(href)),
        }
        for text, href in items
    ]
