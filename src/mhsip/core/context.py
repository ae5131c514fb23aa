"""Template context shared by every page."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.templatetags.static import static

from mhsip.core.navigation import navigation_items
from mhsip.organisations.models import Trust


def service(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    return {
        "service_name": settings.MHSIP_SERVICE_NAME,
        "navigation": navigation_items(user, request.path),
        "demo_data": Trust.objects.filter(is_demo=True).exists(),
        # read by nhsuk/template.jinja: the nonce for its inline script, and the icons' folder
        "cspNonce": str(request.csp_nonce) if hasattr(request, "csp_nonce") else None,
        "assetPath": static("nhsuk/assets"),
    }
