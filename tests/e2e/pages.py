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


def log_in(page, username: str, password: str, next_path: str) -> None:
    page.goto(f"/admin/login/?next={quote(next_path)}")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    page.locator("input[type=submit], button[type=submit]").first.click()
    page.wait_for_url(f"**{next_path}*")
