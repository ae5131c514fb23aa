"""The ``mhsip`` command: a thin front door over Django's management commands.

``mhsip serve``, ``mhsip demo --seed 1``, ``mhsip createuser ...``, ``mhsip check`` and every
other management command (``mhsip migrate``, ``mhsip spc ...``) run as ``manage.py`` would.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mhsip.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv[1:] if argv is None else argv)
    execute_from_command_line(["mhsip", *args])


if __name__ == "__main__":
    main()
