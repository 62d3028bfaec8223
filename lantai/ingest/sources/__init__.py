"""Submission readers, one module per form (the plug-in directory pattern).

Every source module has the same small interface::

    KIND: str                          # 'folder' | 'bagit' | 'warc' | 'zip'
    def matches(path: Path) -> bool    # cheap: looks at names and first bytes only
    def read(path: Path) -> Submission # never raises for bad input: records Problems

A new form (DA/T 48 EEP, say) is a new module here plus its name in ``detect.ORDER``.
"""

from __future__ import annotations

from pathlib import Path

from lantai.ingest.sources.detect import detect
from lantai.sip.submission import Submission


def open_submission(path: Path | str) -> Submission:
    """Read whatever is at ``path`` into a :class:`Submission`.

    Call ``close()`` on the result (or use it as a context manager) once the batch is written:
    a zip's unpacked files live in a temporary directory until then.
    """
    path = Path(path).absolute()
    if path.is_symlink() or not path.exists():
        submission = Submission("folder", path)
        submission.problem(
            "移交路径不存在或是符号链接：请给出移交目录、BagIt 包、WARC 或 zip 文件", file=str(path)
        )
        return submission
    module = detect(path)
    if module is None:
        submission = Submission("folder", path)
        submission.problem(
            "无法识别移交形式：应为含 目录.csv/目录.xlsx 的目录、BagIt 包（含 bagit.txt）、"
            "WARC 文件或以上内容的 zip 压缩包",
            file=path.name,
        )
        return submission
    return module.read(path)
