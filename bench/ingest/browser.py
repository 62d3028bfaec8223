"""A minimal keep-alive HTTP "browser" for the under-load bench: cookies, CSRF, TOTP sign-in.

Decisions:

- Standard library only (``http.client``), one persistent connection per :class:`Browser`, so
  every client thread behaves like one browser tab with keep-alive; a broken connection is
  counted by the caller and reopened.
- Staff sign in through the real ``/account/login/`` form: the CSRF token is read from the
  form, the TOTP code is computed with ``django_otp.oath.totp`` from the device key that the
  setup script printed (the same RFC 6238 code an authenticator app would show).
- :data:`SETUP` runs in a child ``python -c`` with ``django.setup()`` (like
  ``bench/portal/load.py``'s POPULATE): it creates a confirmed TOTP device for the staff
  account, since enrolling through the QR page would only test the enrolment page.
"""

from __future__ import annotations

import http.client
import re
import time
import urllib.parse
import uuid
from http.cookies import SimpleCookie

SETUP = r"""
import sys
import django
django.setup()
from django.contrib.auth import get_user_model
from django_otp.plugins.otp_totp.models import TOTPDevice
from lantai.archive.models import TransferBatch
user = get_user_model().objects.get(username=sys.argv[1])
device = TOTPDevice.objects.create(user=user, name="TOTP", confirmed=True)
batch = TransferBatch.objects.filter(fonds__code="J001").order_by("-pk").first()
print(device.key, batch.code if batch else "")
"""

CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
ITEM_LINK = re.compile(r'href="(/item/[^"]+)"')


class Browser:
    """One keep-alive connection with a cookie jar."""

    def __init__(self, port: int, timeout: float = 60) -> None:
        self.port, self.timeout = port, timeout
        self.cookies: dict[str, str] = {}
        self.connection = self._connect()

    def _connect(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)

    def request(
        self, method: str, path: str, body: bytes | None = None, headers: dict | None = None
    ) -> tuple[int, str, str, float]:
        """Status, Location header, body text and seconds; raises on a connection failure
        (after reopening the connection, so the next request starts clean)."""
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        began = time.perf_counter()
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
            text = response.read().decode("utf-8", "replace")
        except (OSError, http.client.HTTPException):
            self.connection.close()
            self.connection = self._connect()
            raise
        seconds = time.perf_counter() - began
        for header in response.headers.get_all("Set-Cookie") or []:
            jar = SimpleCookie()
            jar.load(header)
            for name, morsel in jar.items():
                self.cookies[name] = morsel.value
        location = response.headers.get("Location", "")
        return response.status, location, text, seconds

    def csrf(self, page_text: str) -> str:
        found = CSRF_FIELD.search(page_text)
        return found.group(1) if found else self.cookies.get("csrftoken", "")

    def post_form(self, path: str, fields: dict[str, str], token: str) -> tuple:
        body = urllib.parse.urlencode({**fields, "csrfmiddlewaretoken": token}).encode()
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        return self.request("POST", path, body, headers)

    def post_multipart(
        self, path: str, fields: dict[str, str], file_field: str, name: str, data: bytes, token: str
    ) -> tuple:
        boundary = uuid.uuid4().hex
        parts = []
        for key, value in {**fields, "csrfmiddlewaretoken": token}.items():
            head = f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n'
            parts.append(f"{head}{value}\r\n".encode())
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{file_field}"; '
            f'filename="{name}"\r\nContent-Type: application/zip\r\n\r\n'.encode()
            + data
            + b"\r\n"
        )
        parts.append(f"--{boundary}--\r\n".encode())
        headers = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
        return self.request("POST", path, b"".join(parts), headers)

    def sign_in(self, username: str, password: str, totp_key_hex: str) -> None:
        """The real sign-in form with the current TOTP code; raises unless it redirects."""
        from django_otp.oath import totp

        status, _, page, _ = self.request("GET", "/account/login/")
        if status != 200:
            raise SystemExit(f"/account/login/ answered {status}")
        code = f"{totp(bytes.fromhex(totp_key_hex)):06d}"
        fields = {"username": username, "password": password, "otp_token": code}
        status, _, page, _ = self.post_form("/account/login/", fields, self.csrf(page))
        if status != 302:
            raise SystemExit(f"staff sign-in failed ({status}): {page[:500]}")
