"""A large ``lantai ingest`` while the portal is in use: errors and staff-page latency (issue 13).

Target: a 14,000-item ingest while 20 public clients browse and a staff member works and
uploads a small batch: no error anywhere, staff pages under 1 s at p95.

How it measures, against a fresh ``LANTAI_DATA_DIR`` (SQLite, the embedded default;
``--database-url`` for an empty PostgreSQL database):

1. ``lantai demo --no-serve`` (fonds J001–J003 and the open sample records, so the public has
   item pages to read; ``--no-demo``: ``lantai fonds add J001 …`` only), then
   ``lantai createuser bench-staff --role archivist --role reviewer --fonds J001
   --password-stdin`` (reviewer: so /staff/review/ opens) and a confirmed TOTP device for
   it (:data:`browser.SETUP`).
2. The submission: the first ``--items`` news-xwlb stories through
   ``bench/ingest/throughput.py``'s builder, in a temporary directory removed afterwards; the
   staff upload is a zip of the next 3 stories.
3. ``lantai serve --port P`` (waitress + its supervised task worker); wait for ``/healthz``.
4. The staff session signs in through the real ``/account/login/`` form (CSRF + TOTP code).
5. While ``lantai ingest DIR --fonds J001 --json`` runs in a child process:
   ``--clients`` public threads (keep-alive) request ``/``, ``/search?q=…`` (load.py's
   queries), ``/catalogue`` and sample item pages back to back; one staff thread loads
   ``/staff/ingest/``, ``/staff/review/``, ``/search`` and a batch page every 1.5 s; and
   ``--upload-after`` seconds into the ingest the staff member uploads the zip through
   ``/staff/ingest/`` (multipart, CSRF) and polls its task page until it finishes.
6. ``/healthz`` after the ingest; one JSON result and a Markdown table row are printed.

An error is any status ≥ 400, an unexpected redirect (e.g. a staff page sending to sign-in),
or a connection failure. Latencies are per request, client side.

    .venv/bin/python bench/ingest/under_load.py --items 14000 --clients 20
"""

from __future__ import annotations

import argparse
import http.client
import io
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent / "portal")]

import throughput  # noqa: E402  (the submission builder)
from browser import ITEM_LINK, SETUP, Browser  # noqa: E402
from load import QUERIES, free_port, percentile  # noqa: E402

LANTAI = [sys.executable, "-m", "lantai"]
STAFF, PASSWORD = "bench-staff", "Bench-staff-pass-2026!"
PEER = "n/a (no published figure: other-archive-systems.md §search, “No anchor publishes …”)"


class Tally:
    """Latencies and error labels of one group of clients (list.append is thread-safe)."""

    def __init__(self) -> None:
        self.latencies: list[float] = []
        self.paths: list[tuple[str, float]] = []  # (page kind, latency): where the slow ones are
        self.errors: list[str] = []
        self.failures = 0  # connection failures: requests with no latency

    def hit(self, browser: Browser, path: str, ok: tuple[int, ...] = (200,)) -> tuple | None:
        try:
            answer = browser.request("GET", path)
        except (OSError, http.client.HTTPException) as error:
            self.failures += 1
            self.errors.append(f"{path}: {type(error).__name__}")
            return None
        self.latencies.append(answer[3])
        self.paths.append((_kind(path), answer[3]))
        if answer[0] not in ok:
            self.errors.append(f"{path}: {answer[0]} {answer[1]}")
        return answer

    def summary(self) -> dict:
        values = self.latencies
        return {
            "requests": len(values) + self.failures,
            "errors": len(self.errors),
            "error_samples": sorted(set(self.errors))[:10],
            "p50_ms": round(percentile(values, 50), 1),
            "p95_ms": round(percentile(values, 95), 1),
            "p99_ms": round(percentile(values, 99), 1),
            "by_page": self.by_page(),
        }

    def by_page(self) -> dict:
        kinds: dict[str, list[float]] = {}
        for kind, latency in self.paths:
            kinds.setdefault(kind, []).append(latency)
        return {
            kind: {
                "n": len(values),
                "p50_ms": round(percentile(values, 50), 1),
                "p95_ms": round(percentile(values, 95), 1),
            }
            for kind, values in sorted(kinds.items())
        }


def _kind(path: str) -> str:
    """A page's kind: its path without the query, the last segment of a batch or item page
    dropped (``/staff/ingest/batch/…``, ``/item/…``)."""
    path = path.split("?", 1)[0]
    for prefix in ("/staff/ingest/batch/", "/staff/ingest/task/", "/item/"):
        if path.startswith(prefix):
            return prefix + "…"
    return path


def run(env: dict, *args: str, stdin: str | None = None) -> str:
    done = subprocess.run(
        [*LANTAI, *args], env=env, input=stdin, capture_output=True, text=True, cwd=HERE.parents[1]
    )
    if done.returncode != 0:
        raise SystemExit(f"lantai {' '.join(args[:2])} failed: {done.stderr[-2000:]}")
    return done.stdout


def prepare(env: dict, demo: bool) -> tuple[str, str]:
    """Fonds, staff account and TOTP device; returns (device key hex, a J001 batch code)."""
    if demo:
        run(env, "demo", "--no-serve")
    else:
        run(env, "fonds", "add", "J001", "新闻联播测试全宗")
    roles = ["--role", "archivist", "--role", "reviewer"]
    run(
        env,
        "createuser",
        STAFF,
        *roles,
        "--fonds",
        "J001",
        "--password-stdin",
        stdin=PASSWORD + "\n",
    )
    done = subprocess.run(
        [sys.executable, "-c", SETUP, STAFF], env=env, capture_output=True, text=True, check=True
    )
    key, _, batch = done.stdout.strip().partition(" ")
    return key, batch


def distinct(stories: list[dict], count: int) -> list[dict]:
    """The first ``count`` stories with distinct file content: the news data repeats a few
    stories word for word, which check 1-8 rightly refuses as a duplicate transfer."""
    seen: set[tuple[str, str]] = set()
    kept = [
        s
        for s in stories
        if (s["title"], s["text"]) not in seen and not seen.add((s["title"], s["text"]))
    ]
    if len(kept) < count:
        raise SystemExit(f"only {len(kept)} distinct stories")
    return kept[:count]


def upload_zip(folder: Path) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.write(path, path.relative_to(folder.parent).as_posix())
    return buffer.getvalue()


def public_client(port: int, pages: list[str], stop: threading.Event, tally: Tally) -> None:
    rng, browser = random.Random(), Browser(port)
    while not stop.is_set():
        tally.hit(browser, rng.choice(pages))


def staff_pages(staff: Browser, batch: list[str], stop: threading.Event, tally: Tally) -> None:
    rng = random.Random(13)
    while not stop.is_set():
        query = urllib.parse.urlencode({"q": rng.choice(QUERIES)})
        for path in ["/staff/ingest/", "/staff/review/", f"/search?{query}", *batch[-1:]]:
            tally.hit(staff, path)
        stop.wait(1.5)


def staff_upload(port: int, cookies: dict, data: bytes, delay: float, outcome: dict,
                 batch: list[str], tally: Tally) -> None:  # fmt: skip
    """Upload the zip through the form, then poll its task page until it finishes."""
    time.sleep(delay)
    browser = Browser(port)
    browser.cookies = dict(cookies)
    began = time.perf_counter()
    try:
        answer = tally.hit(browser, "/staff/ingest/")
        fields = {"fonds": "J001", "agency": "基准测试上传"}
        status, location, page, seconds = browser.post_multipart(
            "/staff/ingest/", fields, "package", "移交.zip", data, browser.csrf(answer[2])
        )
        tally.latencies.append(seconds)
        outcome["post_status"] = status
        task = location if status == 302 and "/staff/ingest/task/" in location else ""
        while task and time.perf_counter() < began + outcome["give_up_s"]:
            time.sleep(1)
            answer = tally.hit(browser, task, ok=(200, 302))
            if answer is None:
                continue
            status, location, page, _ = answer
            if status != 200 or 'http-equiv="refresh"' not in page:
                break  # finished: a redirect to its batch, or the task page's final answer
        if status == 302 and "/staff/ingest/batch/" in location:
            status, _, page, _ = tally.hit(browser, location) or (0, "", "", 0)
            batch.append(location)
        outcome["accepted"] = status == 200 and "已入库" in page
        outcome["finished"] = 'http-equiv="refresh"' not in page
    except (OSError, http.client.HTTPException, TypeError) as error:
        outcome["error"] = type(error).__name__
    outcome["seconds"] = round(time.perf_counter() - began, 1)


def stop_process(process: subprocess.Popen | None) -> None:
    """SIGTERM the child's process group (serve's worker included), SIGKILL after 30 s."""
    if process is None or process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def measure(args: argparse.Namespace, work: Path) -> dict:
    env = throughput.fresh_env(work / "data")
    env["DJANGO_SETTINGS_MODULE"] = "lantai.settings"
    env.pop("LANTAI_TASKS_INLINE", None)
    env.pop("LANTAI_DATABASE_URL", None)
    if args.database_url:
        env["LANTAI_DATABASE_URL"] = args.database_url
    key, demo_batch = prepare(env, not args.no_demo)
    items = distinct(throughput.stories(args.items * 11 // 10 + 50), args.items + 3)
    throughput.make_submission(work / "submission", items[: args.items], False)
    throughput.make_submission(work / "upload" / "移交", items[args.items :], False)
    data = upload_zip(work / "upload" / "移交")

    port = args.port or free_port()
    server = ingest = None
    log = (work / "serve.log").open("wb")
    stop = threading.Event()
    threads: list[threading.Thread] = []
    try:
        server = subprocess.Popen(
            [*LANTAI, "serve", "--port", str(port), "--threads", str(args.threads)],
            env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        probe = Browser(port, timeout=5)
        for _ in range(240):
            try:
                if probe.request("GET", "/healthz")[0] == 200:
                    break
            except OSError:
                time.sleep(0.5)
        else:
            raise SystemExit(f"server did not answer /healthz: {(work / 'serve.log').read_text()}")
        catalogue = probe.request("GET", "/catalogue")[2]
        item_pages = sorted(set(ITEM_LINK.findall(catalogue)))[:20]
        pages = ["/", "/catalogue", *item_pages]
        pages += [f"/search?{urllib.parse.urlencode({'q': q})}" for q in QUERIES]
        staff = Browser(port)
        staff.sign_in(STAFF, PASSWORD, key)

        public, staff_tally, upload = Tally(), Tally(), {"give_up_s": args.upload_timeout}
        batch = [f"/staff/ingest/batch/{demo_batch}/"] if demo_batch else []
        threads = [
            threading.Thread(target=public_client, args=(port, pages, stop, public))
            for _ in range(args.clients)
        ]
        threads.append(threading.Thread(target=staff_pages, args=(staff, batch, stop, staff_tally)))
        uploader = threading.Thread(
            target=staff_upload,
            args=(port, staff.cookies, data, args.upload_after, upload, batch, staff_tally),
        )
        for thread in threads:
            thread.start()
        began = time.perf_counter()
        with (work / "ingest.json").open("wb") as out, (work / "ingest.err").open("wb") as err:
            command = [*LANTAI, "ingest", str(work / "submission"), "--fonds", "J001", "--json"]
            ingest = subprocess.Popen(command, env=env, stdout=out, stderr=err,
                                      start_new_session=True)  # fmt: skip
            uploader.start()
            code = ingest.wait()
        ingest_seconds = time.perf_counter() - began
        uploader.join(timeout=args.upload_timeout)
        stop.set()
        for thread in threads:
            thread.join()
        health_status, _, health, _ = probe.request("GET", "/healthz")
    finally:
        stop.set()
        stop_process(ingest)
        stop_process(server)
        log.close()
    try:
        report = json.loads((work / "ingest.json").read_text(encoding="utf-8"))
    except ValueError:
        report = {"status": "no JSON", "stderr": (work / "ingest.err").read_text()[-500:]}
    result = {
        "items": args.items,
        "clients": args.clients,
        "database": "postgresql" if args.database_url else "sqlite",
        "ingest_seconds": round(ingest_seconds, 1),
        "ingest_exit": code,
        "ingest_status": report.get("status"),
        "ingest_failed_checks": [
            c.get("code") for c in report.get("checks", []) if c.get("passed") is False
        ],
        "portal": public.summary(),
        "staff": staff_tally.summary(),
        "upload": {k: v for k, v in upload.items() if k != "give_up_s"},
        "healthz": {"status": health_status, **json.loads(health or "{}")},
    }
    ok = (
        code == 0 and report.get("status") == "accepted"
        and not result["portal"]["errors"] and not result["staff"]["errors"]
        and upload.get("accepted") is True and health_status == 200
        and result["staff"]["p95_ms"] < 1000
    )  # fmt: skip
    result["verdict"] = "PASS" if ok else "FAIL"
    return result


def table(result: dict) -> str:
    p, s, u = result["portal"], result["staff"], result["upload"]
    head = (
        "| items | DB | ingest s | exit | portal req / err | portal p50/p95/p99 ms "
        "| staff req / err | staff p50/p95/p99 ms | upload | healthz worker | target | peer |\n"
        "|---:|---|---:|---:|---:|---:|---:|---:|---|---|---|---|\n"
    )
    upload = f"{'accepted' if u.get('accepted') else 'NOT accepted'} in {u.get('seconds')} s"
    return head + (
        f"| {result['items']} | {result['database']} | {result['ingest_seconds']} "
        f"| {result['ingest_exit']} | {p['requests']} / {p['errors']} "
        f"| {p['p50_ms']} / {p['p95_ms']} / {p['p99_ms']} | {s['requests']} / {s['errors']} "
        f"| {s['p50_ms']} / {s['p95_ms']} / {s['p99_ms']} | {upload} "
        f"| {result['healthz'].get('worker')} | {result['verdict']} | {PEER} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=14_000)
    parser.add_argument("--clients", type=int, default=20, help="public client threads")
    parser.add_argument("--threads", type=int, default=8, help="server threads (serve's default)")
    parser.add_argument("--port", type=int, default=0, help="default: a free port")
    parser.add_argument("--database-url", default="", help="an empty PostgreSQL database")
    parser.add_argument("--no-demo", action="store_true", help="no sample records, J001 only")
    parser.add_argument("--upload-after", type=float, default=5.0, help="seconds into ingest")
    parser.add_argument("--upload-timeout", type=float, default=600.0)
    parser.add_argument("--stories", type=Path, default=throughput.DATA, help="news-xwlb jsonl")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args()
    throughput.DATA = args.stories
    work = Path(tempfile.mkdtemp(prefix="lantai-bench-under-load-", dir="/tmp"))
    try:
        result = measure(args, work)
    finally:
        if args.keep:
            print(f"kept {work}", file=sys.stderr)
        else:
            subprocess.run(["rm", "-rf", str(work)], check=False)
    print(json.dumps(result, ensure_ascii=False))
    print(table(result))


if __name__ == "__main__":
    main()
