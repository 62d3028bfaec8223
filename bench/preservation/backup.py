"""Backup and restore of an archive: ``lantai backup`` / ``lantai restore`` against copying the
database file and the store with standard tools.

Builds a real archive first — ``--records`` news stories received with ``lantai ingest`` (the
ingest benchmark's submission: one text file per record, so every record has its package and
audit events), then a metadata edit on every tenth record so versions exist too — and times,
each in a child process:

1. ``lantai backup DEST`` (first, full) and again (incremental: nothing new);
2. ``lantai restore DEST`` into a fresh data directory (files checked, rows loaded, then
   fixity, audit verification and reindex — the restore's own proof is part of its time);
3. the peer: SQLite's online backup API (``sqlite3.Connection.backup``) plus a recursive copy
   of the store (``cp -a``), and the copy back — what an administrator would do by hand, with
   no consistency between the two halves and no check afterwards.

    .venv/bin/python bench/preservation/backup.py --records 10000
"""

from __future__ import annotations

import argparse
import json
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "ingest"))
from throughput import DATA, LANTAI, fresh_env, ingest, make_submission, run_child


def stories(count: int) -> list[dict]:
    """The first ``count`` stories with distinct text: the corpus has a few repeated (and some
    whose text is "undefined"), which 1-8 rightly returns as duplicate files."""
    found, seen = [], set()
    with DATA.open(encoding="utf-8") as stream:
        for line in stream:
            story = json.loads(line)
            key = story["text"].strip()
            if key not in seen and key != "undefined":
                seen.add(key)
                found.append(story)
            if len(found) == count:
                return found
    raise SystemExit(f"only {len(found)} distinct stories in {DATA}")


def tree_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def edit_every_tenth(env: dict[str, str], work: Path) -> None:
    script = (
        "import django; django.setup()\n"
        "from lantai.archive.models import Item\n"
        "from lantai.preservation.packages import refresh_due\n"
        "tenth = list(Item.objects.values_list('pk', flat=True))[::10]\n"
        "for item in Item.objects.filter(pk__in=tenth):\n"
        "    item.description = '（基准测试：著录修改）'\n"
        "    item.save()\n"
        "refresh_due()\n"
    )
    env = {**env, "DJANGO_SETTINGS_MODULE": "lantai.settings"}
    subprocess.run([sys.executable, "-c", script], env=env, check=True, cwd=work)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=10_000)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="lantai-bench-backup-"))
    try:
        folder = work / "submission"
        make_submission(folder, stories(args.records), as_html=False)
        received = ingest(folder, work, "source")
        env = received["env"]
        edit_every_tenth(env, work)
        data = Path(env["LANTAI_DATA_DIR"])
        store_bytes = tree_bytes(data / "storage")
        db_bytes = (data / "lantai.sqlite3").stat().st_size

        dest = work / "backup"
        full = run_child([*LANTAI, "backup", str(dest), "--json"], env, work / "b1.json")
        first = json.loads((work / "b1.json").read_text())[0]
        again = run_child([*LANTAI, "backup", str(dest), "--json"], env, work / "b2.json")
        second = json.loads((work / "b2.json").read_text())[0]

        target = fresh_env(work / "restored")
        back = run_child([*LANTAI, "restore", str(dest), "--json"], target, work / "r.json")
        report = json.loads((work / "r.json").read_text().strip().splitlines()[-1])

        start = time.perf_counter()
        peer = work / "peer"
        peer.mkdir()
        with (
            sqlite3.connect(data / "lantai.sqlite3") as source,
            sqlite3.connect(peer / "lantai.sqlite3") as copy,
        ):
            source.backup(copy)
        subprocess.run(["cp", "-a", str(data / "storage"), str(peer / "storage")], check=True)
        peer_backup = time.perf_counter() - start
        start = time.perf_counter()
        subprocess.run(["cp", "-a", str(peer), str(work / "peer-restored")], check=True)
        peer_restore = time.perf_counter() - start

        megabytes = (store_bytes + db_bytes) / 1e6
        print(
            f"records: {args.records:,}; store {store_bytes / 1e6:.1f} MB in "
            f"{first['files']:,} files; database {db_bytes / 1e6:.1f} MB; "
            f"backup rows {first['rows']:,}"
        )
        print("| step | Lantai s | Lantai MB/s | peer s | peer MB/s |")
        print("|---|---|---|---|---|")
        print(
            f"| backup, first | {full['seconds']:.1f} | {megabytes / full['seconds']:.1f} | "
            f"{peer_backup:.1f} | {megabytes / peer_backup:.1f} |"
        )
        print(
            f"| backup, incremental ({second['copied']} files copied) | "
            f"{again['seconds']:.1f} | — | — | — |"
        )
        print(
            f"| restore (with fixity, audit verify, reindex) | {back['seconds']:.1f} | "
            f"{megabytes / back['seconds']:.1f} | {peer_restore:.1f} | "
            f"{megabytes / peer_restore:.1f} |"
        )
        print(
            f"restore proved: fixity {report['fixity']['ok']}, audit {report['audit']['ok']}, "
            f"reindex {report['reindex']['ok']}; peak RSS backup "
            f"{full['rss_kib'] / 1024:.0f} MiB, restore {back['rss_kib'] / 1024:.0f} MiB"
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
