"""Who is acting: a signed-in user or a named system process.

Every write of domain data happens inside :func:`acting_as`; a write with no actor raises
:class:`NoActorError` instead of going unaudited. The web middleware sets the request's user, and
each CLI command and import names itself (``System("cli:demo")``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class System:
    """A named system process, e.g. ``System("import:datix")``."""

    name: str

    def __str__(self) -> str:
        return f"system:{self.name}"


Actor = Any  # a ``accounts.User`` or a :class:`System`

_current: ContextVar[Actor | None] = ContextVar("mhsip_audit_actor", default=None)


class NoActorError(RuntimeError):
    """Domain data was written outside :func:`acting_as`, so nobody would be accountable."""


@contextmanager
def acting_as(actor: Actor) -> Iterator[Actor]:
    if actor is None:
        raise NoActorError("acting_as() needs a user or a System, not None")
    token = _current.set(actor)
    try:
        yield actor
    finally:
        _current.reset(token)


def current_actor() -> Actor:
    actor = _current.get()
    if actor is None:
        raise NoActorError(
            "Domain data written with no actor. Wrap the write in "
            "mhsip.audit.actor.acting_as(user or System('name'))."
        )
    return actor


def current_actor_or_none() -> Actor | None:
    return _current.get()
