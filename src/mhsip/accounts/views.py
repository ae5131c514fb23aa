"""Sign in and sign out, with failed-login throttling by django-axes and audit rows."""

from __future__ import annotations

from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme

from mhsip.audit.actor import System
from mhsip.audit.log import record
from mhsip.audit.models import Action


@login_not_required
def sign_in(request: HttpRequest) -> HttpResponse:
    form = AuthenticationForm(request, data=request.POST or None)
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if request.method == "POST":
        if form.is_valid():
            user = form.get_user()
            login(request, user)
            record(Action.SIGN_IN, user, actor=user)
            if url_has_allowed_host_and_scheme(next_url, {request.get_host()}):
                return redirect(next_url)
            return redirect("core:dashboard")
        record(
            Action.SIGN_IN_FAILED,
            actor=System("web:sign-in"),
            object_type="accounts.user",
            object_repr=request.POST.get("username", "")[:150],
        )
    return render(request, "accounts/sign_in.html", {"form": form, "next": next_url})


def sign_out(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        record(Action.SIGN_OUT, request.user, actor=request.user)
        logout(request)
        return redirect("core:home")
    return render(request, "accounts/sign_out.html")


@login_not_required
def locked_out(request: HttpRequest, credentials: object = None, *args: object) -> HttpResponse:
    return render(request, "accounts/locked_out.html", status=429)
