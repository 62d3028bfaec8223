"""Builders for transfers on disk: folders with catalogues, PDFs, and the shared test data."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.shared_data import SHARED_DATA, require_shared_data  # noqa: F401 (re-exported)

HEADER = ["档号", "题名", "责任者", "日期", "保管期限", "密级", "页数", "文件名"]


def pdf_bytes(title: str = "") -> bytes:
    """A valid one-page PDF made with pypdf; ``title`` (document metadata) makes it unique, as
    the files of a real transfer are (1-8 refuses two files with the same content)."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    if title:
        writer.add_metadata({"/Title": title})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def row(number: int, **overrides: str) -> dict[str, str]:
    values = {
        "档号": f"J001-WS·2020-Y-BGS-{number:04d}",
        "题名": f"关于第{number}项工作的通知",
        "责任者": "办公室",
        "日期": f"2020-03-{number:02d}",
        "保管期限": "永久",
        "密级": "",
        "页数": "1",
        "文件名": f"{number:04d}.pdf",
    }
    values.update(overrides)
    return values


def write_csv(path: Path, rows: list[dict[str, str]], *, encoding: str = "utf-8") -> None:
    header = list(rows[0]) if rows else HEADER
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))


MakeFolder = Callable[..., Path]


@pytest.fixture
def make_folder(tmp_path: Path) -> MakeFolder:
    """make_folder(rows=None, files=None, encoding='utf-8', readme=None) → the folder.

    By default three items with valid PDFs named in the catalogue. ``files`` maps extra
    relative names to bytes (``None`` value: do not create a file the catalogue names).
    """

    def build(
        rows: list[dict[str, str]] | None = None,
        files: dict[str, bytes | None] | None = None,
        *,
        encoding: str = "utf-8",
        readme: str | None = None,
        name: str = "移交",
    ) -> Path:
        root = tmp_path / name
        root.mkdir()
        rows = rows if rows is not None else [row(n) for n in (1, 2, 3)]
        content = {r["文件名"]: pdf_bytes(r["文件名"]) for r in rows if r.get("文件名")}
        content.update(files or {})
        for relative, data in content.items():
            if data is None:
                continue
            path = root / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        write_csv(root / "目录.csv", rows, encoding=encoding)
        if readme is not None:
            (root / "说明文件.txt").write_text(readme, encoding="utf-8")
        return root

    return build


@pytest.fixture
def shared_data() -> Path:
    return require_shared_data()
