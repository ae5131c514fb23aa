"""A pytest plugin loaded with ``-p`` (see pyproject) before pytest-django reads the settings.

It puts the settings in test mode; pytest-django imports the settings in its earliest hook, so a
``conftest.py`` would be too late.
"""

import os

os.environ.setdefault("MHSIP_ENV", "test")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mhsip.settings")
