"""Real full disks (tmpfs), not a simulated ENOSPC: the store, the database, the index (issue 13).

The unit tests raise ENOSPC in-process; this trial fills real file systems and runs the real
``lantai`` commands, as the robustness trial that filed the issue did. Needs root (it mounts
two tmpfs, unmounted at the end). Cases:

1. **Store too small**: a 5 × 12 MB batch into a 48 MiB data disk → refused before writing
   (exit 75, the disk and the space needed named), no items, no bags.
2. **Database disk full**: the data disk filled to the last byte, then ``lantai fonds add`` →
   exit 75, 磁盘已满 naming the database, no traceback; with the space back the same command
   succeeds.
3. **Index disk full after commit**: the index on its own 16 MiB tmpfs, filled; a 3-item ingest
   → accepted (exit 0) with a warning; with the space back ``lantai search`` finds all three.

Run: ``sudo .venv/bin/python bench/ingest/disk_full.py`` (about a minute). It prints one row per
case: what was expected, the exit code, the first line of the message, and whether it held.
"""

from __future__ import annotations

import csv
import io
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

MiB = 1024 * 1024


def lantai(data: Path, *args: str) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if k != "LANTAI_DATABASE_URL"}
    environ.update(LANTAI_DATA_DIR=str(data), LANTAI_TASKS_INLINE="1")
    return subprocess.run(
        [sys.executable, "-m", "lantai", *args],
        capture_output=True,
        text=True,
        env=environ,
        timeout=600,
        check=False,
    )


def mount(path: Path, size_mib: int) -> None:
    path.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size_mib}m", "tmpfs", str(path)], check=True
    )


def fill(directory: Path) -> Path:
    """Write zeros until the file system is full (to the last 4 KiB); return the filler."""
    filler = directory / "filler.bin"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        for size in (MiB, 4096, 512):
            block = b"\0" * size
            while True:
                try:
                    os.write(fd, block)
                except OSError:
                    break
    finally:
        os.close(fd)
    return filler


def pdf(title: str, padding: int) -> bytes:
    """A valid PDF carrying ``padding`` random bytes as an attachment (incompressible)."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.add_metadata({"/Title": title})
    if padding:
        writer.add_attachment("noise.bin", os.urandom(padding))
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def transfer(folder: Path, count: int, padding: int, first: int = 1) -> Path:
    folder.mkdir(parents=True)
    rows = []
    for number in range(first, first + count):
        name = f"{number:04d}.pdf"
        (folder / name).write_bytes(pdf(f"第{number}号通知", padding))
        rows.append(
            {
                "档号": "",
                "题名": f"关于第{number}项工作的通知",
                "责任者": "办公室",
                "日期": f"2020-03-{number:02d}",
                "保管期限": "永久",
                "密级": "",
                "页数": "1",
                "文件名": name,
                "门类": "WS",
                "机构问题": "BGS",
            }
        )
    with (folder / "目录.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return folder


def items(data: Path) -> int:
    with sqlite3.connect(data / "lantai.sqlite3") as db:
        return db.execute("SELECT count(*) FROM archive_item").fetchone()[0]


def first_line(result: subprocess.CompletedProcess) -> str:
    text = (result.stderr or result.stdout).strip()
    return text.splitlines()[0] if text else ""


def case_store_too_small(root: Path, work: Path) -> dict:
    data = root / "store-full" / "var"
    mount(data.parent, 48)
    assert lantai(data, "fonds", "add", "J001", "测试全宗").returncode == 0
    result = lantai(data, "ingest", str(transfer(work / "big", 5, 12 * MiB)), "--fonds", "J001")
    bags = list((data / "storage" / "aip").rglob("*.pdf")) if (data / "storage").exists() else []
    held = (
        result.returncode == 75
        and "磁盘空间不足" in result.stderr + result.stdout
        and items(data) == 0
        and not bags
        and "Traceback" not in result.stderr
    )
    if not held:
        print(result.stdout[-4000:], result.stderr[-2000:], file=sys.stderr)
    return {
        "case": "store too small",
        "expected": "exit 75, nothing written",
        "exit": result.returncode,
        "message": first_line(result),
        "held": held,
    }


def case_database_full(root: Path) -> dict:
    data = root / "db-full" / "var"
    mount(data.parent, 24)
    assert lantai(data, "fonds", "add", "J001", "测试全宗").returncode == 0
    filler = fill(data.parent)
    result = lantai(data, "fonds", "add", "J002", "另一全宗")
    filler.unlink()
    again = lantai(data, "fonds", "add", "J002", "另一全宗")
    held = (
        result.returncode == 75
        and "磁盘已满" in result.stderr
        and "lantai.sqlite3" in result.stderr
        and "Traceback" not in result.stderr
        and again.returncode == 0
    )
    return {
        "case": "database disk full",
        "expected": "exit 75 naming the DB; works after",
        "exit": result.returncode,
        "message": first_line(result),
        "held": held,
    }


def case_index_full(root: Path, work: Path) -> dict:
    data = root / "index-full" / "var"
    data.mkdir(parents=True)
    index = root / "index-disk"
    mount(index, 16)
    (index / "index").mkdir()
    (data / "index").symlink_to(index / "index")
    assert lantai(data, "fonds", "add", "J001", "测试全宗").returncode == 0
    assert lantai(data, "reindex").returncode == 0
    filler = fill(index)
    result = lantai(
        data, "ingest", str(transfer(work / "small", 3, 0, first=11)), "--fonds", "J001"
    )
    accepted = items(data) == 3
    filler.unlink()
    search = lantai(data, "search", "通知", "--as", "staff", "--json")
    try:
        found = len(json.loads(search.stdout).get("hits", []))
    except ValueError:
        found = -1
    held = result.returncode == 0 and accepted and found == 3 and "Traceback" not in result.stderr
    warning = next(
        (line for line in result.stderr.splitlines() if "索引" in line), first_line(result)
    )
    return {
        "case": "index disk full after commit",
        "expected": "accepted with a warning; found after",
        "exit": result.returncode,
        "message": warning,
        "held": held,
        "found_after": found,
    }


def main() -> None:
    if os.geteuid() != 0:
        sys.exit("disk_full.py mounts tmpfs file systems: run it as root")
    root = Path(tempfile.mkdtemp(prefix="lantai-diskfull-"))
    work = Path(tempfile.mkdtemp(prefix="lantai-diskfull-src-"))
    mounts = [root / "store-full", root / "db-full", root / "index-disk"]
    rows = []
    try:
        rows.append(case_store_too_small(root, work))
        rows.append(case_database_full(root))
        rows.append(case_index_full(root, work))
    finally:
        for path in mounts:
            subprocess.run(["umount", str(path)], check=False, capture_output=True)
    print("| case | expected | exit | message (first line) | held |")
    print("|---|---|---:|---|---|")
    for row in rows:
        print(
            f"| {row['case']} | {row['expected']} | {row['exit']} | {row['message'][:140]} | "
            f"{'yes' if row['held'] else 'NO'} |"
        )
    print(json.dumps(rows, ensure_ascii=False))
    sys.exit(0 if all(row["held"] for row in rows) else 1)


if __name__ == "__main__":
    main()
