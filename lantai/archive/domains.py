"""Value domains of the archival description (DA/T 13, DA/T 18, DA/T 46). Plain Python.

Codes are what we store; labels are what archivists read. Legacy 保管期限 values (永久/长期/短期)
found in 存量 holdings are mapped to current codes on import, while the original wording is kept
beside it (``retention_original``) so nothing the transferring unit wrote is rewritten.
"""

from __future__ import annotations

# 保管期限 (retention period), 国家档案局令第8号.
RETENTION = {"Y": "永久", "D30": "定期30年", "D10": "定期10年"}

# Legacy wording → current code. 长期 (16–50 years) and 短期 (≤15 years) are mapped the way the
# 2006 transition rules did it: 长期 → 定期30年, 短期 → 定期10年.
LEGACY_RETENTION = {
    "永久": "Y",
    "长期": "D30",
    "長期": "D30",
    "短期": "D10",
    "定期30年": "D30",
    "定期10年": "D10",
    "30年": "D30",
    "10年": "D10",
    "C": "D30",
    "D": "D10",
}

# 门类代码 (archive categories), DA/T 13-2022.
CATEGORIES = {
    "WS": "文书",
    "KJ": "科技",
    "RS": "人事",
    "KU": "会计",
    "ZY": "专业",
    "ZP": "照片",
    "LY": "录音",
    "LX": "录像",
    "SJ": "业务数据",
    "YJ": "公务电子邮件",
    "WY": "网页信息",
    "MT": "社交媒体",
    "SW": "实物",
}

# 密级 (classification). Practice also records the non-secret markings 内部/非密/公开.
CLASSIFICATIONS = {
    "": "（未标注）",
    "公开": "公开",
    "非密": "非密",
    "内部": "内部",
    "秘密": "秘密",
    "机密": "机密",
    "绝密": "绝密",
}

# 开放标识: the open-review state. New records are unreviewed, which is not visible (fail closed).
OPEN_STATUSES = {
    "unreviewed": "未审核",
    "open": "开放",
    "controlled": "控制使用",
    "closed": "延期开放",
}

# 载体 (carrier).
CARRIERS = {
    "electronic": "电子",
    "paper": "纸质",
    "photo": "照片",
    "film": "胶片",
    "tape": "磁带",
    "disc": "光盘",
    "object": "实物",
}

# Scripts of the extracted text (set by the text pipeline).
SCRIPTS = {"simplified": "简体", "traditional": "繁体", "mixed": "繁简混合", "none": "无文字"}


class DomainError(ValueError):
    """A value outside its domain; the message names the field and the allowed values."""


def normalise_retention(value: str) -> str:
    """Map a 保管期限 as written (code, current or legacy wording) to its code."""
    text = value.strip().upper() if value.strip().isascii() else value.strip()
    if text in RETENTION:
        return text
    if text in LEGACY_RETENTION:
        return LEGACY_RETENTION[text]
    allowed = "、".join([*RETENTION, *RETENTION.values(), "长期", "短期"])
    raise DomainError(f"保管期限「{value}」不在值域内：可用 {allowed}")


def normalise_category(value: str) -> str:
    """Map a 门类 given as code (WS) or name (文书) to its code."""
    text = value.strip()
    if text.upper() in CATEGORIES:
        return text.upper()
    for code, name in CATEGORIES.items():
        if text == name:
            return code
    allowed = "、".join(f"{code} {name}" for code, name in CATEGORIES.items())
    raise DomainError(f"门类「{value}」不在值域内：可用 {allowed}")


def normalise_classification(value: str) -> str:
    """Map a 密级 as written (e.g. ``机密★10年``) to its domain value."""
    text = value.strip()
    for level in ("绝密", "机密", "秘密", "内部", "非密", "公开"):
        if text.startswith(level):
            return level
    if text in ("", "无", "-"):
        return ""
    raise DomainError(f"密级「{value}」不在值域内：可用 绝密、机密、秘密、内部、非密、公开 或留空")
