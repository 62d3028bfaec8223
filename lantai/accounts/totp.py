"""TOTP (RFC 6238) second factor for staff, on django-otp, and the OTP-aware admin site.

Decisions:

- **Who:** every staff account (a role, the staff flag or a superuser) must enrol one TOTP
  device at ``/account/totp/`` before it may read anything the public cannot: the admin, the
  ``/staff/`` pages and, through :mod:`lantai.archive.visibility`, closed records on the portal.
  等保 level 3 asks for two factors for administrative access; a password alone opens only
  the public view and the enrolment page. Members of the public are not offered it.
- **One gate:** :func:`staff_block` says where a staff request must go first (change a
  temporary password, enrol, or sign in again with a code); the admin site and the staff-page
  decorator ask it, and the visibility policy grants staff scope only to a verified session,
  so no page can forget a step. A session opened before the device existed is not verified,
  so it is sent to sign in again.
- **Enrolment** creates an *unconfirmed* device (a fresh secret), shows it as a QR code drawn
  locally as SVG (``qrcode``; no chart service, archives run on closed networks) and as Base32
  text, and confirms it only after a first valid code (which also verifies that session).
  Disabling also needs a current code, so a stolen session cannot quietly remove the factor.
- **Sign-in** (both ``/account/login/`` and ``/admin/login/``) asks for the code in the same
  form; a confirmed device makes it mandatory. django-otp's own per-device throttle and replay
  guard (``last_t``) apply on top of :mod:`lantai.accounts.throttle`.
- **Admin:** :class:`LantaiAdminSite` is installed as the default ``admin.site`` through
  :class:`LantaiAdminConfig` (listed in ``INSTALLED_APPS`` instead of ``django.contrib.admin``),
  so every ``admin.site.register`` keeps working. Its login page is the portal's login view,
  routed at ``/admin/login/`` in ``lantai/urls.py`` (one throttle, one TOTP rule; this module
  imports nothing of the portal); its change-password page is the one page a temporary password
  opens (:mod:`lantai.accounts.passwords`).
- **Secrets:** a device's key is shown only to its owner during enrolment, never in the admin
  (:mod:`lantai.accounts.admin` replaces django-otp's device admin) nor in the audit log.
"""

from __future__ import annotations

import base64
from typing import Any

import qrcode
import qrcode.image.svg
from django.contrib.admin.apps import AdminConfig
from django.contrib.admin.sites import AdminSite
from django.http import HttpRequest
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


def needs_second_factor(user: Any) -> bool:
    """Staff accounts (any role, the staff flag, a superuser) need an OTP-verified session."""
    from lantai.accounts.roles import role_codes

    if not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_staff or user.is_superuser or role_codes(user))


def staff_block(request: HttpRequest) -> str | None:
    """Where a staff request must go before it may see staff pages; ``None`` when it may.

    In order: a temporary password is changed first, then a device is enrolled, then a session
    not verified with a code signs in again (the login URL)."""
    from lantai.accounts.passwords import must_change

    user = request.user
    if not needs_second_factor(user):
        return None
    if must_change(user):
        return reverse("admin:password_change")
    if is_verified(request):
        return None
    if not has_device(user):
        return reverse("account-totp")
    return reverse("login")


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
        block = staff_block(request)
        if block is None:
            return True
        # A temporary password opens exactly one page: the one that replaces it.
        return block == request.path == reverse("admin:password_change", current_app=self.name)

    def password_change(self, request: HttpRequest, extra_context: dict | None = None):
        from lantai.accounts.passwords import OwnPasswordChangeView

        request.current_app = self.name
        view = OwnPasswordChangeView.as_view(
            success_url=reverse("admin:password_change_done", current_app=self.name),
            extra_context={**self.each_context(request), **(extra_context or {})},
        )
        return view(request)


class LantaiAdminConfig(AdminConfig):
    """``django.contrib.admin`` with :class:`LantaiAdminSite` as the default site."""

    default_site = "lantai.accounts.totp.LantaiAdminSite"
