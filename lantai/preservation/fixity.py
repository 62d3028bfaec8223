"""Fixity: SHA-256 + SM3 of many files, fast and in bounded memory.

Design decisions:

- Each file is read once in 4 MiB blocks (``hashing.BLOCK_SIZE``) and every block updates both
  digests, so memory is one block per worker whatever the file sizes.
- hashlib (OpenSSL) releases the GIL on updates over 2 KiB, so threads run digests on all cores.
  Files are spread over ``workers`` threads. When there are fewer files than workers (one 10 GB
  file), the algorithms of a file are split instead: SM3 runs in a helper thread on the same
  block while SHA-256 runs in the reading thread, so one file still uses two cores. Either way
  SHA-256 + SM3 takes about the time of SM3 alone, where ``openssl dgst`` runs one after the
  other (see ``bench/ingest/fixity.py``).
- Results stream out as an iterator in completion order with at most ``2 × workers`` files in
  flight, so re-verifying millions of files keeps memory flat; ``progress`` receives byte counts
  from the worker threads (it must be thread-safe; ``rich.progress.Progress.advance`` is).
- A file that cannot be read is a mismatch with the OS error named, never a crash of the run.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

from lantai.preservation.hashing import (
    BLOCK_SIZE,
    STORED_ALGORITHMS,
    Progress,
    canonical_algorithm,
    hash_file,
)
from lantai.sip.submission import Submission


@dataclass
class FixityResult:
    """One file's outcome. ``ok`` is true when every expected digest (and size) matched."""

    name: str
    path: Path
    expected: dict[str, str]
    actual: dict[str, str] = field(default_factory=dict)
    size: int | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        if self.error:
            return False
        return all(_matches(self.actual, alg, hexd) for alg, hexd in self.expected.items())

    @property
    def mismatched(self) -> list[str]:
        return [alg for alg, hexd in self.expected.items() if not _matches(self.actual, alg, hexd)]


def _matches(actual: dict[str, str], algorithm: str, expected: str) -> bool:
    """``sha256|sm3`` (a digest of unknown algorithm) matches if either does."""
    return any(actual.get(a) == expected.lower() for a in algorithm.split("|"))


@dataclass(frozen=True)
class Entry:
    """A file to verify: its name (for messages), path, expected digests and size."""

    name: str
    path: Path
    expected: dict[str, str]
    size: int | None = None


def default_workers() -> int:
    return max(2, min(8, os.cpu_count() or 2))


def hash_file_split(
    path: Path, algorithms: Sequence[str], helper: ThreadPoolExecutor, progress: Progress | None
) -> tuple[dict[str, str], int]:
    """Digest one file with the first algorithm here and the others in ``helper`` threads.

    Two buffers alternate so the block being hashed by a helper is never overwritten while the
    next one is read; memory is two blocks.
    """
    hashers = [hashlib.new(name) for name in dict.fromkeys(algorithms)]
    first, rest = hashers[0], hashers[1:]
    buffers = [bytearray(BLOCK_SIZE), bytearray(BLOCK_SIZE)]
    pending: list[Future[None]] = []
    size = 0
    with open(path, "rb", buffering=0) as stream:
        turn = 0
        while True:
            buffer = buffers[turn]
            count = stream.readinto(buffer)
            for future in pending:  # the helper must be done with the previous block
                future.result()
            if not count:
                break
            block = memoryview(buffer)[:count]
            pending = [helper.submit(h.update, block) for h in rest]
            first.update(block)
            size += count
            if progress is not None:
                progress(count)
            turn ^= 1
    return {h.name: h.hexdigest() for h in hashers}, size


def verify(
    entries: Iterable[Entry],
    *,
    workers: int | None = None,
    progress: Progress | None = None,
    algorithms: Sequence[str] = STORED_ALGORITHMS,
) -> Iterator[FixityResult]:
    """Hash every entry (the expected algorithms plus ``algorithms``), yielding results."""
    workers = workers or default_workers()
    # Split algorithms across threads only when there are too few files to fill the workers;
    # a generator (millions of stored files) is never materialised to find out.
    split = isinstance(entries, Sequence) and len(entries) < workers
    with ThreadPoolExecutor(workers) as pool, ThreadPoolExecutor(workers) as helper:
        yield from _bounded(
            pool, entries, workers * 2, lambda e: _one(e, algorithms, split, helper, progress)
        )


def _bounded(
    pool: ThreadPoolExecutor,
    entries: Iterable[Entry],
    window: int,
    task: Callable[[Entry], FixityResult],
) -> Iterator[FixityResult]:
    """Submit at most ``window`` tasks at a time; yield results as they complete."""
    queue = iter(entries)
    running: set[Future[FixityResult]] = set()
    for entry in queue:
        running.add(pool.submit(task, entry))
        if len(running) >= window:
            done, running = wait(running, return_when=FIRST_COMPLETED)
            yield from (f.result() for f in done)
    for future in running:
        yield future.result()


def _one(
    entry: Entry,
    algorithms: Sequence[str],
    split: bool,
    helper: ThreadPoolExecutor,
    progress: Progress | None,
) -> FixityResult:
    wanted = list(algorithms)
    for algorithm in entry.expected:
        for name in algorithm.split("|"):
            canonical = canonical_algorithm(name)
            if canonical and canonical not in wanted:
                wanted.append(canonical)
    outcome = FixityResult(entry.name, entry.path, dict(entry.expected))
    try:
        if split and len(wanted) > 1:
            outcome.actual, outcome.size = hash_file_split(entry.path, wanted, helper, progress)
        else:
            outcome.actual, outcome.size = hash_file(entry.path, wanted, progress=progress)
    except OSError as error:
        outcome.error = f"无法读取：{error.strerror or error}"
        return outcome
    if entry.size is not None and outcome.size != entry.size:
        outcome.error = f"大小不符：应为 {entry.size} 字节，实为 {outcome.size} 字节"
    return outcome


def digest_files(submission: Submission, *, workers: int | None = None) -> None:
    """Fill ``computed`` (SHA-256, SM3 and every declared algorithm) on a submission's files.

    Files already digested are skipped, so calling it twice costs nothing.
    """
    files = [f for f in [*submission.files, *submission.support_files] if not f.computed]
    by_path = {id(f): f for f in files}
    entries = [Entry(str(id(f)), f.path, {a: "" for a in f.declared}) for f in files]
    for outcome in verify(entries, workers=workers):
        target = by_path[int(outcome.name)]
        target.computed = dict(outcome.actual)
        if outcome.error:
            target.computed["error"] = outcome.error


def unescape_manifest_path(name: str) -> str:
    """RFC 8493 §2.1.3: only ``%0A``, ``%0D`` and ``%25`` are escapes in manifest paths."""
    return (
        name.replace("%0A", "\n")
        .replace("%0D", "\r")
        .replace("%0a", "\n")
        .replace("%0d", "\r")
        .replace("%25", "%")
    )


def manifest_entries(bag: Path, algorithm: str = "sha256") -> list[Entry]:
    """Entries for every payload file of a stored AIP, from its ``manifest-<alg>.txt``."""
    entries = []
    manifest = bag / f"manifest-{algorithm}.txt"
    expected: dict[str, dict[str, str]] = {}
    for alg in STORED_ALGORITHMS:
        path = bag / f"manifest-{alg}.txt"
        if not path.exists():
            continue
        for line in path.read_text("utf-8").splitlines():
            digest, _, name = line.partition(" ")
            expected.setdefault(name.strip(), {})[alg] = digest
    if not manifest.exists():
        return []
    for name, digests in expected.items():
        relative = unescape_manifest_path(name)
        entries.append(Entry(relative, bag / relative, digests))
    return entries


def verify_bags(
    bags: Iterable[Path], *, workers: int | None = None, progress: Progress | None = None
) -> Iterator[FixityResult]:
    """Re-verify every payload file of every AIP (what ``lantai fixity`` runs).

    ``FixityResult.path`` is the stored file's absolute path, which identifies its Component.
    """
    entries = (entry for bag in bags for entry in manifest_entries(bag))
    yield from verify(entries, workers=workers, progress=progress)
