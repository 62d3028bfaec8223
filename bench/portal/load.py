"""HTTP load on the public search page: N concurrent clients for S seconds (issue 6 figure).

    .venv/bin/python bench/portal/load.py --records 100000 --clients 50 --seconds 60

Sets up a fresh data dir with `lantai demo --no-serve` (the sample archive through the real
ingest), tops it up with --records real-text records from the search bench corpus
(bench/search/build_corpus.py; built if missing) inserted in bulk and indexed with
`lantai reindex`, starts the production server (`lantai serve`, waitress) and drives
`/search?q=…` from --clients threads with keep-alive connections. Prints requests, errors
(any status other than 200, or a connection failure), throughput and latency percentiles.
No peer: none of the systems compared in architecture §10 publishes a figure for this.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "bench" / "out" / "search"
QUERIES = [
    "经济",
    "发展 建设",
    '"人民代表大会"',
    "教育 date:2000..2020",
    "會議",
    "生态 保护",
    "科技 创新 -外事",
    "法治",
    "脫貧攻堅",
    "title:通知",
    "文化 OR 教育",
    "民生 fonds:J002",
]

POPULATE = r"""
import json, sys
import django
django.setup()
from django.db import transaction
from lantai.archive.models import Fonds, Item
path, limit = sys.argv[1], int(sys.argv[2])
fonds = {}
batch = []
with open(path, encoding="utf-8") as handle, transaction.atomic():
    for n, line in enumerate(handle):
        if n >= limit:
            break
        doc = json.loads(line)
        code = doc["fonds"]
        if code not in fonds:
            fonds[code], _ = Fonds.objects.get_or_create(code=code, defaults={"name": code})
        batch.append(Item(
            fonds=fonds[code], ref_code="B" + doc["ref_code"], category=doc.get("category") or "WS",
            year=int((doc.get("date") or "2000")[:4]), number=n + 1, title=doc["title"][:1000],
            date=doc["date"] or "",
            retention="Y", text=doc["body"], topics=doc.get("topics", []),
            open_status="open" if "public" in doc["access"] else "closed"))
        if len(batch) == 5000:
            Item.objects.bulk_create(batch)
            batch = []
    Item.objects.bulk_create(batch)
print(Item.objects.count())
"""


def lantai(env: dict, *args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "lantai", *args],
        env=env,
        check=True,
        capture_output=True,
        text=True,
        **kwargs,
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prepare(records: int) -> tuple[dict, float]:
    built = sorted(CORPUS.glob("corpus-*.jsonl"), key=lambda p: int(p.stem.split("-")[1]))
    big_enough = [p for p in built if int(p.stem.split("-")[1]) >= records]
    corpus = big_enough[0] if big_enough else CORPUS / f"corpus-{records}.jsonl"
    if records and not corpus.exists():
        subprocess.run(
            [sys.executable, str(ROOT / "bench/search/build_corpus.py"), "--records", str(records)],
            check=True,
            cwd=ROOT / "bench/search",
        )
    env = {k: v for k, v in os.environ.items() if k != "LANTAI_DATABASE_URL"}
    env.update(
        LANTAI_DATA_DIR=tempfile.mkdtemp(prefix="lantai-load-"),
        DJANGO_SETTINGS_MODULE="lantai.settings",
    )
    started = time.perf_counter()
    lantai(env, "demo", "--no-serve")
    if records:
        subprocess.run(
            [sys.executable, "-c", POPULATE, str(corpus), str(records)], env=env, check=True
        )
        lantai(env, "reindex")
    return env, time.perf_counter() - started


def client(port: int, stop: float, latencies: list[float], errors: list[str]) -> None:
    rng = random.Random(threading.get_ident())
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    while time.perf_counter() < stop:
        query = urllib.parse.urlencode({"q": rng.choice(QUERIES), "page": rng.choice([1, 1, 2])})
        began = time.perf_counter()
        try:
            connection.request("GET", f"/search?{query}")
            response = connection.getresponse()
            response.read()
            if response.status != 200:
                errors.append(str(response.status))
        except (OSError, http.client.HTTPException) as error:
            errors.append(type(error).__name__)
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            continue
        latencies.append(time.perf_counter() - began)


def percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[int(q) - 1] * 1000 if len(values) > 1 else 0.0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--threads", type=int, default=16, help="server threads (waitress)")
    args = parser.parse_args()
    env, setup = prepare(args.records)
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "lantai",
            "serve",
            "--port",
            str(port),
            "--threads",
            str(args.threads),
            "--no-worker",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(120):
            try:
                http.client.HTTPConnection("127.0.0.1", port, timeout=2).request("GET", "/healthz")
                break
            except OSError:
                time.sleep(0.5)
        latencies: list[float] = []
        errors: list[str] = []
        stop = time.perf_counter() + args.seconds
        threads = [
            threading.Thread(target=client, args=(port, stop, latencies, errors))
            for _ in range(args.clients)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        server.terminate()
        server.wait(timeout=30)
    result = {
        "records": args.records + 33,
        "clients": args.clients,
        "seconds": args.seconds,
        "setup_seconds": round(setup, 1),
        "requests": len(latencies) + len(errors),
        "errors": len(errors),
        "req_per_s": round(len(latencies) / args.seconds, 1),
        "p50_ms": round(percentile(latencies, 50), 1),
        "p95_ms": round(percentile(latencies, 95), 1),
        "p99_ms": round(percentile(latencies, 99), 1),
    }
    print(
        "| system | records | clients | s | requests | errors | req/s | p50 ms | p95 ms | p99 ms |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    print(
        f"| Lantai `lantai serve` /search | {result['records']} | {args.clients} | {args.seconds} "
        f"| {result['requests']} | {result['errors']} | {result['req_per_s']} | "
        f"{result['p50_ms']} | {result['p95_ms']} | {result['p99_ms']} |"
    )
    print("| peer | — | — | — | — | — | — | n/a (no published figure) | | |")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
