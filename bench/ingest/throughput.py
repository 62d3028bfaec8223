"""Ingest throughput and memory: ``lantai ingest`` end to end on real news stories.

Converts the first ``--items`` stories of ``../shared/data/news-xwlb`` into a folder + catalogue
submission in a temporary directory (one UTF-8 ``.txt`` per story, or with ``--html`` one small
HTML page; ``目录.csv`` with 题名/责任者/日期/保管期限/门类/机构问题/文件名 and no 档号, so
Lantai allocates them), then runs the real command in a child process against a fresh
``LANTAI_DATA_DIR``::

    lantai fonds add J001 …
    lantai ingest DIR --fonds J001 --json     # checks, AIPs, records, text, search index

and reports wall time, items/s and the ingest child's peak RSS (``os.wait4``'s rusage for
that one process). The CLI applies the search outbox before it exits, so indexing is included;
afterwards ``lantai search --as staff`` must find sampled titles under their new 档号.

``--stages`` repeats the ingest under cProfile (in another fresh data directory) and prints
the cumulative time of each pipeline stage; profiling inflates Python-heavy stages, so read
those figures as shares, not as the throughput.

    .venv/bin/python bench/ingest/throughput.py --items 1000 [--html] [--stages]

The stories are CCTV's text (research use only, see the data's SOURCE.md): they are written
to the temporary directory only and removed afterwards.
"""

from __future__ import annotations

import argparse
import csv
import html
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DATA = REPO.parent / "shared" / "data" / "news-xwlb" / "stories-2022-2025.jsonl"
LANTAI = [sys.executable, "-m", "lantai"]
CODE = REPO  # the tree whose lantai runs (--code: compare with another checkout)
HEADER = ["题名", "责任者", "日期", "保管期限", "门类", "机构问题", "文件名"]

# Archivematica, archivematica/Issues #315 (see ../shared/reference/other-archive-systems.md
# §3): per-step wall times for a 10,003-file transfer. No end-to-end figure is published.
NO_FIGURE = "n/a (no published figure stored)"
PEER_FILES = 10_003
PEER_STEPS = {
    "Assign file UUIDs and checksums": 4 * 60 + 15,
    "Scan for viruses": 2 * 60 + 24,
    "Verify transfer compliance": 21,
}

# Stage → the function whose cumulative time measures it (pstats keys: file suffix, name).
STAGES = [
    ("read submission", "ingest/sources/__init__.py", "open_submission"),
    ("四性检测 (digests + checks)", "ingest/checks/__init__.py", "run_checks"),
    ("  of which digests", "ingest/fixity.py", "digest_files"),
    ("extract text", "ingest/batch.py", "_extracted_chunks"),
    ("records + AIPs (in transaction)", "ingest/batch.py", "_store_items"),
    ("  of which AIP writing (4 threads)", "ingest/aip.py", "write_all"),
    ("  of which 档号 allocation", "archive/allocation.py", "allocate"),
    ("  of which audit events", "audit/chain.py", "record"),
    ("sync + rename AIPs", "ingest/aip.py", "commit"),
    ("apply search outbox (index)", "search/indexer.py", "apply_if_free"),
]


def stories(count: int) -> list[dict]:
    found = []
    with DATA.open(encoding="utf-8") as stream:
        for line in stream:
            found.append(json.loads(line))
            if len(found) == count:
                break
    if len(found) < count:
        raise SystemExit(f"only {len(found)} stories in {DATA}")
    return found


def page(story: dict) -> str:
    title = html.escape(story["title"])
    paragraphs = "".join(f"<p>{html.escape(p)}</p>\n" for p in story["text"].splitlines() if p)
    return (
        f'<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>{title}</title></head>\n<body><article><h1>{title}</h1>\n"
        f'<p class="date">{story["date"]}</p>\n{paragraphs}</article></body></html>\n'
    )


def make_submission(folder: Path, items: list[dict], as_html: bool) -> int:
    """Write the folder + 目录.csv; returns the payload bytes."""
    folder.mkdir(parents=True)
    total = 0
    rows = []
    for story in items:
        name = f"{story['id']}.{'html' if as_html else 'txt'}"
        text = page(story) if as_html else f"{story['title']}\n\n{story['text']}\n"
        data = text.encode("utf-8")
        (folder / name).write_bytes(data)
        total += len(data)
        rows.append([story["title"], "中央广播电视总台", story["date"], "D30", "WS", "XWB", name])
    with (folder / "目录.csv").open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(HEADER)
        writer.writerows(rows)
    return total


def tree_rss_kib(pid: int) -> int:
    """Resident memory of ``pid`` and all its descendants (extraction workers), from /proc."""
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            total += int(status.split("VmRSS:")[1].split()[0]) if "VmRSS:" in status else 0
            for task in Path(f"/proc/{current}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, ValueError, IndexError):
            continue
    return total


def run_child(command: list[str], env: dict[str, str], stdout: Path) -> dict:
    """Run one command; returns wall seconds, CPU seconds (user + system, its reaped worker
    processes included), its own peak RSS (KiB, from ``wait4``) and the peak of the sum over
    its process tree (KiB, sampled every 20 ms from /proc)."""
    start = time.perf_counter()
    peak_tree = 0
    with stdout.open("wb") as out:
        child = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.PIPE, cwd=CODE)
        done = threading.Event()

        def sample() -> None:
            nonlocal peak_tree
            while not done.wait(0.02):
                peak_tree = max(peak_tree, tree_rss_kib(child.pid))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        # stderr is small (errors only); read it after the wait, the pipe buffer suffices.
        _, status, usage = os.wait4(child.pid, 0)
        done.set()
        sampler.join()
    seconds = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    error = child.stderr.read().decode("utf-8", "replace") if child.stderr else ""
    if child.returncode != 0:
        raise SystemExit(f"{' '.join(command[2:5])} … failed ({child.returncode}):\n{error}")
    return {
        "seconds": seconds,
        "cpu": usage.ru_utime + usage.ru_stime,
        "rss_kib": usage.ru_maxrss,
        "tree_kib": peak_tree,
    }


def fresh_env(data_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["LANTAI_DATA_DIR"] = str(data_dir)
    env["PYTHONPATH"] = str(CODE)
    return env


def ingest(folder: Path, work: Path, tag: str, profile: Path | None = None) -> dict:
    data_dir = work / f"data-{tag}"
    env = fresh_env(data_dir)
    run_child([*LANTAI, "fonds", "add", "J001", "新闻联播测试全宗"], env, work / "fonds.out")
    prefix = [sys.executable, "-m", "cProfile", "-o", str(profile), "-m", "lantai"]
    command = [*(prefix if profile else LANTAI), "ingest", str(folder), "--fonds", "J001"]
    out = work / f"ingest-{tag}.json"
    measured = run_child([*command, "--json"], env, out)
    report = json.loads(out.read_text(encoding="utf-8"))
    if report["status"] != "accepted":
        failed = [c for c in report["checks"] if c["passed"] is False]
        raise SystemExit(f"batch returned: {json.dumps(failed, ensure_ascii=False)[:2000]}")
    return {**measured, "report": report, "env": env}


def verify_search(run: dict, items: list[dict], work: Path, samples: int = 3) -> int:
    """Search sampled titles as staff; each must be found under its allocated 档号."""
    by_title: dict[str, list[str]] = {}
    for record in run["report"]["records"]:
        by_title.setdefault(record["title"], []).append(record["ref_code"])
    unique = [story for story in items if len(by_title[story["title"]]) == 1]
    found = 0
    for story in random.Random(7).sample(unique, min(samples, len(unique))):
        expected = by_title[story["title"]][0]
        command = [*LANTAI, "search", story["title"], "--as", "staff", "--json"]
        run_child(command, run["env"], work / "search.json")
        hits = json.loads((work / "search.json").read_text(encoding="utf-8"))["hits"]
        if expected not in {h["ref_code"] for h in hits}:
            raise SystemExit(f"search for {story['title']!r} did not find {expected}")
        found += 1
    return found


def stage_times(profile: Path) -> list[tuple[str, float]]:
    import pstats

    stats = pstats.Stats(str(profile)).stats  # type: ignore[attr-defined]
    rows = []
    for label, suffix, name in STAGES:
        total = sum(
            cumulative
            for (filename, _, function), (_, _, _, cumulative, _) in stats.items()
            if function == name and filename.endswith(suffix)
        )
        rows.append((label, total))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=1000)
    parser.add_argument("--html", action="store_true", help="HTML pages instead of plain text")
    parser.add_argument("--stages", action="store_true", help="also a cProfiled run, by stage")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    parser.add_argument("--code", type=Path, default=REPO, help="run lantai from this tree")
    args = parser.parse_args()
    global CODE
    CODE = args.code.resolve()

    work = Path(tempfile.mkdtemp(prefix="lantai-bench-ingest-", dir="/tmp"))
    try:
        items = stories(args.items)
        folder = work / "submission"
        payload = make_submission(folder, items, args.html)
        kind = "HTML" if args.html else "text"
        print(f"{len(items)} stories ({kind}), {payload / 1e6:.1f} MB payload, in {work}")
        run = ingest(folder, work, "timed")
        report = run["report"]
        assert report["items"] == len(items) == len(report["records"]), report["items"]
        found = verify_search(run, items, work)
        seconds, cpu = run["seconds"], run["cpu"]
        print(f"search --as staff found {found}/{found} sampled (unique) titles under their 档号\n")
        print("| system | items | seconds | items/s | CPU s | peak RSS MiB (process / tree) |")
        print("|---|---:|---:|---:|---:|---:|")
        print(
            f"| Lantai `lantai ingest` ({kind}, end to end) | {len(items)} | {seconds:.1f} "
            f"| {len(items) / seconds:.0f} | {cpu:.1f} "
            f"| {run['rss_kib'] / 1024:.0f} / {run['tree_kib'] / 1024:.0f} |"
        )
        for step, wall in PEER_STEPS.items():
            print(
                f"| Archivematica, step “{step}” only (Issues #315) | {PEER_FILES} | {wall} "
                f"| {PEER_FILES / wall:.0f} | n/a | n/a |"
            )
        steps = sum(PEER_STEPS.values())
        print(
            f"| Archivematica, those 3 steps together | {PEER_FILES} | {steps} "
            f"| {PEER_FILES / steps:.0f} | n/a | n/a |"
        )
        print(f"| Archivematica, end to end | 10 k | {NO_FIGURE} | n/a | n/a | n/a |")
        if args.stages:
            profile = work / "ingest.prof"
            profiled = ingest(folder, work, "profiled", profile)
            print(f"\nstages under cProfile (total {profiled['seconds']:.1f} s wall):\n")
            print("| stage | seconds |")
            print("|---|---:|")
            for label, total in stage_times(profile):
                print(f"| {label} | {total:.2f} |")
            if args.keep:
                print(f"\nprofile: {profile}")
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
