"""Error pages in the NHS.UK style (Django's handler404/403/500 hooks)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(
        request,
        "core/error.html",
        {
            "status": 404,
            "heading": "Page not found",
            "detail": "If you typed the web address, check it is correct. "
            "If you followed a link, you may not have access to this page.",
        },
        status=404,
    )


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(
        request,
        "core/error.html",
        {
            "status": 403,
            "heading": "You do not have access to this page",
            "detail": "Your role does not include this page. Ask your collaborative "
            "admin if you think you need it.",
        },
        status=403,
    )


def server_error(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "core/error.html",
        {
            "status": 500,
            "heading": "Sorry, there is a problem with the service",
            "detail": "Try again later. Nothing you saved has been lost.",
        },
        status=500,
    )
