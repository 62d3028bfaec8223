"""Cleaning of messy Chinese text (issue 4, step 3).

Each step fixes one artefact seen in real deposits; the order matters and is fixed:

1. **Characters**: newlines unified, control and zero-width characters dropped, full-width Latin
   letters and digits folded to ASCII (``２０２０`` → ``2020``). Full-width *punctuation* is kept:
   ``，。：`` are correct in Chinese prose, and folding them would change the text readers see.
2. **Pinyin annotations** inserted by a converter after each character (``報(bào)記(jì)者``)
   are removed only when the text carries at least three of them. A single ``(pīnyīn)`` in a
   dictionary entry is legitimate; converters annotate every character. Only a parenthesised
   single syllable with a tone mark (or tone digit) directly after a Han character counts, so
   ``(2020)``, ``(CNN)`` or ``(记者 张三)`` are never touched.
3. **Image-file debris** (``微信图片_20200229114831``, ``IMG_1234.JPG``) left by editors who
   pasted captions.
4. **Boilerplate lines** of sharing widgets (``分享到：``, ``扫一扫``, ``打印本页``) — only whole
   short lines, so prose mentioning 分享 stays.
5. **Doubled punctuation** (``，，`` ``,,`` ``。。``) collapsed. ``……`` and ``——`` are real
   punctuation and ``！！``/``？？`` are emphasis, so they stay.
6. **Whitespace**: runs collapsed; in a *letter-spaced* line (``中 华 人 民``, a PDF/OCR
   artefact: most Han characters stand alone between spaces) the spaces between Han characters
   go. Elsewhere a space between Han characters is kept, because in ``记者 张三 通讯员 李四``
   it separates names. Blank lines are dropped: one paragraph per line.
7. **Repeats**: a paragraph seen before is dropped (this also removes an article pasted twice),
   and a single line that is its own first half twice over is halved.

``clean`` is idempotent (property-tested): it repeats its pass until nothing changes (at most
three times), so no step can re-create an artefact an earlier step removed.
"""

from __future__ import annotations

import re
import unicodedata

_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
_SYLLABLE = rf"(?:[a-zü]*[{_TONED}][a-zü{_TONED}]*|[a-zü]{{1,6}}[1-5])"
_PINYIN = re.compile(rf"(?<=[\u3400-\u9fff])[(（]{_SYLLABLE}[)）]")
_PINYIN_MIN = 3

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u2028\u2029\u2060\ufeff]")
_FULLWIDTH_ALNUM = re.compile(r"[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]")
_IMAGE_DEBRIS = re.compile(
    r"(?:微信图片|微信截图|QQ图片|QQ截图|截图|图片)_?\d{8,}(?:_\d+)?(?:\.(?:jpe?g|png|gif|bmp|webp))?"
    r"|(?<![A-Za-z0-9_])(?:IMG|DSC|DSCN|P)_?\d{3,}[A-Za-z0-9_]*\.(?:jpe?g|png|gif|heic|bmp|webp)"
    r"(?![A-Za-z0-9])"
    r"|(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{6,}\.(?:jpe?g|png|gif|bmp|webp)(?![A-Za-z0-9])",
    re.IGNORECASE,
)
_BOILERPLATE_LINE = re.compile(
    r"^(?:分享(?:到)?[:：]?|分享至|分享到[:：]?.{0,20}|扫一扫.{0,16}|打印(?:本页|此文)?|关闭(?:窗口)?"
    r"|\[?【?纠错】?\]?|返回顶部|上一篇.{0,40}|下一篇.{0,40}|收藏|点赞|评论|转发|举报"
    r"|微信|微博|QQ空间|朋友圈|字号[:：]?\s*[大中小\s]*|【?字体[:：].{0,8}"
    r"|(?:微信|微博|QQ空间|QQ好友|朋友圈|豆瓣|人人网|腾讯微博|新浪微博)(?:[\s、|/]+"
    r"(?:微信|微博|QQ空间|QQ好友|朋友圈|豆瓣|人人网|腾讯微博|新浪微博))+)$"
)
_DOUBLED = re.compile(r"([，,。、；;：:])(?:\s*\1)+")
_HAN = "\u3400-\u9fff\uf900-\ufaff"
_SPACE_BETWEEN_HAN = re.compile(rf"(?<=[{_HAN}，。、；：？！“”（）《》])[ \t\u3000]+(?=[{_HAN}])")
_LONE_HAN = re.compile(rf"(?:^|(?<=\s))[{_HAN}](?=\s|$)")
_SPACES = re.compile(r"[ \t\u00a0\u3000\u2000-\u200a\u202f\u205f]+")
_MIN_REPEAT = 8


def _fold_fullwidth(match: re.Match[str]) -> str:
    return unicodedata.normalize("NFKC", match.group())


def normalise_characters(text: str) -> str:
    """Newlines unified, controls and zero-width characters dropped, full-width alnum folded."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub("", text)
    return _FULLWIDTH_ALNUM.sub(_fold_fullwidth, text)


def strip_pinyin(text: str) -> str:
    """Remove converter-inserted pinyin when there are enough annotations to be sure."""
    if len(_PINYIN.findall(text, 0, 200_000)) < _PINYIN_MIN:
        return text
    return _PINYIN.sub("", text)


def strip_image_debris(text: str) -> str:
    """Remove pasted image file names."""
    return _IMAGE_DEBRIS.sub("", text)


def collapse_punctuation(text: str) -> str:
    """``，，`` → ``，`` (and the same for ``,,`` ``。。`` ``、、`` ``；；`` ``：：``)."""
    return _DOUBLED.sub(r"\1", text)


def normalise_whitespace(line: str) -> str:
    """Collapse spaces; drop spaces between Han characters; trim."""
    line = _SPACES.sub(" ", line).strip()
    if " " in line and len(_LONE_HAN.findall(line)) >= max(4, len(line) // 4):
        line = _SPACE_BETWEEN_HAN.sub("", line)
    return line


def _halve_doubled_line(line: str) -> str:
    half = len(line) // 2
    if half >= _MIN_REPEAT and len(line) % 2 == 0 and line[:half] == line[half:]:
        return line[:half]
    return line


def _paragraphs(text: str) -> list[str]:
    kept: list[str] = []
    seen: set[str] = set()
    for raw in text.split("\n"):
        line = _halve_doubled_line(normalise_whitespace(raw))
        if not line or _BOILERPLATE_LINE.match(line):
            continue
        key = re.sub(r"\W", "", line)
        if len(key) >= _MIN_REPEAT:
            if key in seen:
                continue
            seen.add(key)
        kept.append(line)
    return kept


def _one_pass(text: str) -> str:
    text = normalise_characters(text)
    text = strip_pinyin(text)
    text = strip_image_debris(text)
    text = collapse_punctuation(text)
    return "\n".join(_paragraphs(text))


def clean(text: str) -> str:
    """Clean ``text`` (see the module docstring); never raises on any ``str``."""
    for _ in range(3):
        cleaned = _one_pass(text)
        if cleaned == text:
            break
        text = cleaned
    return text
