"""Public accounts, optional TOTP for staff, the CSP header and CSRF tokens on every form."""

from __future__ import annotations

import base64
import hashlib
import re
from html.parser import HTMLParser
from pathlib import Path

import django
import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from lantai.audit.models import AuditEvent

PASSWORD = "pw-Lantai-2026"
NEW_PASSWORD = "Qing-Ming-Shang-He-1127"


def register(client, username="reader", **extra):
    data = {"username": username, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    return client.post("/account/register/", {**data, **extra})


# Registration -----------------------------------------------------------------------------


def test_registration_creates_a_roleless_non_staff_user(client, db):
    response = register(client, email="reader@example.cn")
    assert response.status_code == 302
    user = get_user_model().objects.get(username="reader")
    assert not user.is_staff and not user.is_superuser
    assert not user.groups.exists()
    assert user.email == "reader@example.cn"


def test_registered_password_is_stored_with_argon2(client, db):
    register(client)
    user = get_user_model().objects.get(username="reader")
    assert user.password.startswith("argon2")
    assert user.check_password(NEW_PASSWORD)


def test_registration_applies_djangos_password_validators(client, db):
    data = {"username": "reader", "password1": "12345678", "password2": "12345678"}
    response = client.post("/account/register/", data)
    assert response.status_code == 200
    assert not get_user_model().objects.filter(username="reader").exists()


def test_registered_user_still_cannot_see_a_closed_record(client, closed_item, open_item):
    register(client)
    assert client.get(f"/item/{closed_item.ref_code}").status_code == 404
    assert client.get(f"/item/{open_item.ref_code}").status_code == 200


def test_signed_in_user_sees_their_account_page_and_can_sign_out(client, public):
    response = client.post("/account/login/", {"username": "citizen", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/account/"
    body = client.get("/account/").content.decode()
    assert "citizen" in body and "查档者" in body
    assert client.post("/account/logout/").status_code == 302
    assert client.get("/account/").status_code == 302


def test_anonymous_header_offers_sign_in_and_registration(client, db):
    body = client.get("/").content.decode()
    assert 'href="/account/login/"' in body and 'href="/account/register/"' in body


def test_staff_header_links_to_the_staff_pages_of_the_role(client, archivist):
    client.force_login(archivist)
    body = client.get("/").content.decode()
    assert 'href="/staff/items/"' in body and 'href="/staff/ingest/"' in body and "退出" in body
    assert 'href="/staff/accounts/"' not in body and 'href="/admin/"' not in body


def test_the_account_administrators_header_links_to_the_account_pages(client, sysadmin):
    client.force_login(sysadmin)
    body = client.get("/").content.decode()
    assert 'href="/staff/accounts/"' in body and 'href="/staff/items/"' not in body


def test_public_header_has_no_back_office_link(client, public):
    client.force_login(public)
    assert "业务后台" not in client.get("/").content.decode()


def test_staff_pages_send_anonymous_visitors_to_the_account_login(client, db):
    response = client.get("/staff/review/")
    assert response["Location"].startswith("/account/login/?next=")


# TOTP ---------------------------------------------------------------------------------------


def code_for(device, drift=0):
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, drift):06d}"


@pytest.fixture
def enrolled(client, archivist):
    """The archivist with a confirmed TOTP device, enrolled through the pages; signed out."""
    client.force_login(archivist)
    assert client.post("/account/totp/", {"action": "start"}).status_code == 302
    page = client.get("/account/totp/").content.decode()
    assert "<svg" in page
    device = TOTPDevice.objects.get(user=archivist)
    assert not device.confirmed
    client.post("/account/totp/", {"action": "confirm", "code": code_for(device)})
    device.refresh_from_db()
    assert device.confirmed
    client.logout()
    return device


def sign_in(client, code=None, path="/account/login/"):
    data = {"username": "archivist", "password": PASSWORD}
    if code is not None:
        data["otp_token"] = code
    return client.post(path, data)


def test_enrolment_is_confirmed_only_by_a_valid_code(client, archivist):
    client.force_login(archivist)
    client.post("/account/totp/", {"action": "start"})
    device = TOTPDevice.objects.get(user=archivist)
    client.post("/account/totp/", {"action": "confirm", "code": "000000"})
    device.refresh_from_db()
    assert not device.confirmed


def test_members_of_the_public_are_not_offered_totp(client, public):
    client.force_login(public)
    assert client.get("/account/totp/").status_code == 403


def test_after_enrolment_sign_in_requires_a_valid_code(client, enrolled):
    assert sign_in(client).status_code == 200
    assert "_auth_user_id" not in client.session
    # The code after the one used to confirm (within the device's tolerance; codes never repeat).
    assert sign_in(client, code_for(enrolled, drift=1)).status_code == 302
    assert client.get("/admin/").status_code == 200


def test_a_wrong_code_fails(client, enrolled):
    right = {code_for(enrolled, drift=d) for d in (-1, 0, 1, 2)}
    wrong = next(f"{n:06d}" for n in range(1000) if f"{n:06d}" not in right)
    assert sign_in(client, wrong).status_code == 200
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="login_failed", object_repr="archivist").exists()


def test_admin_login_also_requires_the_code(client, enrolled):
    assert sign_in(client, path="/admin/login/").status_code == 200
    response = sign_in(client, code_for(enrolled, drift=1), path="/admin/login/")
    assert response.status_code == 302 and response["Location"] == "/admin/"


def test_admin_refuses_a_session_not_verified_by_the_code(client, archivist, enrolled):
    client.force_login(archivist)
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


def test_staff_without_a_device_are_sent_to_enrol_after_the_password(client, archivist):
    assert sign_in(client).status_code == 302
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0] == "/account/totp/"


def test_enabling_and_disabling_totp_is_audited(client, archivist, enrolled):
    client.force_login(archivist)
    client.post("/account/totp/", {"action": "disable", "code": code_for(enrolled, drift=1)})
    assert not TOTPDevice.objects.filter(user=archivist).exists()
    events = AuditEvent.objects.filter(object_type="otp_totp.totpdevice")
    assert {"create", "update", "delete"} <= set(events.values_list("action", flat=True))
    assert enrolled.key not in str(list(events.values_list("detail", flat=True)))


# CSP ------------------------------------------------------------------------------------------

ALLOWED_SOURCES = {"'self'", "'none'", "data:"}


def csp_sources(response):
    policy = response["Content-Security-Policy"]
    directives = dict(
        (part.split()[0], part.split()[1:]) for part in policy.split(";") if part.strip()
    )
    return directives, {src for values in directives.values() for src in values}


@pytest.mark.parametrize("path", ["/", "/search", "/account/login/", "/admin/login/", "/admin/"])
def test_csp_header_is_present_and_names_no_external_host(client, archivist, path):
    client.force_login(archivist)
    directives, sources = csp_sources(client.get(path))
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["object-src"] == ["'none'"]
    assert all(s in ALLOWED_SOURCES or s.startswith("'sha256-") for s in sources), sources


def test_csp_allows_no_inline_script_or_style():
    directives = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    assert "'unsafe-inline'" not in str(directives) and "'unsafe-eval'" not in str(directives)


def test_the_allowed_style_hash_matches_the_admins_one_inline_style():
    template = Path(django.__file__).parent / "contrib/admin/templates/admin/change_list.html"
    body = re.search(r"<style>(.*?)</style>", template.read_text(), re.S).group(1)
    digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
    allowed = settings.ADMIN_CHANGELIST_STYLE_HASH
    assert allowed == f"'sha256-{digest}'"


def test_portal_and_account_pages_contain_no_inline_script(client, archivist, open_item):
    client.force_login(archivist)
    client.post("/account/totp/", {"action": "start"})
    pages = ("/", "/search?q=道路", f"/item/{open_item.ref_code}", "/account/", "/account/totp/")
    for path in pages:
        body = client.get(path).content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)", body), path
        assert " style=" not in body and "<style" not in body, path


# CSRF -----------------------------------------------------------------------------------------


class FormScanner(HTMLParser):
    """Collects each form's method and whether it holds the CSRF token field."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({"method": (attrs.get("method") or "get").lower(), "csrf": False})
        elif tag == "input" and attrs.get("name") == "csrfmiddlewaretoken" and self.forms:
            self.forms[-1]["csrf"] = bool(attrs.get("value"))


def post_forms(body):
    scanner = FormScanner()
    scanner.feed(body)
    return [f for f in scanner.forms if f["method"] == "post"]


def test_every_post_form_on_anonymous_pages_carries_a_csrf_token(client, open_item):
    paths = ["/", "/search?q=道路", f"/item/{open_item.ref_code}"]
    paths += ["/account/login/", "/account/register/"]
    for path in paths:
        forms = post_forms(client.get(path).content.decode())
        assert all(f["csrf"] for f in forms), path
    assert post_forms(client.get("/account/login/").content.decode())


@pytest.mark.parametrize("step", ["none", "pending", "enabled"])
def test_every_post_form_on_signed_in_pages_carries_a_csrf_token(client, archivist, step):
    client.force_login(archivist)
    if step != "none":
        client.post("/account/totp/", {"action": "start"})
    if step == "enabled":
        device = TOTPDevice.objects.get(user=archivist)
        client.post("/account/totp/", {"action": "confirm", "code": code_for(device)})
    for path in ("/", "/account/", "/account/totp/"):
        forms = post_forms(client.get(path).content.decode())
        assert forms and all(f["csrf"] for f in forms), path
