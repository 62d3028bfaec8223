"""What a person does on the portal, in the browser: search, read the hits, log in."""

from __future__ import annotations

import time
from urllib.parse import quote

SEARCH_RESULTS = "ol.hits"


def search(page, query: str) -> list[str]:
    """Search from the portal's search box as a person would; the titles of the hits."""
    page.goto("/search")
    page.get_by_role("searchbox").fill(query)
    page.get_by_role("button", name="检索").click()
    page.wait_for_url("**/search?q=*")
    page.locator(SEARCH_RESULTS).wait_for()
    return page.locator(f"{SEARCH_RESULTS} a.title").all_inner_texts()


def search_until_found(page, query: str, title: str, within_s: float = 15) -> list[str]:
    """Search again until ``title`` is among the hits: the task worker applies index updates
    a moment after each change. Returns the last hits (the caller asserts)."""
    deadline = time.monotonic() + within_s
    while True:
        hits = search(page, query)
        if title in hits or time.monotonic() > deadline:
            return hits
        time.sleep(0.5)


def item_path(ref_code: str) -> str:
    return "/item/" + quote(ref_code)


# Staff must use TOTP (lantai/accounts/totp.py): the secret each account enrolled with, so that a
# later sign-in can type the current code as the person's authenticator app would.
_TOTP_SECRETS: dict[str, str] = {}


def current_code(secret: str) -> str:
    import base64

    from django_otp.oath import totp

    compact = secret.replace(" ", "")
    key = base64.b32decode(compact + "=" * (-len(compact) % 8))
    return f"{totp(key):06d}"


def log_in(page, username: str, password: str, next_path: str) -> None:
    """Sign in as a person would; a staff account without a device enrols one on the way."""
    page.goto(f"/admin/login/?next={quote(next_path)}")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    if username in _TOTP_SECRETS:
        page.locator("#id_otp_token").fill(current_code(_TOTP_SECRETS[username]))
    page.locator("input[type=submit], button[type=submit]").first.click()
    page.wait_for_load_state()
    if "/account/totp/" in page.url:
        page.get_by_role("button", name="开始设置").click()
        secret = page.locator("code.secret").inner_text()
        _TOTP_SECRETS[username] = secret
        page.locator("#id_code").fill(current_code(secret))
        page.get_by_role("button", name="确认启用").click()
        page.wait_for_load_state()
        page.goto(next_path)
    page.wait_for_url(f"**{next_path}*")
