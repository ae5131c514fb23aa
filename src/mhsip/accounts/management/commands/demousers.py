"""``mhsip demousers``: one sign-in per role on the demo collaborative, printed for newcomers.

Only for demo data: refuses when the database holds a non-demo trust, and in production.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from mhsip.accounts.models import User
from mhsip.accounts.roles import Role
from mhsip.audit.actor import System, acting_as
from mhsip.organisations.models import Trust, Ward

DEMO_PASSWORD = "demo-mhsip-2026"
DEMO_USERNAMES = (
    "ward.staff",
    "ward.qilead",
    "trust.lead",
    "collab.admin",
    "analyst",
    "network.member",
)


def demo_user_specs() -> list[dict[str, Any]]:
    trust = Trust.objects.filter(is_demo=True).order_by("name").first()
    if trust is None:
        raise CommandError("Load the demo first: mhsip demo --seed 1")
    ward = Ward.objects.filter(site__trust=trust).order_by("code").first()
    return [
        {
            "username": "ward.staff",
            "role": Role.WARD_STAFF,
            "wards": [ward],
            "first": "Wren",
            "last": "Staff",
        },
        {
            "username": "ward.qilead",
            "role": Role.WARD_QI_LEAD,
            "wards": [ward],
            "first": "Quinn",
            "last": "Lead",
        },
        {
            "username": "trust.lead",
            "role": Role.TRUST_LEAD,
            "trust": trust,
            "first": "Tara",
            "last": "Lead",
        },
        {
            "username": "collab.admin",
            "role": Role.COLLABORATIVE_ADMIN,
            "first": "Cole",
            "last": "Admin",
        },
        {"username": "analyst", "role": Role.ANALYST, "first": "Ana", "last": "Lyst"},
        {
            "username": "network.member",
            "role": Role.NETWORK_MEMBER,
            "first": "Nell",
            "last": "Member",
        },
    ]


class Command(BaseCommand):
    help = "Create one demo sign-in per role (demo data only) and print them."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--quiet", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.MHSIP_ENV == "production":
            raise CommandError("Demo sign-ins are never created in production")
        if Trust.objects.filter(is_demo=False).exists():
            raise CommandError("This database holds real trusts; demo sign-ins refused")
        specs = demo_user_specs()
        with acting_as(System("cli:demousers")), transaction.atomic():
            for spec in specs:
                user = User.objects.filter(username=spec["username"]).first()
                if user is None:
                    user = User(
                        username=spec["username"],
                        role=spec["role"],
                        first_name=spec["first"],
                        last_name=spec["last"],
                        trust=spec.get("trust"),
                    )
                    user.set_password(DEMO_PASSWORD)
                    user.save()
                    if spec.get("wards"):
                        user.wards.set(spec["wards"])
        if not options["quiet"]:
            self.stdout.write(f"Demo sign-ins (password for all: {DEMO_PASSWORD}):")
            for spec in specs:
                self.stdout.write(f"  {spec['username']:<16} {spec['role'].label}")
