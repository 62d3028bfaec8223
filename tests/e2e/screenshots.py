"""Screenshots of the main pages for the README (``bash scripts/screenshots``).

Starts the demo exactly as the browser tests do (fresh data directory, own SQLite, the real
task worker), then saves PNGs into ``docs/screenshots/``: the home page at a phone's width and
the rest at a desktop's.
"""

from __future__ import annotations

import argparse
import secrets
import sys
from pathlib import Path
from urllib.parse import quote

from tests.e2e.pages import item_path, log_in
from tests.e2e.server import CHROMIUM, CHROMIUM_ARGS, REPO_ROOT, DemoServer, demo_server

OUT_DIR = REPO_ROOT / "docs" / "screenshots"
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True}
DESKTOP = {"viewport": {"width": 1280, "height": 800}, "device_scale_factor": 1}
ITEM = "J003-ZP·2019-Y-FPB-0001"  # an opened photograph: the watermarked copy shows inline


def take(out_dir: Path) -> list[Path]:
    from playwright.sync_api import sync_playwright

    out_dir.mkdir(parents=True, exist_ok=True)
    saved: list[Path] = []
    with demo_server() as demo, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)

        def context(size: dict, user: str | None = None, next_path: str = "/"):
            ctx = browser.new_context(base_url=demo.url, locale="zh-CN", **size)
            ctx.set_default_timeout(15_000)
            page = ctx.new_page()
            if user:
                password = secrets.token_urlsafe(12)
                demo.create_user(user, password, user.removeprefix("demo-"))
                log_in(page, user, password, next_path)
            return page

        def shoot(page, name: str, path: str, full_page: bool = False) -> None:
            page.goto(path)
            page.wait_for_load_state("networkidle")
            target = out_dir / name
            page.screenshot(path=target, full_page=full_page, animations="disabled", caret="hide")
            saved.append(target)

        public_phone = context(PHONE)
        shoot(public_phone, "home-phone.png", "/")
        public = context(DESKTOP)
        shoot(public, "search.png", "/search?q=" + quote("脫貧攻堅"))
        shoot(public, "item.png", item_path(ITEM))

        reviewer = context(DESKTOP, "demo-reviewer", "/staff/review/")
        shoot(reviewer, "review-queue.png", "/staff/review/")

        archivist = context(DESKTOP, "demo-archivist", "/staff/items/")
        shoot(archivist, "ingest-batch.png", f"/staff/ingest/batch/{_sample_batch(demo)}/")
        shoot(archivist, "staff-items.png", "/staff/items/J001/")
        browser.close()
    return saved


def _sample_batch(demo: DemoServer) -> str:
    """The sample's J001 transfer batch (codes carry the time of loading)."""
    return next(code for code in demo.batch_codes() if code.startswith("J001-"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT_DIR, help="folder for the PNGs")
    args = parser.parse_args(argv)
    for path in take(args.out):
        print(
            f"{path.relative_to(REPO_ROOT) if path.is_relative_to(REPO_ROOT) else path}"
            f"  {path.stat().st_size // 1024} KB"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
