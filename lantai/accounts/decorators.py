"""Guards for staff pages (``/staff/…``), one rule with the admin's.

A staff page needs a signed-in user, the page's permission, and a session verified with a TOTP
code (the same gate as the admin, :func:`lantai.accounts.totp.staff_block`): an account with a
temporary password is sent to change it, one without a device to enrol, and a session opened
before enrolment (or without a code) to sign in again.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required, permission_required
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse

from lantai.accounts.totp import staff_block

View = Callable[..., HttpResponseBase]


def staff_view(permission: str) -> Callable[[View], View]:
    def decorate(view: View) -> View:
        @login_required
        @permission_required(permission, raise_exception=True)
        @wraps(view)
        def guarded(request: HttpRequest, *args, **kwargs) -> HttpResponseBase:
            block = staff_block(request)
            if block == reverse("login"):
                return redirect_to_login(request.get_full_path())
            if block:
                return redirect(block)
            return view(request, *args, **kwargs)

        return guarded

    return decorate
