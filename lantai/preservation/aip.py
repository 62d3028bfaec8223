"""Writing one AIP per item: a BagIt bag (RFC 8493, v1.0), atomically. Plain Python.

Layout of a bag::

    <target>/
      bagit.txt                   BagIt-Version: 1.0, UTF-8
      bag-info.txt                Bagging-Date, Payload-Oxum, External-Identifier (档号), …
      manifest-sha256.txt         every payload file
      manifest-sm3.txt            the same with SM3 (GB/T 32905), the national digest
      tagmanifest-sha256.txt      bagit.txt, bag-info.txt and both manifests
      tagmanifest-sm3.txt
      data/original/<name>        the files as received: name kept (NFC, sub-folders too),
                                  never transliterated
      data/text/<name>.txt        extracted text, when given
      data/capture/<name>.warc.gz the WARC records of a web page (request, response, metadata,
                                  embedded resources), byte for byte, for replay
      data/metadata.json          descriptive + technical + PREMIS-style event metadata

Design decisions:

- Metadata is JSON, not METS: one self-describing document (``"format": "lantai-aip/1"``) that
  any language reads without schemas. Its parts follow PREMIS semantic units: ``object``
  (identifier = 档号, descriptive fields with their DA/T 18 labels), ``files`` (PREMIS object
  characteristics: size, fixity SHA-256 + SM3, format key/PUID (and who named it)/MIME,
  role) and ``events``
  (PREMIS events: ``eventType``, ``eventDateTime``, ``eventOutcome``, ``eventDetail``,
  ``linkingAgent``). It sits under ``data/`` so the payload manifests protect it as well.
- Originals live under ``data/original/`` rather than directly in ``data/`` so that a received
  folder called ``text`` can never collide with the extracted-text folder.
- Atomicity: everything is written into ``.<name>.tmp-<random>`` beside the target (same file
  system), each file and directory fsynced, then ``os.rename`` puts the bag in place and the
  parent directory is fsynced. A crash leaves either no bag or a complete one; a leftover temp
  directory is recognisable by its prefix and is removed on the next run by the caller.
- A bag is never modified: writing to an existing target raises ``FileExistsError``; a new
  version is a new bag.
- Files are copied and hashed in one streaming pass (4 MiB blocks). If the submission's checks
  computed digests (``SubmittedFile.computed``), the copy must match them, which proves that what
  is stored is what was checked; otherwise :class:`AipError` names the file.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Required, TypedDict, Unpack

from lantai.preservation import premis
from lantai.preservation.durable import fsync_dir, fsync_tree, make_read_only, remove_tree
from lantai.preservation.hashing import STORED_ALGORITHMS, copy_and_hash
from lantai.preservation.names import storage_path
from lantai.sip.formats import identify
from lantai.sip.submission import CANONICAL_FIELDS, SubmittedFile, SubmittedItem

METADATA_FORMAT = "lantai-aip/1"
METADATA_NAME = "data/metadata.json"
TMP_PREFIX = ".lantai-tmp-"


class AipError(RuntimeError):
    """An AIP could not be written; the message names the file and the reason (Chinese)."""


@dataclass(frozen=True)
class StoredFile:
    """One stored file, what a Component record needs."""

    name: str  # original name (NFC) or the text file's name
    path: str  # path inside the bag, e.g. ``data/original/报告.pdf``
    role: str  # ``original`` | ``text`` | ``capture``
    size: int
    sha256: str
    sm3: str
    format: str = ""
    puid: str = ""
    mime: str = ""
    puid_basis: str = ""  # who named the PUID: "siegfried", "lantai" (content rule) or ""


@dataclass(frozen=True)
class Aip:
    path: Path
    files: list[StoredFile]
    metadata_sha256: str = ""  # of ``data/metadata.json``: the next version chains to it

    @property
    def originals(self) -> list[StoredFile]:
        return [f for f in self.files if f.role == "original"]


def escape_manifest_path(path: str) -> str:
    """RFC 8493 §2.1.3: percent-encode ``%``, CR and LF in manifest paths."""
    return path.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


class BagOptions(TypedDict, total=False):
    """What a bag holds besides the item's files: ``identifier`` is the item's 档号 (allocated
    by the caller), ``texts`` maps an original file's name to its extracted text, ``events``
    are PREMIS-style dicts recorded before packaging (the writer adds its own), ``bag_info``
    extra ``bag-info.txt`` lines, ``description`` the record's description snapshot
    (:mod:`lantai.archive.description`) that later versions are compared with."""

    identifier: Required[str]
    description: dict[str, object] | None
    texts: dict[str, str] | None
    events: list[dict[str, str]] | None
    bag_info: dict[str, str] | None


def write_aip(target: Path, item: SubmittedItem, **options: Unpack[BagOptions]) -> Aip:
    """Write ``item`` as a bag at ``target`` and return the stored files with their digests.

    ``options`` are :class:`BagOptions` (the 档号 and, e.g., the 四性检测 outcome as events).
    Every file and directory is fsynced before the rename; for many bags use :class:`AipBatch`.
    """
    target = Path(target)
    temp = _temp_for(target)
    try:
        files, metadata_sha256 = _fill(temp, item, options, durable=True)
        fsync_tree(temp)
        os.rename(temp, target)
        fsync_dir(target.parent)
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise
    return Aip(target, files, metadata_sha256)


class AipBatch:
    """Write the AIPs of one transfer batch all-or-nothing, with two syncs in total.

    Per-file fsyncs cost ~1 ms each on ordinary disks (10 per bag), which alone caps ingest
    near 100 records/s. A batch writes every bag into its temp directory without fsync, then
    :meth:`commit` runs ``sync()``, renames every bag into place and syncs again: durable and
    atomic per bag, the same guarantee as :func:`write_aip`. Use it as a context manager: an
    exception (or no commit) removes every temp directory and every bag already renamed, so a
    failed batch leaves no files behind and can be re-run::

        with AipBatch() as batch:
            for item, code in ...:
                aip = batch.write(store / code, item, identifier=code)   # final path + digests
            ...create DB records...
            batch.commit()   # then commit the DB transaction
    """

    def __init__(self) -> None:
        self.pending: list[tuple[Path, Path]] = []
        self.targets: set[Path] = set()  # the pending targets, for an O(1) duplicate check
        self.committed: list[Path] = []

    def write(self, target: Path, item: SubmittedItem, **options: Unpack[BagOptions]) -> Aip:
        target = Path(target)
        if target in self.targets:
            raise FileExistsError(f"AIP「{target}」在本批中重复")
        temp = _temp_for(target)
        self.pending.append((temp, target))
        self.targets.add(target)
        files, metadata_sha256 = _fill(temp, item, options, durable=False)
        return Aip(target, files, metadata_sha256)

    def write_all(
        self, jobs: list[tuple[Path, SubmittedItem, BagOptions]], workers: int = 4
    ) -> list[Aip]:
        """:meth:`write` for many bags at once, ``workers`` threads filling them; the bags
        come back in the order of ``jobs``. Most of a bag's cost is file creation and hashing,
        which release the GIL, so threads overlap it. The first error is raised once every
        started bag is finished, so :meth:`abort` then removes all of them."""
        temps = []
        for target, _, _ in jobs:
            target = Path(target)
            if target in self.targets:
                raise FileExistsError(f"AIP「{target}」在本批中重复")
            temp = _temp_for(target)
            self.pending.append((temp, target))
            self.targets.add(target)
            temps.append(temp)

        def fill(index: int) -> Aip:
            target, item, options = jobs[index]
            files, metadata_sha256 = _fill(temps[index], item, options, durable=False)
            return Aip(Path(target), files, metadata_sha256)

        if workers <= 1 or len(jobs) <= 1:
            return [fill(i) for i in range(len(jobs))]
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="aip") as pool:
            return list(pool.map(fill, range(len(jobs))))

    def commit(self) -> None:
        os.sync()
        for temp, target in self.pending:
            make_read_only(temp)
            os.rename(temp, target)
            self.committed.append(target)
        os.sync()
        self.pending, self.targets = [], set()

    def abort(self) -> None:
        for path in [*(temp for temp, _ in self.pending), *self.committed]:
            remove_tree(path)
        self.pending, self.targets, self.committed = [], set(), []

    def __enter__(self) -> AipBatch:
        return self

    def __exit__(self, kind: object, *rest: object) -> None:
        if kind is not None or self.pending:
            self.abort()


def _temp_for(target: Path) -> Path:
    if target.exists():
        raise FileExistsError(f"AIP「{target}」已存在：AIP 写入后不得修改，新版本须另建")
    target.parent.mkdir(parents=True, exist_ok=True)
    return target.parent / f"{TMP_PREFIX}{target.name}-{uuid.uuid4().hex[:8]}"


def _fill(
    temp: Path, item: SubmittedItem, options: BagOptions, *, durable: bool
) -> tuple[list[StoredFile], str]:
    identifier = options["identifier"]
    writer = _Writer(temp, durable)
    files = _write_payload(writer, item, options.get("texts") or {})
    now = premis.now()
    events = [*(options.get("events") or []), premis.packaging_event(now)]
    record = _metadata(item, identifier, files, events)
    if options.get("description"):
        record["description"] = options["description"]
    text = json.dumps(record, ensure_ascii=False, indent=2)
    metadata = writer.text(METADATA_NAME, text, "metadata")
    files.append(metadata)
    _write_tags(writer, files, identifier, now, options.get("bag_info") or {})
    return [f for f in files if f.role != "metadata"], metadata.sha256


class _Writer:
    """Writes files into one bag's temp directory, creating each directory once."""

    def __init__(self, root: Path, durable: bool) -> None:
        self.root, self.durable = root, durable
        self.made: set[Path] = set()

    def path(self, relative: str) -> Path:
        destination = self.root / relative
        if destination.parent not in self.made:
            destination.parent.mkdir(parents=True, exist_ok=True)
            self.made.add(destination.parent)
        return destination

    def text(self, relative: str, text: str, role: str, *, name: str = "") -> StoredFile:
        data = text.encode("utf-8")
        with open(self.path(relative), "xb") as stream:
            stream.write(data)
            if self.durable:
                stream.flush()
                os.fsync(stream.fileno())
        mime = "application/json" if relative.endswith(".json") else "text/plain"
        return StoredFile(
            name or relative.rsplit("/", 1)[-1],
            relative,
            role,
            len(data),
            hashlib.sha256(data).hexdigest(),
            hashlib.new("sm3", data).hexdigest(),
            "txt",
            "",
            mime,
        )


def _copy_in(writer: _Writer, f: SubmittedFile, relative: str, role: str) -> StoredFile:
    """Copy one received file into the bag (hashing it on the way) and describe it."""
    digests, size = copy_and_hash(f.path, writer.path(relative), fsync=writer.durable)
    for algorithm in STORED_ALGORITHMS:
        checked = f.computed.get(algorithm)
        if checked and checked != digests[algorithm]:
            raise AipError(f"文件「{f.name}」在检测后发生变化（{algorithm} 不符）：请重新接收")
    found = identify(f.path)  # same bytes (digests agree); cached from the checks
    return StoredFile(
        f.name,
        relative,
        role,
        size,
        digests["sha256"],
        digests["sm3"],
        found.key,
        found.puid,
        found.mime,
        found.puid_basis,
    )


def _write_payload(writer: _Writer, item: SubmittedItem, texts: dict[str, str]) -> list[StoredFile]:
    """Stored under :func:`storage_path` names (≤ 255 bytes each); ``name`` stays the original."""
    stored = [
        _copy_in(writer, f, f"data/original/{storage_path(f.name)}", "original") for f in item.files
    ]
    stored += [
        _copy_in(writer, f, f"data/capture/{storage_path(f.name)}", "capture")
        for f in item.captures
    ]
    for name, text in texts.items():
        relative = f"data/text/{storage_path(name, '.txt')}"
        stored.append(writer.text(relative, text, "text", name=name + ".txt"))
    return stored


def _metadata(
    item: SubmittedItem, identifier: str, files: list[StoredFile], events: list[dict[str, str]]
) -> dict[str, object]:
    return {
        "format": METADATA_FORMAT,
        "object": {
            "identifier": {"type": "档号", "value": identifier},
            "catalogue_row": item.row,
            "fields": {
                key: {"label": CANONICAL_FIELDS.get(key, key), "value": text}
                for key, text in item.fields.items()
            },
        },
        "files": [asdict(f) for f in files],
        "events": events,
    }


def _write_tags(
    writer: _Writer, files: list[StoredFile], identifier: str, now: str, extra: dict[str, str]
) -> None:
    payload_bytes = sum(f.size for f in files)
    info = {
        "Bag-Software-Agent": "Lantai",
        "Bagging-Date": now[:10],
        "Payload-Oxum": f"{payload_bytes}.{len(files)}",
        "External-Identifier": identifier,
        **extra,
    }
    tags = {
        "bagit.txt": "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n",
        "bag-info.txt": "".join(f"{k}: {_one_line(v)}\n" for k, v in info.items()),
    }
    for algorithm in STORED_ALGORITHMS:
        tags[f"manifest-{algorithm}.txt"] = "".join(
            f"{getattr(f, algorithm)}  {escape_manifest_path(f.path)}\n" for f in files
        )
    written = [writer.text(name, text, "tag") for name, text in tags.items()]
    for algorithm in STORED_ALGORITHMS:
        lines = "".join(f"{getattr(f, algorithm)}  {f.path}\n" for f in written)
        writer.text(f"tagmanifest-{algorithm}.txt", lines, "tag")


def _one_line(value: str) -> str:
    return " ".join(str(value).split())


def remove_partial(parent: Path) -> list[Path]:
    """Delete temp directories a crash left in ``parent``; returns what was removed."""
    removed = []
    for entry in parent.glob(f"{TMP_PREFIX}*"):
        shutil.rmtree(entry, ignore_errors=True)
        removed.append(entry)
    return removed
