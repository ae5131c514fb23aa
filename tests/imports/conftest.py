"""Fixtures for import tests: run an import straight from bytes, as a named system process."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.cache import cache

from mhsip.audit.actor import System, acting_as
from mhsip.imports.common import Outcome, Scope
from mhsip.imports.incidents import IncidentImport
from mhsip.imports.mappings import load_mapping
from mhsip.imports.tables import read_table


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    cache.clear()  # API rate-limit history lives in the cache
    yield


@pytest.fixture
def import_incidents(world: Any) -> Callable[..., Outcome]:
    """``import_incidents(content, ward=..., trust=..., mapping="canonical", **options)``."""

    def run(
        content: bytes,
        *,
        ward: Any = None,
        trust: Any = None,
        mapping: str = "canonical",
        file_name: str = "export.csv",
        **options: Any,
    ) -> Outcome:
        scope = Scope.for_trust(trust) if trust is not None else Scope.for_ward(ward or world.ward)
        with acting_as(System(f"import:{file_name}")):
            return IncidentImport(
                read_table(content),
                mapping=load_mapping(mapping, "incidents"),
                scope=scope,
                file_name=file_name,
                **options,
            ).run()

    return run
