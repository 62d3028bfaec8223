"""Streaming digests and fixity (lantai.preservation.hashing, lantai.preservation.fixity)."""

from __future__ import annotations

import hashlib
import io
from concurrent.futures import ThreadPoolExecutor

from lantai.preservation import hashing
from lantai.preservation.fixity import Entry, hash_file_split, verify


class EndlessZeros(io.RawIOBase):
    """A 10 GB stream that records the size of every read and never holds the data."""

    def __init__(self, size: int) -> None:
        self.left, self.reads, self.buffers = size, [], set()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        count = min(len(buffer), self.left)
        self.left -= count
        self.reads.append(count)
        self.buffers.add(id(buffer))
        return count


class CountingHasher:
    name = "count"

    def __init__(self) -> None:
        self.total = 0

    def update(self, block) -> None:
        self.total += len(block)

    def hexdigest(self) -> str:
        return str(self.total)


def test_ten_gigabyte_stream_is_hashed_in_bounded_blocks(monkeypatch):
    monkeypatch.setattr(hashing.hashlib, "new", lambda name: CountingHasher())
    stream = EndlessZeros(10 * 1024**3)
    digests, size = hashing.hash_stream(stream, ["count"])
    assert size == 10 * 1024**3 and digests == {"count": str(size)}
    assert max(stream.reads) <= hashing.BLOCK_SIZE
    assert len(stream.buffers) == 1  # one reused buffer: memory is one block


def test_hash_file_matches_hashlib_for_sha256_and_sm3(tmp_path):
    data = b"\xe5\x85\xb0\xe5\x8f\xb0" * 1_000_000
    path = tmp_path / "f"
    path.write_bytes(data)
    digests, size = hashing.hash_file(path, block_size=65536)
    assert size == len(data)
    assert digests == {
        "sha256": hashlib.sha256(data).hexdigest(),
        "sm3": hashlib.new("sm3", data).hexdigest(),
    }


def test_split_hashing_of_one_file_equals_plain_hashing(tmp_path):
    path = tmp_path / "f"
    path.write_bytes(bytes(range(256)) * 50_000)
    with ThreadPoolExecutor(2) as helper:
        split = hash_file_split(path, ["sha256", "sm3"], helper, None)
    assert split == hashing.hash_file(path)


def test_copy_and_hash_copies_exactly(tmp_path):
    source, target = tmp_path / "a", tmp_path / "b"
    source.write_bytes(b"x" * 5_000_000)
    digests, _ = hashing.copy_and_hash(source, target)
    assert target.read_bytes() == source.read_bytes()
    assert digests["sha256"] == hashlib.sha256(source.read_bytes()).hexdigest()


def test_verify_reports_mismatch_missing_file_and_progress(tmp_path):
    good, bad = tmp_path / "good", tmp_path / "bad"
    good.write_bytes(b"good")
    bad.write_bytes(b"bad!")
    expected = {"sha256": hashlib.sha256(b"good").hexdigest()}
    seen = []
    results = {
        r.name: r
        for r in verify(
            [
                Entry("good", good, expected),
                Entry("bad", bad, expected),
                Entry("gone", tmp_path / "gone", expected),
            ],
            workers=2,
            progress=seen.append,
        )
    }
    assert results["good"].ok and results["good"].actual["sm3"]
    assert not results["bad"].ok and results["bad"].mismatched == ["sha256"]
    assert not results["gone"].ok and "无法读取" in results["gone"].error
    assert sum(seen) == 8


def test_verify_many_files_streams_results_in_bounded_window(tmp_path):
    entries = []
    for n in range(50):
        path = tmp_path / f"{n}"
        path.write_bytes(str(n).encode())
        entries.append(
            Entry(str(n), path, {"sm3": hashlib.new("sm3", str(n).encode()).hexdigest()})
        )
    assert all(r.ok for r in verify(iter(entries), workers=2))


# --- `lantai fixity` on a real store (child processes, own SQLite data directory) ---------------

import json  # noqa: E402
import os  # noqa: E402
import shutil  # noqa: E402
import sqlite3  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

from tests.ingest.builders import pdf_bytes, row, write_csv  # noqa: E402
from tests.processes import HOLD_WRITE_LOCK, run_lantai  # noqa: E402


@pytest.fixture(scope="module")
def stored_template(tmp_path_factory) -> Path:
    """A data directory with three items ingested (built once, copied for each test)."""
    base = tmp_path_factory.mktemp("fixity")
    folder = base / "移交"
    folder.mkdir()
    rows = [row(n) for n in (1, 2, 3)]
    for r in rows:
        (folder / r["文件名"]).write_bytes(pdf_bytes(r["题名"]))
    write_csv(folder / "目录.csv", rows)
    data = base / "var"
    assert run_lantai(data, "fonds", "add", "J001", "测试全宗").returncode == 0
    ingested = run_lantai(data, "ingest", str(folder), "--fonds", "J001")
    assert ingested.returncode == 0, ingested.stderr
    return data


@pytest.fixture
def store(stored_template, tmp_path) -> Path:
    data = tmp_path / "var"
    shutil.copytree(stored_template, data, symlinks=True)
    return data


def bag_of(data: Path, number: int) -> Path:
    manifest = next(
        p
        for p in (data / "storage" / "aip").rglob("manifest-sha256.txt")
        if f"{number:04d}.pdf" in p.read_text("utf-8")
    )
    return manifest.parent


def writable(path: Path) -> Path:
    for part in [path, *path.parents]:
        if part.exists() and not os.access(part, os.W_OK):
            part.chmod(0o755 if part.is_dir() else 0o644)
        if part.name == "aip":
            break
    return path


def flip_byte(path: Path, offset: int = 5) -> None:
    writable(path)
    content = bytearray(path.read_bytes())
    content[offset] ^= 0xFF
    path.write_bytes(bytes(content))


def fixity_json(data: Path) -> tuple[int, dict]:
    result = run_lantai(data, "fixity", "--json")
    assert "内部错误" not in result.stderr, result.stderr
    return result.returncode, json.loads(result.stdout)


def problems_of(report: dict) -> str:
    return "\n".join(f"{f['file']}: {f['problem']}" for f in report["failures"])


def test_fixity_of_an_untouched_store_passes_and_counts_every_file(store):
    code, report = fixity_json(store)
    assert code == 0, report
    assert report["failed"] == 0 and report["failures"] == []
    assert report["checked"] == 3
    assert report["bags"] == 3


def test_fixity_names_a_flipped_byte_in_the_metadata_of_a_package(store):
    bag = bag_of(store, 2)
    flip_byte(bag / "data" / "metadata.json")
    code, report = fixity_json(store)
    assert code == 1
    assert report["failed"] == 1, problems_of(report)
    failure = report["failures"][0]
    assert failure["file"].endswith("/data/metadata.json")
    assert failure["bag"] == str(bag.relative_to(store / "storage"))
    assert "manifest" in failure["problem"]


def names(report: dict, suffix: str, phrase: str) -> bool:
    """Whether a failure names a file ending in ``suffix`` with ``phrase`` in its problem."""
    return any(f["file"].endswith(suffix) and phrase in f["problem"] for f in report["failures"])


def test_fixity_names_a_flipped_byte_in_bag_info(store):
    bag = bag_of(store, 1)
    flip_byte(bag / "bag-info.txt", offset=2)
    code, report = fixity_json(store)
    assert code == 1
    assert names(report, "/bag-info.txt", "tagmanifest"), problems_of(report)


def test_fixity_names_an_edited_manifest(store):
    bag = bag_of(store, 3)
    manifest = writable(bag / "manifest-sha256.txt")
    manifest.write_text(manifest.read_text("utf-8").replace("a", "b", 1), "utf-8")
    code, report = fixity_json(store)
    assert code == 1
    assert names(report, "/manifest-sha256.txt", "tagmanifest"), problems_of(report)


def test_fixity_names_an_extra_file_in_a_bag(store):
    bag = bag_of(store, 1)
    writable(bag / "data" / "original")
    (bag / "data" / "original" / "多余.txt").write_text("不该在这里", "utf-8")
    code, report = fixity_json(store)
    assert code == 1
    assert names(report, "/data/original/多余.txt", "未列入"), problems_of(report)
    text = run_lantai(store, "fixity")
    assert "多余.txt" in text.stderr and text.returncode == 1


def test_fixity_names_a_stored_file_replaced_by_a_symlink(store, tmp_path):
    bag = bag_of(store, 2)
    victim = bag / "data" / "original" / "0002.pdf"
    outside = tmp_path / "copy.pdf"
    outside.write_bytes(victim.read_bytes())  # the same bytes: only the link is wrong
    writable(victim.parent)
    victim.unlink()
    victim.symlink_to(outside)
    code, report = fixity_json(store)
    assert code == 1
    failure = next(f for f in report["failures"] if f["file"].endswith("/0002.pdf"))
    assert failure["name"] == "0002.pdf"
    assert "符号链接" in failure["problem"]


def test_fixity_names_a_missing_bag_and_an_unregistered_one(store):
    gone = bag_of(store, 1)
    writable(gone.parent)
    stray = gone.parent / "未登记的包"
    shutil.copytree(gone, stray)
    for path in [gone, *gone.rglob("*")]:
        writable(path)
    shutil.rmtree(gone)
    code, report = fixity_json(store)
    assert code == 1
    files = {f["file"]: f["problem"] for f in report["failures"]}
    missing = [f for f in files if f.startswith(str(gone.relative_to(store / "storage")))]
    assert missing and all("缺失" in files[f] for f in missing), files
    assert any("未登记" in p for f, p in files.items() if "未登记的包" in f), files


@pytest.fixture(scope="module")
def large_store(tmp_path_factory) -> Path:
    """Over 2000 stored files: more than one chunk of rows, as any real archive has."""
    base = tmp_path_factory.mktemp("fixity-large")
    folder = base / "移交"
    folder.mkdir()
    rows = [row(n, 文件名=f"{n:04d}.txt", 日期="2020-03-01") for n in range(1, 1101)]
    for r in rows:
        (folder / r["文件名"]).write_text(f"第{r['文件名']}号文件的正文", "utf-8")
    write_csv(folder / "目录.csv", rows)
    data = base / "var"
    assert run_lantai(data, "fonds", "add", "J001", "测试全宗").returncode == 0
    ingested = run_lantai(data, "ingest", str(folder), "--fonds", "J001")
    assert ingested.returncode == 0, ingested.stderr
    return data


def test_fixity_waits_for_a_busy_writer_instead_of_failing(large_store):
    store = large_store
    environ = {k: v for k, v in os.environ.items() if k != "LANTAI_DATABASE_URL"}
    environ["LANTAI_DATA_DIR"] = str(store)
    # Another process holds the write lock and commits while fixity is reading and hashing:
    # fixity's audit events must wait for it, not fail with "database is locked".
    writer = subprocess.Popen(
        [sys.executable, "-c", HOLD_WRITE_LOCK, str(store / "lantai.sqlite3"), "4"],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert writer.stdout.readline().strip() == "locked"
    fixity = subprocess.Popen(
        [sys.executable, "-m", "lantai", "fixity", "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=environ,
    )
    out, err = fixity.communicate(timeout=120)
    writer.wait(timeout=30)
    assert "内部错误" not in err, err
    assert fixity.returncode == 0, err
    assert json.loads(out)["checked"] == 2200
    with sqlite3.connect(store / "lantai.sqlite3") as db:
        events = db.execute(
            "SELECT COUNT(*) FROM audit_auditevent WHERE action = 'fixity_check'"
        ).fetchone()[0]
    assert events >= 2200
