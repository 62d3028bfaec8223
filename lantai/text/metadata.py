"""Title, authors, source, places and organisations from Chinese text (issue 4, step 5).

Rules, not models: archives need results they can explain and no network or model download.

* **Bylines.** ``记者 X``, ``本报记者 X Y``, ``通讯员 X``, ``实习生 X``, ``作者：X``, ``文/X``,
  ``编辑：X`` … A name is 2–4 Han characters (or a ``·`` name such as 买买提·艾力). ``记者从…获悉``
  is reporting, not a byline, so a "name" starting with a function character (从, 在, 了解 …) is
  rejected, and so is one ending in a reporting verb (报道, 摄).
* **Source.** ``来源：X``, ``稿源：X``, ``本文来源：X``, ``新华社北京3月3日电`` → 新华社.
* **Places / organisations.** A short dictionary of province-level names and a suffix pattern for
  organisations (…委员会, …人民政府, …局, …大学 …). Precision over recall: a leading function
  word is cut off and generic words (各省, 全市, 本公司) are dropped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_HAN = "\u4e00-\u9fff"
# Bylines in Traditional text (記者, 通訊員, 來源 …): each keyword character also matches its
# Traditional form, so one rule set reads both scripts and names keep their original form.
_TRAD = dict(
    zip(
        "记讯实习编辑责来报摄见闻这华网视刊导从获发现还将对调随写国员转载处业问于采访",
        "記訊實習編輯責來報攝見聞這華網視刊導從獲發現還將對調隨寫國員轉載處業問於採訪",
        strict=True,
    )
)


def _both(pattern: str) -> str:
    return "".join(f"[{c}{_TRAD[c]}]" if c in _TRAD and _TRAD[c] != c else c for c in pattern)


_NAME = rf"[{_HAN}]{{2,4}}(?:·[{_HAN}]{{2,6}})?"
_ROLES = _both(
    r"(?:本报|本台|本刊|新华社|中新社|人民网|央视网)?(?:记者|通讯员|实习生|特约撰稿人|撰稿人|见习记者)"
)
_NAME_STOP = re.compile(
    _both(
        r"^(?:从|在|于|对|向|日前|近日|昨|今|了|获|注意|发现|看到|表示|问|据|也|就|又|还|将|已|是|的|采访|走访|来到|随|一行|调查|等)"
    )
)
_NAME_TAIL = re.compile(_both(r"(?:报道|摄影?|整理|采写|编辑|发自|电|讯)$"))
_SEP = r"[ \t\u3000、，,和]+"
# A byline name must end at a delimiter or a reporting word: "记者多位业内人士…" is prose.
_END = _both(r"(?=[\s）)\]】|｜/，,。;；:：]|$|报道|摄|通讯员|实习生|见习|发自|编辑|责编)")
_BYLINE = re.compile(rf"{_ROLES}[ \t\u3000:：]*(?P<names>{_NAME}(?:{_SEP}{_NAME})*){_END}")
_LABELLED = re.compile(
    _both(r"(?:作者|文|撰文|撰稿|责任编辑|责编|编辑|记者)") + rf"[ \t\u3000]*[:：/|｜][ \t\u3000]*"
    rf"(?P<names>{_NAME}(?:{_SEP}{_NAME})*){_END}"
)
_ROLE_WORD = re.compile(_both(r"本报|记者|通讯员|实习生|编辑|摄影|撰稿"))
_SOURCE = re.compile(
    _both(r"(?:来源|稿源|本文来源|信息来源|出处|转载自)")
    + rf"\s*[:：]\s*(?P<src>[{_HAN}A-Za-z0-9·]{{2,30}})"
)
_AGENCY = re.compile(
    _both(r"(新华社|中新社|中国新闻社|人民日报|央视新闻|法新社|路透社|美联社)[^\n。]{0,12}?电")
)
_PROVINCES = [
    "北京",
    "天津",
    "上海",
    "重庆",
    "河北",
    "山西",
    "辽宁",
    "吉林",
    "黑龙江",
    "江苏",
    "浙江",
    "安徽",
    "福建",
    "江西",
    "山东",
    "河南",
    "湖北",
    "湖南",
    "广东",
    "海南",
    "四川",
    "贵州",
    "云南",
    "陕西",
    "甘肃",
    "青海",
    "台湾",
    "内蒙古",
    "广西",
    "西藏",
    "宁夏",
    "新疆",
    "香港",
    "澳门",
]
_PLACE = re.compile(
    rf"(?:{'|'.join(_PROVINCES)})(?:省|市|自治区|特别行政区)?|[{_HAN}]{{2,4}}(?:省|市|县|自治州|自治县|区|镇|乡)"
)
_ORG_SUFFIX = (
    "委员会|人民政府|人民法院|人民检察院|办公厅|办公室|研究院|研究所|研究中心|科学院|大学|学院|医院"
    "|中学|小学|集团|有限公司|公司|银行|协会|学会|基金会|电视台|广播电台|报社|出版社|管理局|局|厅|部|委"
)
_ORG = re.compile(rf"[{_HAN}]{{2,14}}?(?:{_ORG_SUFFIX})")
_CUT = re.compile(r"^.*[的在和与及由向对是据从为将把被了并等但也年月日]")
_GENERIC = re.compile(
    r"^(?:[各全本该][省市县区镇乡校院局厅部委]|我|其|此|这|那|某|有关|相关|上级|下级|所在|当地)"
)


def _names(block: str) -> list[str]:
    names = []
    for name in re.split(_SEP, block):
        if _ROLE_WORD.search(name):
            break  # the next role starts here; its own match will pick up its names
        name = _NAME_TAIL.sub("", name)
        if 2 <= len(name) <= 9 and not _NAME_STOP.match(name):
            names.append(name)
    return names


def find_authors(text: str, limit: int = 3000) -> list[str]:
    """Names from bylines in the first ``limit`` characters, in order, without repeats."""
    head = text[:limit]
    found: list[str] = []
    for pattern in (_BYLINE, _LABELLED):
        pos = 0
        # Searched from just after each match's start, not its end: ``记者 张三 通讯员 李四``
        # must also yield the 通讯员 match that the first match's name block swallowed.
        while (match := pattern.search(head, pos)) is not None:
            found.extend(n for n in _names(match.group("names")) if n not in found)
            pos = match.start("names")
    return found


def find_source(text: str, limit: int = 3000) -> str | None:
    """The stated source (来源) or the wire agency of a dateline."""
    head = text[:limit]
    match = _SOURCE.search(head)
    if match:
        return re.split(r"\s|作者|编辑|记者|责任", match.group("src"))[0] or None
    match = _AGENCY.search(head)
    return match.group(1) if match else None


def _trim(entity: str) -> str | None:
    entity = _CUT.sub("", entity)
    if len(entity) < 3 or _GENERIC.match(entity):
        return None
    return entity


def find_places(text: str, limit: int = 20) -> list[str]:
    """Place names, most frequent first (ties by first appearance)."""
    return _ranked((m.group() for m in _PLACE.finditer(text[:100_000])), limit, min_len=2)


def find_organisations(text: str, limit: int = 20) -> list[str]:
    """Organisation names by suffix pattern, most frequent first."""
    return _ranked((m.group() for m in _ORG.finditer(text[:100_000])), limit, min_len=3)


def _ranked(items: Iterable[str], limit: int, min_len: int) -> list[str]:
    counts: dict[str, int] = {}
    for item in items:
        name = _trim(item) if len(item) > 2 else item
        if name and len(name) >= min_len and not _GENERIC.match(name):
            counts[name] = counts.get(name, 0) + 1
    return sorted(counts, key=lambda k: -counts[k])[:limit]


def guess_title(text: str) -> str | None:
    """First line of a plain-text document when it reads like a heading."""
    for line in text.split("\n")[:3]:
        line = line.strip().strip("#").strip()
        if not line:
            continue
        if len(line) <= 60 and not re.search(r"[。；;！？!?，,]$", line):
            return line
        return None
    return None
