"""Lines of a Chinese news body that are not the article, and body-agreement measures.

Extractors keep the editorial furniture that sits inside a page's article container: the
``（原标题：…）`` line, ``责任编辑：X``, ``本文来源：X``, a bare ``新京报记者X`` byline, a
disclaimer, a "related news" link, a WeChat account's ``回复【X】查看…`` menu. Archivists want
the article text alone (the byline and source are kept as metadata fields instead), so such
lines are dropped — but only whole *short* lines that match, because the same words inside a
sentence of prose (``记者从…获悉``) are article text.
"""

from __future__ import annotations

import re

_HAN = "\u4e00-\u9fff"
_MAX_LINE = 60  # furniture lines are short; a longer line is prose whatever it starts with
_ROLE = r"(?:责任编辑|责编|编辑|校对|审核|审校|监制|主编|值班编辑|采写|作者|执笔|撰文|文)"
_PATTERNS = [
    r"^[（(【\[]?\s*(?:本文)?原(?:标)?题(?:为)?\s*[:：《]",  # （原标题：…）/（原题为《…》）
    rf"^[（(【\[]?\s*{_ROLE}\s*[:：|｜/]",  # 责任编辑：X / 编辑|X / 文/X
    rf"^(?:(?:编辑|校对|责编|审核|监制)\s*[{_HAN}]{{2,4}}\s*)+$",  # 编辑X校对Y
    r"^[（(【\[]?\s*(?:本文|信息|资料|稿件)?(?:来源|稿源)\s*[:：|｜]",  # 本文来源：X
    rf"^[《》{_HAN}]{{2,12}}(?:记者|作者)\s*[{_HAN}]{{2,4}}(?:[\s、]+[{_HAN}]{{2,4}})*$",
    r"对[此本]文亦有贡献",
    r"^(?:免责声明|特别声明|声明)\s*[:：]",
    r"^(?:相关新闻|相关阅读|延伸阅读|此前报道|推荐阅读|相关推荐|相关资讯)",
    r"^[（(]?\s*本文(?:来自|转载自|系)",
    r"^(?:信息|图片|内容)均?来(?:源)?[自于]网络",
    r"返回.{0,8}首页|^点击(?:进入|查看|菜单栏|阅读原文)",
    r"^\d+[、.]\s*回复【|扫描下方二维码|长按(?:识别)?二维码|点【在看】",
    r"^【纠错】",
]
_FURNITURE = re.compile("|".join(f"(?:{p})" for p in _PATTERNS))


def is_furniture(line: str) -> bool:
    """A short line that is editorial furniture, not article text."""
    line = line.strip()
    return len(line) <= _MAX_LINE and bool(_FURNITURE.search(line))


def drop_furniture(text: str) -> str:
    """``text`` without its furniture lines (one paragraph per line in, the same out)."""
    return "\n".join(line for line in text.split("\n") if not is_furniture(line))


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def coverage(part: str, whole: str) -> float:
    """Share of ``part``'s characters that sit in lines also found inside ``whole``.

    Used to ask whether two extractors found the *same* article: when trafilatura's lines are
    almost all inside GNE's text, GNE's extra length is more of that article (trafilatura
    sometimes keeps only some paragraphs); when they are not, the two disagree about where the
    article is, and GNE's densest block is the likelier mistake.
    """
    haystack = _squash(whole)
    lines = [_squash(line) for line in part.split("\n")]
    lines = [line for line in lines if len(line) >= 4]
    total = sum(len(line) for line in lines)
    if not total:
        return 0.0
    return sum(len(line) for line in lines if line in haystack) / total
