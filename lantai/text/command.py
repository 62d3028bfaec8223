"""``lantai extract FILE [--json]`` (architecture §6): the text pipeline on one file.

Human output is a short Chinese-labelled summary followed by the body; ``--json`` prints one
JSON document (``ensure_ascii=False`` so Chinese stays readable). Exit codes: 0 success (also
for a readable file that yields no text: the reason is the result), 2 for usage errors and a
missing or unreadable file, with a one-line message on stderr and never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from lantai.text.pipeline import extract
from lantai.text.result import ExtractResult

_LABELS = (
    ("title", "题名"),
    ("date", "日期"),
    ("authors", "责任者"),
    ("source", "来源"),
    ("script", "字体"),
    ("encoding", "编码"),
    ("kind", "类型"),
    ("reason", "说明"),
)
_SCRIPTS = {"simplified": "简体", "traditional": "繁体", "mixed": "简繁混合", "none": "无汉字"}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="lantai extract",
        description="提取文件的文本与元数据（题名、日期、责任者、来源、正文、简繁）。"
        " Extract text and metadata from one file (HTML, PDF, DOCX, OFD, image, plain text).",
    )
    parser.add_argument("file", metavar="FILE", help="要提取的文件 / the file to extract")
    parser.add_argument(
        "--json", action="store_true", help="输出一个 JSON 文档 / print one JSON document"
    )
    parser.add_argument(
        "--url", help="网页的原始地址（有助于判断日期）/ original URL of a web capture"
    )
    parser.add_argument(
        "--ocr-lines",
        action="store_true",
        help="JSON 中包含 OCR 行位置 / include OCR line positions",
    )
    return parser


def _human(result: ExtractResult) -> str:
    lines = []
    for field, label in _LABELS:
        value = getattr(result, field)
        if field == "script":
            value = _SCRIPTS.get(value, value)
            if result.encoding_confidence is not None:
                pass
        if field == "encoding" and value and result.encoding_confidence is not None:
            value = f"{value}（置信度 {result.encoding_confidence:.2f}）"
        if isinstance(value, list):
            value = "、".join(value)
        if value:
            lines.append(f"{label}：{value}")
    lines.append(f"正文：{len(result.body)} 字")
    lines.append("")
    lines.append(result.body)
    return "\n".join(lines)


def _document(result: ExtractResult, with_lines: bool) -> dict[str, Any]:
    data = result.to_dict()
    if not with_lines:
        data["ocr_lines"] = len(result.ocr_lines)
    return data


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the exit code."""
    args = _parser().parse_args(argv)
    path = Path(args.file)
    if not path.is_file():
        print(
            f"lantai extract: 文件不存在或不是普通文件 / no such file: {args.file}", file=sys.stderr
        )
        return 2
    try:
        with path.open("rb"):
            pass
    except OSError as error:
        print(
            f"lantai extract: 无法读取 / cannot read {args.file}: {error.strerror}", file=sys.stderr
        )
        return 2
    result = extract(path, url=args.url)
    if args.json:
        json.dump(_document(result, args.ocr_lines), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        print(_human(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
