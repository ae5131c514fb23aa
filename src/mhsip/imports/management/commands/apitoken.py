"""``mhsip apitoken create USER --name TEXT [--days N]`` | ``list [USER]`` | ``revoke PREFIX``.

API tokens let an incident system post to the API as a user (ADR 0003 scope applies). The token
is printed once, at creation; only its SHA-256 is stored. Audited as ``cli:apitoken``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from mhsip.accounts.models import User
from mhsip.audit.actor import System, acting_as
from mhsip.imports.auth import token_create, token_revoke
from mhsip.imports.models import ApiToken


class Command(BaseCommand):
    help = "Create, list or revoke API tokens."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Make a token for a user; prints it once")
        create.add_argument("username")
        create.add_argument("--name", required=True, help="What will use it")
        create.add_argument("--days", type=int, default=365, help="Expires after (default 365)")
        listing = sub.add_parser("list", help="List tokens (never the tokens themselves)")
        listing.add_argument("username", nargs="?")
        revoke = sub.add_parser("revoke", help="Revoke a token by the prefix 'list' shows")
        revoke.add_argument("prefix")

    def handle(self, *args: Any, **options: Any) -> None:
        with acting_as(System("cli:apitoken")):
            getattr(self, options["action"])(options)

    def create(self, options: dict[str, Any]) -> None:
        user = User.objects.filter(username=options["username"], is_active=True).first()
        if user is None:
            raise CommandError(f"No active user {options['username']}")
        if options["days"] < 1:
            raise CommandError("--days must be 1 or more")
        expires = timezone.now() + dt.timedelta(days=options["days"])
        _row, token = token_create(user=user, name=options["name"], expires_at=expires)
        self.stdout.write(
            f"API token for {user.username} ({user.get_role_display()}), expires "
            f"{timezone.localtime(expires):%d %B %Y}. Copy it now; it is not shown again:\n{token}"
        )

    def list(self, options: dict[str, Any]) -> None:
        rows = ApiToken.objects.select_related("user")
        if options["username"]:
            rows = rows.filter(user__username=options["username"])
        for row in rows:
            state = "revoked" if row.revoked_at else "active"
            used = f"{row.last_used_at:%Y-%m-%d}" if row.last_used_at else "never"
            self.stdout.write(
                f"{row.prefix}…  {row.user.username}  {row.name}  {state}  used {used}"
            )

    def revoke(self, options: dict[str, Any]) -> None:
        rows = list(ApiToken.objects.filter(prefix=options["prefix"], revoked_at__isnull=True))
        if len(rows) != 1:
            raise CommandError(f"{len(rows)} active tokens start {options['prefix']}: expected 1")
        token_revoke(rows[0])
        self.stdout.write(f"Revoked {rows[0]}")
