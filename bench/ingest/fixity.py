"""Fixity throughput: Lantai (``lantai.preservation.fixity.verify``) vs ``openssl dgst``.

Creates ``--files`` files totalling ``--size`` GB of random data in a temporary directory (or
``--dir``), reads them once to warm the page cache (both tools then hash from memory, so the
comparison is of hashing, not of the disk), and times, on the same files:

- SHA-256 alone, SM3 alone, and SHA-256 + SM3 (what ``lantai fixity`` computes);
- the peer: ``openssl dgst -sha256`` and ``-sm3`` over all files (one process each, as an
  operator would run it), and the same split over ``--workers`` processes with ``xargs -P``.

Lantai's digests are compared with openssl's, so a fast wrong answer cannot pass.

    .venv/bin/python bench/ingest/fixity.py --size 2 --files 4
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from lantai.preservation.fixity import Entry, default_workers, verify

CHUNK = 16 * 1024 * 1024


def make_files(directory: Path, total: int, count: int) -> list[Path]:
    paths = []
    pattern = os.urandom(CHUNK)
    for index in range(count):
        path = directory / f"f{index:03d}.bin"
        with open(path, "wb") as stream:
            left = total // count
            while left > 0:
                block = pattern[: min(CHUNK, left)]
                stream.write(index.to_bytes(8, "big") + block[8:])  # distinct files
                left -= len(block)
        paths.append(path)
    return paths


def warm(paths: list[Path]) -> None:
    for path in paths:
        with open(path, "rb", buffering=0) as stream:
            while stream.read(CHUNK):
                pass


def openssl(algorithm: str, paths: list[Path], parallel: int = 1) -> tuple[float, dict[str, str]]:
    start = time.perf_counter()
    if parallel == 1:
        output = subprocess.run(
            ["openssl", "dgst", f"-{algorithm}", *map(str, paths)],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    else:
        output = subprocess.run(
            ["xargs", "-P", str(parallel), "-n", "1", "openssl", "dgst", f"-{algorithm}"],
            input="\n".join(map(str, paths)),
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    elapsed = time.perf_counter() - start
    digests = {}
    for line in output.splitlines():  # "SHA2-256(path)= hex"
        name, _, digest = line.rpartition("= ")
        digests[name[name.index("(") + 1 : -1]] = digest.strip()
    return elapsed, digests


def lantai(
    paths: list[Path], algorithms: list[str], workers: int, expected: dict[str, dict[str, str]]
) -> float:
    entries = [Entry(str(p), p, {a: expected[a][str(p)] for a in algorithms}) for p in paths]
    start = time.perf_counter()
    results = list(verify(entries, workers=workers, algorithms=algorithms))
    elapsed = time.perf_counter() - start
    bad = [r.name for r in results if not r.ok]
    if bad:
        raise SystemExit(f"digest mismatch with openssl: {bad}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=float, default=2.0, help="total GB (default 2)")
    parser.add_argument("--files", type=int, default=4)
    parser.add_argument("--workers", type=int, default=default_workers())
    parser.add_argument("--dir", type=Path, help="where to create files (default: a temp dir)")
    args = parser.parse_args()
    directory = Path(tempfile.mkdtemp(prefix="lantai-bench-", dir=args.dir))
    try:
        total = int(args.size * 1024**3)
        paths = make_files(directory, total, args.files)
        warm(paths)
        run(paths, total, args.workers)
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def run(paths: list[Path], total: int, workers: int) -> None:
    version = subprocess.run(["openssl", "version"], capture_output=True, text=True).stdout
    print(
        f"{len(paths)} files, {total / 1024**3:.2f} GiB, page cache warm, "
        f"{os.cpu_count()} CPUs, Lantai workers={workers}, {version.strip()}"
    )
    peer, expected = {}, {}
    for algorithm in ("sha256", "sm3"):
        peer[algorithm], expected[algorithm] = openssl(algorithm, paths)
        peer[algorithm + " -P"], _ = openssl(algorithm, paths, parallel=workers)
    rows = [
        (
            "SHA-256",
            lantai(paths, ["sha256"], workers, expected),
            peer["sha256"],
            peer["sha256 -P"],
        ),
        ("SM3", lantai(paths, ["sm3"], workers, expected), peer["sm3"], peer["sm3 -P"]),
        (
            "SHA-256 + SM3",
            lantai(paths, ["sha256", "sm3"], workers, expected),
            peer["sha256"] + peer["sm3"],
            peer["sha256 -P"] + peer["sm3 -P"],
        ),
    ]
    mb = total / 1e6
    print(
        f"{'digest':<15}{'Lantai MB/s':>13}{'openssl MB/s':>14}{'ratio':>8}"
        f"{'openssl -P MB/s':>17}{'ratio':>8}"
    )
    for name, ours, theirs, parallel in rows:
        print(
            f"{name:<15}{mb / ours:>13.0f}{mb / theirs:>14.0f}{theirs / ours:>8.2f}"
            f"{mb / parallel:>17.0f}{parallel / ours:>8.2f}"
        )


if __name__ == "__main__":
    main()
