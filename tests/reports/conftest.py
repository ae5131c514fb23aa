"""Fixtures for the report tests: a throw-away file storage, an empty cache, and a small
collaborative with a year of data after its baseline (tests.measures.collab_data) plus a few
safety records, a PDSA cycle and a network meeting."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test.utils import override_settings

from tests.reports import data as report_data


@pytest.fixture(scope="module", autouse=True)
def media(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Stored reports go to a temporary folder for the module."""
    path = tmp_path_factory.mktemp("media")
    storages = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(path)},
        },
    }
    with override_settings(STORAGES=storages):
        yield path


@pytest.fixture(autouse=True)
def empty_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def reporting(world: Any, system: Any) -> Any:
    """The world with data for an annual report of 2025."""
    report_data.build(world)
    return world


YEAR = 2025
TODAY = dt.date(2025, 11, 1)
