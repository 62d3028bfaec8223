"""Optional TOTP (RFC 6238) second factor for staff, on django-otp, and the OTP-aware admin site.

Decisions:

- **Who:** any staff account may enrol one TOTP device at ``/account/totp/``; members of the
  public are not offered it. Users without a confirmed device sign in with the password alone.
- **Enrolment** creates an *unconfirmed* device (a fresh secret), shows it as a QR code drawn
  locally as SVG (``qrcode``; no chart service, archives run on closed networks) and as Base32
  text, and confirms it only after a first valid code. Disabling also needs a current code, so a
  stolen session cannot quietly remove the second factor.
- **Sign-in** (both ``/account/login/`` and ``/admin/login/``) asks for the code in the same
  form; a confirmed device makes it mandatory. django-otp's own per-device throttle and replay
  guard (``last_t``) apply on top of :mod:`lantai.access.throttle`.
- **Admin:** :class:`LantaiAdminSite` is installed as the default ``admin.site`` through
  :class:`LantaiAdminConfig` (listed in ``INSTALLED_APPS`` instead of ``django.contrib.admin``),
  so every ``admin.site.register`` keeps working. Its login page is the portal's login view
  (one throttle, one TOTP rule), and it admits a user with a device only in an OTP-verified
  session.
- **Audit:** device rows are audited (``otp_totp.totpdevice`` in the audit's model list, its
  ``key`` masked as a secret), so enabling, confirming and disabling are events.
"""

from __future__ import annotations

import base64
from typing import Any

import qrcode
import qrcode.image.svg
from django.contrib.admin.apps import AdminConfig
from django.contrib.admin.sites import AdminSite
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

ISSUER = "Lantai"


def has_device(user: Any) -> bool:
    """Whether ``user`` has a confirmed OTP device (so a code is required to sign in)."""
    from django_otp import user_has_device

    return bool(getattr(user, "is_authenticated", False)) and user_has_device(user)


def is_verified(request: HttpRequest) -> bool:
    """Whether this session was opened with an OTP code (set by ``django_otp.OTPMiddleware``)."""
    check = getattr(request.user, "is_verified", None)
    return bool(check and check())


def match(user: Any, code: str) -> Any:
    """The confirmed device of ``user`` that accepts ``code``, else ``None``."""
    from django_otp import match_token

    code = (code or "").strip().replace(" ", "")
    if not code.isdigit():
        return None
    return match_token(user, code)


def start_enrolment(user: Any) -> Any:
    """A new unconfirmed TOTP device with a fresh secret (earlier unconfirmed ones are dropped)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    for stale in TOTPDevice.objects.filter(user=user, confirmed=False):
        stale.delete()
    return TOTPDevice.objects.create(user=user, name="TOTP", confirmed=False)


def pending_device(user: Any) -> Any:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()


def confirmed_devices(user: Any) -> list:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return list(TOTPDevice.objects.filter(user=user, confirmed=True))


def confirm(device: Any, code: str) -> bool:
    """Activate ``device`` if ``code`` is valid for it."""
    code = (code or "").strip().replace(" ", "")
    if not code.isdigit() or not device.verify_token(code):
        return False
    device.confirmed = True
    device.save()
    return True


def secret_text(device: Any) -> str:
    """The secret as Base32 in groups of four, for typing into an authenticator app."""
    b32 = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(b32[i : i + 4] for i in range(0, len(b32), 4))


def qr_svg(device: Any) -> str:
    """The device's ``otpauth://`` URL as an inline SVG QR code (white background, no styles)."""
    url = device.config_url
    if "issuer=" not in url:
        url += f"&issuer={ISSUER}"
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathFillImage, box_size=10)
    return image.to_string(encoding="unicode")


class LantaiAdminSite(AdminSite):
    """``admin.site``: signs in through the portal's login view and honours TOTP."""

    def has_permission(self, request: HttpRequest) -> bool:
        if not super().has_permission(request):
            return False
        return is_verified(request) or not has_device(request.user)

    def login(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        from lantai.portal.accounts import LoginView

        view = LoginView.as_view(next_page=reverse("admin:index", current_app=self.name))
        return view(request)


class LantaiAdminConfig(AdminConfig):
    """``django.contrib.admin`` with :class:`LantaiAdminSite` as the default site."""

    default_site = "lantai.access.totp.LantaiAdminSite"
