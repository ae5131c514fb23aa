"""``mhsip import_incidents FILE --ward CODE | --trust ODS [--mapping datix]``: the same as
``mhsip import incidents``."""

import importlib

ImportCommand = importlib.import_module("mhsip.imports.management.commands.import").Command


class Command(ImportCommand):  # type: ignore[misc,valid-type]
    help = "Import use-of-force incidents from a CSV or XLSX file (MHSIP incident import v1)."
    kind = "incidents"
