"""`make run` creates demo sign-ins; `mhsip demo --reset` must not be blocked by them."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from mhsip.accounts.models import User


@pytest.mark.django_db
def test_a_reset_keeps_the_demo_sign_ins_working():
    call_command("demo", seed=1, reset=True)
    call_command("demousers", quiet=True)
    call_command("demo", seed=1, reset=True)
    lead = User.objects.get(username="trust.lead")
    assert lead.trust is not None and lead.trust.is_demo
    assert User.objects.get(username="ward.staff").wards.exists()
