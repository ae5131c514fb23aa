"""The one Jinja2 environment: app templates first, then the NHS.UK frontend macros.

Follows NHSDigital/dtos-manage-breast-screening ``config/jinja2_env.py``: a ``ChoiceLoader`` over
Django's loader and ``nhsuk_frontend_jinja``, ``ChainableUndefined`` (the macros rely on it), and
``static``/``url`` globals.
"""

from __future__ import annotations

from typing import Any

from django.contrib.humanize.templatetags.humanize import intcomma
from django.contrib.messages import get_messages
from django.middleware.csrf import get_token
from django.templatetags.static import static
from django.urls import reverse
from django.utils.formats import date_format
from jinja2 import ChainableUndefined, ChoiceLoader, Environment, PackageLoader


def url(name: str, *args: Any, **kwargs: Any) -> str:
    return reverse(name, args=args or None, kwargs=kwargs or None)


def ukdate(value: Any, fmt: str = "j F Y") -> str:
    return "" if value is None else date_format(value, fmt)


def environment(**options: Any) -> Environment:
    options["loader"] = ChoiceLoader(
        [options["loader"], PackageLoader("nhsuk_frontend_jinja", "templates")]
    )
    options["undefined"] = ChainableUndefined
    options.setdefault("autoescape", True)
    env = Environment(**options)
    env.globals.update(static=static, url=url, get_messages=get_messages, csrf_token_for=get_token)
    env.filters.update(intcomma=intcomma, ukdate=ukdate)
    return env
