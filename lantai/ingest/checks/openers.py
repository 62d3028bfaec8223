"""Does a file really open? One small opener per format; each returns a reason or ``None``.

Design decisions:

- Openers read structure, not whole files, and files over ``OPEN_LIMIT`` get only the cheap
  structural test (head and tail), so a 10 GB video is never loaded.
- A PDF must parse with pypdf *and* end with ``%%EOF``: pypdf's lenient mode rebuilds a cut
  cross-reference table and would open a truncated file that other readers reject. Every
  page is opened (its dictionary, resources and content stream parsed), not only the first:
  objects of later pages that are garbage fail 3-4 naming the page. A page with little or no
  text is not a failure (a blank separator sheet, a scan).
- :func:`encryption` answers the separate 3-8 question (encrypted PDF, encrypted zip members,
  an Office file encrypted into an OLE container); archives are expected decrypted (DA/T 70).
- A decoder that is not installed (Pillow for images) raises :class:`DecoderMissing`: 3-4 then
  reports the file as *not performed*, never as opened. Passing a file nobody decoded would
  certify what was not checked.
- Text is read with ``lantai.text.decode``'s tolerance: a page with a character cut by the
  server opens (it is readable), and :func:`text_damage` describes the damage so 3-4 records
  it as a usability warning, not a failure.
"""

from __future__ import annotations

import contextlib
import io
import logging
import struct
import wave
import zipfile
from collections.abc import Callable
from pathlib import Path

OPEN_LIMIT = 512 * 1024 * 1024
TAIL = 2048
TEXT_SAMPLE = 4 * 1024 * 1024  # bytes of a text file decoded by 3-4


class DecoderMissing(Exception):
    """The decoder this format needs is not installed; the message says which (Chinese)."""


def _tail(path: Path, size: int = TAIL) -> bytes:
    with open(path, "rb") as stream:
        stream.seek(0, io.SEEK_END)
        stream.seek(max(0, stream.tell() - size))
        return stream.read()


def _pdf_errors() -> tuple[type[BaseException], ...]:
    from pypdf.errors import PdfReadError, PdfStreamError

    return (PdfReadError, PdfStreamError, ValueError, KeyError, TypeError, struct.error, OSError)


def open_pdf(path: Path) -> str | None:
    if b"%%EOF" not in _tail(path):
        return "文件不完整（缺少 %%EOF 结尾标记，可能传输中被截断）"
    if path.stat().st_size > OPEN_LIMIT:
        return None
    from pypdf import PdfReader

    errors = _pdf_errors()
    logging.getLogger("pypdf").setLevel(logging.ERROR)  # its warnings are not our report
    try:
        reader = PdfReader(path, strict=False)
        if reader.is_encrypted:
            return None  # reported by 3-8, cannot be read further without the password
        if len(reader.pages) == 0:
            return "PDF 没有页面"
    except errors as error:
        return f"PDF 无法解析（{type(error).__name__}：{str(error)[:80]}）"
    for number, page in enumerate(reader.pages, start=1):
        try:
            _open_page(page)
        except errors as error:
            return (
                f"PDF 第 {number} 页（共 {len(reader.pages)} 页）无法解析"
                f"（{type(error).__name__}：{str(error)[:60]}）：请从原系统重新导出该文件"
            )
    return None


def _open_page(page) -> None:
    """Parse what a reader needs to show the page: resources, content stream, text."""
    page.get("/Resources")
    contents = page.get_contents()
    if contents is not None:
        contents.operations  # noqa: B018 (parsing is the check)
    page.extract_text()


def open_zip_based(path: Path) -> str | None:
    if path.stat().st_size > OPEN_LIMIT:
        return None
    try:
        with zipfile.ZipFile(path) as archive:
            if any(info.flag_bits & 0x1 for info in archive.infolist()):
                return None  # encrypted: 3-8
            bad = archive.testzip()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as error:
        return f"压缩结构损坏（{error}）"
    return f"成员「{bad}」校验失败" if bad else None


def open_image(path: Path) -> str | None:
    with open(path, "rb") as stream:
        is_jpeg = stream.read(3) == b"\xff\xd8\xff"
    if is_jpeg and b"\xff\xd9" not in _tail(path, 64):
        return "JPEG 不完整（缺少结束标记 FFD9）"
    if path.stat().st_size > OPEN_LIMIT:
        return None
    try:
        from PIL import Image
    except ImportError:
        raise DecoderMissing("未安装图像解码库 Pillow，无法检测图像能否解码") from None
    try:
        with Image.open(path) as image:
            image.verify()
    except Exception as error:  # Pillow raises many kinds for broken images
        return f"图像无法解码（{type(error).__name__}）"
    return None


def open_wav(path: Path) -> str | None:
    try:
        with wave.open(str(path)) as audio:
            if audio.getnframes() == 0:
                return "WAV 没有音频数据"
    except (wave.Error, EOFError, OSError) as error:
        return f"WAV 无法解析（{error}）"
    return None


def open_mp4(path: Path) -> str | None:
    """Walk the top-level boxes: sizes must tile the file and a ``moov`` box must exist."""
    size, position, boxes = path.stat().st_size, 0, set()
    with open(path, "rb") as stream:
        while position < size:
            stream.seek(position)
            header = stream.read(16)
            if len(header) < 8:
                return "MP4 结构不完整"
            length, kind = struct.unpack(">I4s", header[:8])
            if length == 1 and len(header) == 16:
                length = struct.unpack(">Q", header[8:16])[0]
            elif length == 0:
                length = size - position
            if length < 8 or position + length > size:
                return f"MP4 盒「{kind.decode('latin-1')}」长度越界，文件可能被截断"
            boxes.add(kind)
            position += length
    return None if b"moov" in boxes else "MP4 缺少 moov 盒，无法播放"


def _decode_sample(path: Path):
    from lantai.sip.formats import _complete
    from lantai.text.decode import decode

    with open(path, "rb") as stream:
        sample = stream.read(TEXT_SAMPLE)
    return decode(_complete(sample) if len(sample) == TEXT_SAMPLE else sample)


def open_text(path: Path) -> str | None:
    if not _decode_sample(path).text:
        return "文本编码无法识别（应为 UTF-8、GB18030 或 Big5）"
    return None


def text_damage(path: Path) -> str | None:
    """A usability warning for a text file that decodes only with a few damaged characters."""
    decoded = _decode_sample(path)
    if not decoded.text or not decoded.damaged:
        return None
    return (
        f"按 {decoded.encoding.upper()} 读取时有 {decoded.damaged} 处字符无法解码"
        "（常见于服务器按字节截断标题），已以 U+FFFD 代替，其余内容可正常读取"
    )


OPENERS: dict[str, Callable[[Path], str | None]] = {
    "pdf": open_pdf,
    "ofd": open_zip_based,
    "docx": open_zip_based,
    "xlsx": open_zip_based,
    "pptx": open_zip_based,
    "zip": open_zip_based,
    "jpeg": open_image,
    "png": open_image,
    "tiff": open_image,
    "gif": open_image,
    "wav": open_wav,
    "mp4": open_mp4,
    "html": open_text,
    "txt": open_text,
    "xml": open_text,
}


def encryption(path: Path, key: str) -> str | None:
    """Why the file is encrypted, or ``None``."""
    if key == "pdf" and path.stat().st_size <= OPEN_LIMIT:
        return _pdf_encrypted(path)
    if key in ("ofd", "docx", "xlsx", "pptx", "zip"):
        with (
            contextlib.suppress(zipfile.BadZipFile, OSError, ValueError),
            zipfile.ZipFile(path) as archive,
        ):
            if any(info.flag_bits & 0x1 for info in archive.infolist()):
                return "压缩成员已加密"
    if key == "ole":
        with open(path, "rb") as stream:
            head = stream.read(1024 * 1024)
        if "EncryptedPackage".encode("utf-16-le") in head:
            return "Office 文件已加密（EncryptedPackage）"
    return None


def _pdf_encrypted(path: Path) -> str | None:
    from pypdf import PdfReader

    try:
        if PdfReader(path, strict=False).is_encrypted:
            return "PDF 已加密"
    except Exception:  # unreadable PDFs are reported by 3-4
        return None
    return None
