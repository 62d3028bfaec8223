"""Proves the README's first command on a base install: the demo serves real pages.

Run by ``scripts/smoke-demo`` (and so by CI) against a demo it started on a fresh virtual
environment with no extras. Waits for ``/healthz``, then fetches the home page, a search, the
JSON API, an item page and one watermarked file of every kind the sample has (image, PDF, text),
each of which must answer 200 with the right content type. Standard library only: the machine
running it may have nothing but Python.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

ITEM_LINK = re.compile(r'href="(/item/[^"/]+)"')
FILE_LINK = re.compile(r'href="(/item/[^"]+/file/\d+)[^"]*"')


def fetch(base: str, path: str) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(base + path, timeout=60) as response:
            return response.status, response.headers.get("Content-Type", ""), response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type", ""), error.read()


def wait_for(base: str, deadline: float) -> None:
    while time.monotonic() < deadline:
        try:
            if fetch(base, "/healthz")[0] == 200:
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(2)
    raise SystemExit(f"FAIL: {base}/healthz did not answer 200 in time")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--timeout", type=float, default=900)
    args = parser.parse_args()
    base = f"http://127.0.0.1:{args.port}"
    wait_for(base, time.monotonic() + args.timeout)
    failures: list[str] = []

    def expect(path: str, kind: str = "text/html") -> bytes:
        status, content_type, body = fetch(base, path)
        ok = status == 200 and content_type.startswith(kind)
        print(f"{'ok  ' if ok else 'FAIL'} {status} {content_type[:40]:<40} {path}")
        if not ok:
            failures.append(path)
        return body

    expect("/healthz", "application/json")
    home = expect("/").decode("utf-8", "replace")
    expect("/search?q=" + urllib.parse.quote("档案"))
    found = expect("/api/search?q=" + urllib.parse.quote("脫貧攻堅"), "application/json")
    if json.loads(found or b"{}").get("total", 0) < 1:
        failures.append("a Traditional query found no Simplified sample record")
    kinds_seen: set[str] = set()
    for item in dict.fromkeys(ITEM_LINK.findall(home)):
        page = expect(item).decode("utf-8", "replace")
        for link in FILE_LINK.findall(page)[:1]:
            status, content_type, body = fetch(base, link)
            kind = content_type.split(";")[0]
            if kind in kinds_seen:
                continue
            kinds_seen.add(kind)
            ok = status == 200 and len(body) > 0
            print(f"{'ok  ' if ok else 'FAIL'} {status} {content_type[:40]:<40} {link}")
            if not ok:
                failures.append(link)
    if "image/jpeg" not in kinds_seen:
        failures.append("no watermarked image copy was delivered (image/jpeg)")
    if failures:
        print("FAIL: " + "; ".join(failures), file=sys.stderr)
        return 1
    print(f"demo smoke test passed: {len(kinds_seen)} kinds of watermarked copy delivered")
    return 0


if __name__ == "__main__":
    sys.exit(main())
