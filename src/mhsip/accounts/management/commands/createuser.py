"""``mhsip createuser``: create a user with a role and its scope, audited as ``cli:createuser``."""

from __future__ import annotations

import getpass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from mhsip.accounts.models import User
from mhsip.accounts.roles import Role
from mhsip.audit.actor import System, acting_as
from mhsip.audit.log import record
from mhsip.audit.models import Action
from mhsip.organisations.models import Trust, Ward


class Command(BaseCommand):
    help = "Create a user with a role, scoped to wards (--ward) or a trust (--trust)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=[r.value for r in Role])
        parser.add_argument("--ward", action="append", default=[], help="Ward code (repeat)")
        parser.add_argument("--trust", help="Trust ODS code")
        parser.add_argument("--email", default="")
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")
        parser.add_argument("--password", help="Omit to be asked (never put one in history)")
        parser.add_argument("--superuser", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        role = Role(options["role"])
        wards = list(Ward.objects.filter(code__in=options["ward"]))
        missing = set(options["ward"]) - {w.code for w in wards}
        if missing:
            raise CommandError(f"No ward with code {', '.join(sorted(missing))}")
        if role.scoped_to_wards and not wards:
            raise CommandError(f"A {role.label.lower()} needs at least one --ward")
        trust = None
        if options["trust"]:
            trust = Trust.objects.filter(ods_code=options["trust"]).first()
            if trust is None:
                raise CommandError(f"No trust with ODS code {options['trust']}")
        if role.scoped_to_trust and trust is None:
            raise CommandError("A trust lead needs --trust")
        if User.objects.filter(username=options["username"]).exists():
            raise CommandError(f"User {options['username']} already exists")
        password = options["password"] or getpass.getpass("Password: ")
        user = User(
            username=options["username"],
            email=options["email"],
            first_name=options["first_name"],
            last_name=options["last_name"],
            role=role,
            trust=trust,
            is_superuser=options["superuser"],
            is_staff=options["superuser"],
        )
        try:
            from django.contrib.auth.password_validation import validate_password

            validate_password(password, user)
            user.full_clean(exclude=["password"])
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        user.set_password(password)
        with acting_as(System("cli:createuser")), transaction.atomic():
            user.save()
            if wards:
                user.wards.set(wards)
                record(Action.UPDATE, user, changes={"wards": [[], [w.code for w in wards]]})
        self.stdout.write(f"Created {user.username} ({role.label})")
