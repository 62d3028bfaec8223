"""Guards for staff pages (``/staff/…``), one rule with the admin's.

A staff page needs a signed-in user, the page's permission, and — when the user has a
confirmed TOTP device — a session verified with a code (the same rule the admin applies), so
a session opened elsewhere before TOTP was turned on cannot reach staff pages either.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required, permission_required
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse

from lantai.access.totp import has_device, is_verified

View = Callable[..., HttpResponse]


def staff_view(permission: str) -> Callable[[View], View]:
    def decorate(view: View) -> View:
        @login_required
        @permission_required(permission, raise_exception=True)
        @wraps(view)
        def guarded(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if has_device(request.user) and not is_verified(request):
                return redirect_to_login(request.get_full_path())
            return view(request, *args, **kwargs)

        return guarded

    return decorate
