from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from lantai.audit.context import acting_as


class AuditActorMiddleware:
    """Names the signed-in user (or ``anonymous``) as the actor of events a request records."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        actor = f"user:{user.get_username()}" if user and user.is_authenticated else "anonymous"
        with acting_as(actor):
            return self.get_response(request)
