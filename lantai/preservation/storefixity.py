"""Fixity of the whole store: every AIP bag validated, every stored file held to the database.

``lantai fixity`` used to hash only the files the database lists (Components): a flipped byte
in a bag's ``data/metadata.json`` or ``bag-info.txt``, an edited manifest, an extra file in a
bag or a stored file replaced by a symbolic link all passed. Design decisions:

- A bag is checked by :func:`lantai.preservation.bagcheck.validate_bag`, the strict RFC 8493
  validator ingest uses (tag manifests, payload manifests, Payload-Oxum, completeness, links),
  not by a second implementation. It reads each payload file once and computes SHA-256 + SM3
  as it goes, so the database comparison reuses those digests: every payload file is still
  read exactly once. Files the validator could not hash (a bag whose ``bagit.txt`` is broken
  stops it early) are hashed here, so no Component goes unchecked.
- On top of RFC 8493, Lantai's own bags must have a tag manifest, and every top-level file
  must be listed in it: an RFC bag may carry unlisted tag files, a Lantai AIP never does, so
  an unlisted one is someone's addition. Links anywhere are breaks.
- Every break is named: the file (a path relative to the store, as ``Component.stored_path``
  is), its bag and the problems, in Chinese. The validator returns messages, not structures;
  the file a message is about is the path it quotes in 「」, which every per-file message of
  the validator does (a message quoting no file of the bag is about the bag itself).
- One bag is one item's AIP, so work is spread over bags: ``workers`` bags at a time, each
  with two hashing threads (one file's SHA-256 and SM3 in parallel), at most ``2 × workers``
  bags in flight. Results stream in completion order; memory is bounded by the window.
- Bags on disk that no Component names (and stray files in ``aip/``) are breaks too: the
  check lists a batch directory *before* asking the database which bags it holds, and ingest
  commits its records before it publishes the batch directory, so a batch published during
  the run is never reported as unregistered.
"""

from __future__ import annotations

import os
import re
import stat
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Generic, TypeVar

from lantai.preservation.fixity import Entry, verify
from lantai.preservation.hashing import Progress

K = TypeVar("K")  # what the caller keys a stored file by (``lantai fixity``: its Component)

_QUOTED = re.compile(r"「([^」]+)」")
_TAG_MANIFEST = re.compile(r"^tagmanifest-[A-Za-z0-9]+\.txt$")
_PAYLOAD_PREFIX = "/data/"


@dataclass
class Expected(Generic[K]):
    """What the database says about one stored file; ``key`` is handed back untouched."""

    stored_path: str
    name: str
    sha256: str
    sm3: str
    size: int | None
    key: K


@dataclass
class Break:
    """One broken file (or bag): where, and every problem found with it."""

    file: str
    name: str
    bag: str
    problems: list[str] = field(default_factory=list)

    @property
    def problem(self) -> str:
        return "；".join(self.problems)


@dataclass
class Checked(Generic[K]):
    """A Component's outcome: ``problems`` empty when the stored file is intact."""

    expected: Expected[K]
    problems: list[str]
    mismatched: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class BagOutcome(Generic[K]):
    bag: str
    checked: list[Checked[K]]
    breaks: list[Break]  # problems with files of the bag that are not Components
    bytes: int = 0


def bag_of(stored_path: str) -> str:
    """``aip/<batch>/<bag>`` of a stored path ``aip/<batch>/<bag>/data/…``."""
    head, separator, _ = stored_path.partition(_PAYLOAD_PREFIX)
    return head if separator else stored_path.rsplit("/", 1)[0]


def group_by_bag(expected: Iterable[Expected[K]]) -> dict[str, list[Expected[K]]]:
    groups: dict[str, list[Expected[K]]] = defaultdict(list)
    for entry in expected:
        groups[bag_of(entry.stored_path)].append(entry)
    return groups


def check_bags(
    root: Path,
    bags: Iterable[tuple[str, list[Expected[K]]]],
    *,
    workers: int,
    progress: Progress | None = None,
) -> Iterator[BagOutcome[K]]:
    """Check each ``(bag, its Components)`` under ``root``, ``workers`` bags at a time."""

    def task(group: tuple[str, list[Expected[K]]]) -> BagOutcome[K]:
        outcome = check_bag(root, group[0], group[1])
        if progress is not None and outcome.bytes:
            progress(outcome.bytes)
        return outcome

    with ThreadPoolExecutor(max(1, workers)) as pool:
        running: set[Future[BagOutcome[K]]] = set()
        for group in bags:
            running.add(pool.submit(task, group))
            if len(running) >= 2 * max(1, workers):
                done, running = wait(running, return_when=FIRST_COMPLETED)
                yield from (future.result() for future in done)
        for future in running:
            yield future.result()


def check_bag(root: Path, bag: str, expected: list[Expected[K]]) -> BagOutcome[K]:
    from lantai.preservation.bagcheck import validate_bag  # bagcheck imports fixity, as we do

    path = root / bag
    if not path.is_dir() or path.is_symlink():
        problem = "文件缺失：包目录不存在" if not os.path.lexists(path) else "包目录是符号链接"
        return BagOutcome(bag, [Checked(e, [problem], []) for e in expected], [])
    report = validate_bag(path, workers=2)
    about: dict[str, list[str]] = defaultdict(list)  # path inside the bag ("" = the bag)
    for message in report.errors:
        about[_subject(path, message)].append(message)
    _check_top_level(path, about)
    computed, sizes = dict(report.computed), dict(report.sizes)
    _hash_the_rest(path, bag, expected, computed, sizes, about)
    checked = []
    for entry in expected:
        inside = entry.stored_path[len(bag) + 1 :]
        found, size = computed.get(inside), sizes.get(inside)
        problems, mismatched = _compare(path / inside, entry, found, size)
        problems += about.pop(inside, [])
        if not problems and inside not in computed:
            problems.append("未能校验：文件未列入包清单")
        checked.append(Checked(entry, problems, mismatched))
    breaks = [
        Break(
            f"{bag}/{inside}" if inside else bag,
            inside.rsplit("/", 1)[-1] if inside else bag.rsplit("/", 1)[-1],
            bag,
            problems,
        )
        for inside, problems in sorted(about.items())
    ]
    return BagOutcome(bag, checked, breaks, sum(sizes.values()))


def _subject(bag: Path, message: str) -> str:
    """The bag member a validator message is about: the first path it quotes that is one."""
    for quoted in _QUOTED.findall(message):
        if quoted.startswith("data/"):
            return quoted
        if quoted != "data" and os.path.lexists(bag / quoted):
            return quoted
        if os.path.lexists(bag / "data" / quoted):  # ``walk`` names paths inside data/
            return "data/" + quoted
    return ""


def _check_top_level(bag: Path, about: dict[str, list[str]]) -> None:
    listed: set[str] = set()
    manifests = [p for p in bag.iterdir() if _TAG_MANIFEST.match(p.name)]
    for manifest in manifests:
        if manifest.is_file() and not manifest.is_symlink():
            for line in manifest.read_text("utf-8", errors="replace").splitlines():
                parts = line.split(None, 1)
                if len(parts) == 2:
                    listed.add(parts[1].strip())
    if not manifests:
        about["tagmanifest-sha256.txt"].append("缺少标签清单 tagmanifest：标签文件无法校验")
    for entry in sorted(bag.iterdir()):
        mode = entry.lstat().st_mode
        if stat.S_ISLNK(mode):
            about[entry.name].append("是符号链接：存储的包内不得有链接")
        elif entry.name == "data":
            continue
        elif stat.S_ISDIR(mode):
            about[entry.name].append("包中有多余的目录：Lantai 的包只含 data/ 一个目录")
        elif not _TAG_MANIFEST.match(entry.name) and entry.name not in listed:
            about[entry.name].append("包中有多余文件：未列入 tagmanifest")


def _hash_the_rest(
    bag_path: Path,
    bag: str,
    expected: list[Expected[K]],
    computed: dict[str, dict[str, str]],
    sizes: dict[str, int],
    about: dict[str, list[str]],
) -> None:
    """Hash Components the validator did not (it stops early on a broken ``bagit.txt``)."""
    entries = []
    for entry in expected:
        inside = entry.stored_path[len(bag) + 1 :]
        path = bag_path / inside
        if inside in computed or about.get(inside):
            continue
        if path.is_file() and not path.is_symlink():
            entries.append(Entry(inside, path, {"sha256": entry.sha256}))
    if not entries:
        return
    for outcome in verify(entries, workers=2):
        if outcome.error:
            about[outcome.name].append(outcome.error)
        else:
            computed[outcome.name], sizes[outcome.name] = outcome.actual, outcome.size or 0


def _compare(
    path: Path, entry: Expected[K], digests: dict[str, str] | None, size: int | None
) -> tuple[list[str], list[str]]:
    if digests is None:
        return ([] if os.path.lexists(path) else ["文件缺失"]), []
    wanted = {"sha256": entry.sha256, "sm3": entry.sm3}
    mismatched = [alg for alg, value in wanted.items() if value and digests.get(alg) != value]
    problems = ["摘要与入库记录不符：" + "、".join(mismatched)] if mismatched else []
    if entry.size is not None and size is not None and size != entry.size:
        problems.append(f"大小与入库记录不符：应为 {entry.size} 字节，实为 {size} 字节")
    return problems, mismatched


def unregistered(root: Path, registered: Callable[[str], set[str]]) -> Iterator[Break]:
    """Bags (and stray files) in ``root/aip`` that no Component names.

    ``registered(batch)`` returns the bag paths (``aip/<batch>/<bag>``) the database holds for
    a batch directory; it is called after the directory was listed (see the module docstring).
    """
    aip = root / "aip"
    if not aip.is_dir():
        return
    for batch in sorted(aip.iterdir()):
        relative = f"aip/{batch.name}"
        if batch.is_symlink() or not batch.is_dir():
            yield Break(relative, batch.name, relative, ["存储中有多余文件：不属于任何接收批次"])
            continue
        on_disk = sorted(batch.iterdir())
        known = registered(batch.name)
        for bag in on_disk:
            path = f"{relative}/{bag.name}"
            if path not in known:
                yield Break(path, bag.name, path, ["包未登记：数据库中没有档案引用它"])
