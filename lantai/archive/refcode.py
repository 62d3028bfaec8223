"""档号 (reference code) grammar: parse, validate and render. Plain Python.

A grammar is a template of named parts joined by literal separators; the default is DA/T 22-2015's
item-level code ``全宗号-门类代码·年度-保管期限代码-机构问题代码-件号``, e.g.
``J001-WS·2020-Y-BGS-0001``. Each fonds may set its own template (DA/T 13-2022 renderings,
按卷 legacy codes with a 案卷号 part) and its own 件号 width.

Parsing walks the template left to right and checks each part on its own, so a malformed code
gets a message that names the part that is wrong ("年度「20」不合规：应为四位年份") rather than a
bare "no match". Codes are kept as parts plus the rendered string; the parts without the final
number form the *group* inside which 件号 runs gap-free from 1.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace

from lantai.archive.domains import CATEGORIES

DEFAULT_TEMPLATE = "{fonds}-{category}·{year}-{retention}-{org}-{number}"


@dataclass(frozen=True)
class Part:
    label: str
    pattern: str
    hint: str


PARTS: dict[str, Part] = {
    "fonds": Part("全宗号", r"[A-Z][0-9]{3}", "一个大写字母加三位数字，如 J001"),
    "category": Part("门类代码", "|".join(CATEGORIES), "门类代码之一：" + "、".join(CATEGORIES)),
    "year": Part("年度", r"(1[0-9]|20)[0-9]{2}", "四位年份，如 2020"),
    "retention": Part("保管期限代码", r"Y|D[0-9]{1,3}|C|D", "Y、D30 或 D10（旧档可用 C、D）"),
    "org": Part(
        "机构（问题）代码",
        r"[A-Z0-9]{1,12}|[\u3400-\u9fff]{1,12}",
        "大写拼音首字母、数字或中文，如 BGS、003、办公室",
    ),
    "series": Part("类别号", r"[A-Z0-9\u3400-\u9fff]{1,12}", "类别号，如 JC"),
    "volume": Part("案卷号", r"[0-9]{1,5}", "一到五位数字的案卷号"),
    "number": Part("件号", r"[0-9]+", "数字件号"),
}

# Dots people type for the middle dot of DA/T 13 (U+00B7), and dashes for the hyphen.
_SEPARATOR_VARIANTS = str.maketrans(
    {"・": "·", "•": "·", "‧": "·", ".": "·", "。": "·", "—": "-", "–": "-", "－": "-"}
)
_TOKEN = re.compile(r"\{(\w+)\}")


class RefCodeError(ValueError):
    """A malformed 档号. ``part`` names the offending part's label, when one is to blame."""

    def __init__(self, message: str, part: str | None = None) -> None:
        super().__init__(message)
        self.part = part


class GrammarError(ValueError):
    """A template that cannot be used as a 档号 grammar."""


@dataclass(frozen=True)
class RefCode:
    text: str
    parts: dict[str, str] = field(hash=False)
    group: str

    @property
    def number(self) -> int:
        return int(self.parts["number"])


def _split_template(template: str) -> list[tuple[str, str]]:
    """Template → [(part name, separator that follows it)], validated."""
    pieces = _TOKEN.split(template)
    if pieces[0]:
        raise GrammarError(f"档号模板「{template}」必须以字段开头")
    names, separators = pieces[1::2], pieces[2::2]
    for name in names:
        if name not in PARTS:
            raise GrammarError(f"档号模板含未知字段「{name}」：可用 " + "、".join(PARTS))
    if not names or names[-1] != "number" or names.count("number") != 1:
        raise GrammarError(f"档号模板「{template}」必须以唯一的 {{number}}（件号）结尾")
    if any(not sep for sep in separators[:-1]):
        raise GrammarError(f"档号模板「{template}」的相邻字段之间必须有分隔符")
    return list(zip(names, separators, strict=True))


def normalise(text: str) -> str:
    """NFKC, unify separator variants and upper-case Latin letters; Chinese is kept."""
    text = unicodedata.normalize("NFKC", text.strip()).translate(_SEPARATOR_VARIANTS)
    return "".join(ch.upper() if ch.isascii() else ch for ch in text)


@dataclass(frozen=True)
class Grammar:
    """A fonds' 档号 grammar. ``number_width`` zero-pads 件号 (DA/T 22: four digits)."""

    template: str = DEFAULT_TEMPLATE
    number_width: int = 4

    def __post_init__(self) -> None:
        _split_template(self.template)
        if not 1 <= self.number_width <= 8:
            raise GrammarError(f"件号位数 {self.number_width} 不合规：应为 1 到 8")

    @property
    def max_number(self) -> int:
        """The highest 件号 the width can write (4 → 9999)."""
        return 10**self.number_width - 1

    @property
    def part_names(self) -> list[str]:
        return [name for name, _ in _split_template(self.template)]

    def parse(self, code: str) -> RefCode:
        """Parse and validate ``code``; raise :class:`RefCodeError` naming the wrong part."""
        original, text = code, normalise(code)
        if not text:
            raise RefCodeError("档号为空")
        parts: dict[str, str] = {}
        position = 0
        for name, separator in _split_template(self.template):
            part = PARTS[name]
            end = text.find(separator, position) if separator else len(text)
            if end < 0:
                raise RefCodeError(
                    f"档号「{original}」在{part.label}处缺少分隔符「{separator}」"
                    f"（格式：{self.describe()}）",
                    part.label,
                )
            value = text[position:end]
            self._check_part(original, name, value)
            parts[name] = value
            position = end + len(separator)
        return RefCode(text=text, parts=parts, group=self.group_of(parts))

    def _check_part(self, original: str, name: str, value: str) -> None:
        part = PARTS[name]
        if not value:
            raise RefCodeError(f"档号「{original}」缺少{part.label}", part.label)
        if not re.fullmatch(part.pattern, value):
            raise RefCodeError(
                f"档号「{original}」的{part.label}「{value}」不合规：应为{part.hint}", part.label
            )
        if name == "number" and len(value) != self.number_width:
            raise RefCodeError(
                f"档号「{original}」的件号「{value}」应为 {self.number_width} 位数字"
                f"（如 {1:0{self.number_width}d}）",
                part.label,
            )
        if name == "number" and int(value) == 0:
            raise RefCodeError(f"档号「{original}」的件号不能为 0：件号从 1 开始", part.label)

    def render(self, parts: dict[str, str | int]) -> str:
        """Render parts (number as int or str) into a code, validating the result."""
        values = {name: str(value) for name, value in parts.items()}
        if "number" in parts:
            values["number"] = f"{int(parts['number']):0{self.number_width}d}"
        missing = [PARTS[name].label for name in self.part_names if not values.get(name)]
        if missing:
            raise RefCodeError("生成档号缺少：" + "、".join(missing), missing[0])
        text = "".join(values[name] + sep for name, sep in _split_template(self.template))
        return self.parse(text).text

    def spellings(self, code: str) -> list[str]:
        """``code`` and the same 件号 written at every other width a fonds may have used.

        A fonds can widen its 件号 (``lantai fonds set J001 --number-width 5``); the codes it
        issued before keep their old width (they are identifiers), so the same number may be
        stored as ``…-9999`` and arrive as ``…-09999``. Duplicate checks look up all of them.
        ``code`` itself may be written at any width; the other parts are validated as usual.
        Widths run from the digits the number needs to the fonds' width (no code was ever
        issued wider than that), so a four-digit fonds adds spellings only below 1000.
        """
        digits_written = re.search(r"[0-9]+$", normalise(code))
        width = len(digits_written.group(0)) if digits_written else self.number_width
        parsed = replace(self, number_width=min(max(width, 1), 8)).parse(code)
        head = parsed.text[: len(parsed.text) - len(parsed.parts["number"])]
        digits, widest = len(str(parsed.number)), max(width, self.number_width)
        return [f"{head}{parsed.number:0{w}d}" for w in range(digits, widest + 1)]

    def group_of(self, parts: dict[str, str]) -> str:
        """The allocation group: every part but 件号, rendered with the template's separators."""
        pieces = [parts[name] + sep for name, sep in _split_template(self.template)[:-1]]
        return "".join(pieces).rstrip("-·")

    def describe(self) -> str:
        """The template with Chinese part labels, for messages and help texts."""
        return _TOKEN.sub(lambda m: PARTS[m.group(1)].label, self.template)


DEFAULT_GRAMMAR = Grammar()


def parse(code: str, grammar: Grammar = DEFAULT_GRAMMAR) -> RefCode:
    return grammar.parse(code)
