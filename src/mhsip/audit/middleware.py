"""Makes the signed-in user the actor of every write made while serving their request."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from mhsip.audit.actor import System, acting_as


class RequestActor:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        actor = user if user is not None and user.is_authenticated else System("web:anonymous")
        with acting_as(actor):
            return self.get_response(request)
