"""The returns app's API routes (django-ninja Router), mounted by mhsip.api."""

from ninja import Router

router = Router(tags=["returns"])
