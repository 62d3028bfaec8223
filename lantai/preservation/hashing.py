"""Streaming digests: every byte is read once, in large blocks, whatever the file's size.

Design decisions:

- Blocks of 4 MiB (``BLOCK_SIZE``): large enough that the per-call overhead of Python and of
  hashlib is negligible next to the hashing itself (SHA-256 ≈ 1.2 GB/s, SM3 ≈ 0.3 GB/s here),
  small enough that memory stays bounded (one block per worker thread) for a 10 GB file.
- Reads go into one reused ``bytearray`` through ``readinto`` so no block is allocated per read.
- All requested algorithms are updated from the same block, so a file is read once for
  SHA-256 + SM3 (+ the MD5 a catalogue may declare). hashlib releases the GIL for updates larger
  than 2 KiB, so several files hashed in threads run on several cores (see ``fixity.py``).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import BinaryIO, Protocol

BLOCK_SIZE = 4 * 1024 * 1024
STORED_ALGORITHMS = ("sha256", "sm3")
# Names catalogues and BagIt manifests use → hashlib names.
ALGORITHM_ALIASES = {
    "sha256": "sha256",
    "sha-256": "sha256",
    "sha512": "sha512",
    "sha-512": "sha512",
    "sha1": "sha1",
    "sha-1": "sha1",
    "md5": "md5",
    "sm3": "sm3",
}

Progress = Callable[[int], None]


class Readable(Protocol):
    """A binary stream that reads into a caller's buffer (an open file, raw or buffered)."""

    def readinto(self, buffer: bytearray, /) -> int | None: ...


def canonical_algorithm(name: str) -> str | None:
    """Map ``SHA-256``/``sha256``/``SM3`` to a hashlib name; ``None`` if unsupported."""
    name = name.strip().lower()
    if name in ALGORITHM_ALIASES:
        return ALGORITHM_ALIASES[name]
    try:
        hashlib.new(name)
    except ValueError:
        return None
    return name


def hash_stream(
    stream: Readable,
    algorithms: Iterable[str] = STORED_ALGORITHMS,
    *,
    sink: BinaryIO | None = None,
    progress: Progress | None = None,
    block_size: int = BLOCK_SIZE,
) -> tuple[dict[str, str], int]:
    """Digest ``stream`` block by block; optionally copy every block to ``sink``.

    Returns ``({algorithm: hex}, size)``. Memory use is one block whatever the stream's length.
    ``progress`` is called with the number of bytes of each block read.
    """
    hashers = [hashlib.new(name) for name in dict.fromkeys(algorithms)]
    buffer = bytearray(block_size)
    view = memoryview(buffer)
    size = 0
    while True:
        count = stream.readinto(buffer)
        if not count:
            break
        block = view[:count]
        for hasher in hashers:
            hasher.update(block)
        if sink is not None:
            _write_all(sink, block)
        size += count
        if progress is not None:
            progress(count)
    return {h.name: h.hexdigest() for h in hashers}, size


def _write_all(sink: BinaryIO, block: memoryview) -> None:
    """Raw (unbuffered) writes may be partial: loop until the block is written."""
    while block:
        written = sink.write(block)
        block = block[written:] if written is not None else block[len(block) :]


def hash_file(
    path: Path | str,
    algorithms: Iterable[str] = STORED_ALGORITHMS,
    *,
    progress: Progress | None = None,
    block_size: int = BLOCK_SIZE,
) -> tuple[dict[str, str], int]:
    """Digest the file at ``path`` (unbuffered reads straight into the block buffer)."""
    with open(path, "rb", buffering=0) as stream:
        return hash_stream(stream, algorithms, progress=progress, block_size=block_size)


def copy_and_hash(
    source: Path,
    target: Path,
    algorithms: Iterable[str] = STORED_ALGORITHMS,
    *,
    fsync: bool = True,
) -> tuple[dict[str, str], int]:
    """Copy ``source`` to a new file ``target`` and digest it in the same pass; fsync target
    unless the caller syncs the whole batch itself (``aip.AipBatch``)."""
    with open(source, "rb", buffering=0) as src, open(target, "xb", buffering=0) as dst:
        digests, size = hash_stream(src, algorithms, sink=dst)
        if fsync:
            os.fsync(dst.fileno())
    return digests, size
