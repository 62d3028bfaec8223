"""Streaming digests and fixity (lantai.ingest.hashing, lantai.ingest.fixity)."""

from __future__ import annotations

import hashlib
import io
from concurrent.futures import ThreadPoolExecutor

from lantai.ingest import hashing
from lantai.ingest.fixity import Entry, hash_file_split, verify


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
