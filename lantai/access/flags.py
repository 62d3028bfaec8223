"""Automatic flags for the open-review queue (开放审核预检): prompts, not decisions.

:func:`scan` finds what a reviewer must look at before opening a record (architecture §5 flow 3,
standards §5.2): personal identifiers, names in personnel or discipline contexts, classification
marks and a configurable sensitive-term list. Every flag says in Chinese why it was raised, and
its excerpt partly masks the digits it found (and those of neighbouring flags), so the queue
itself does not spread them.

Heuristics, chosen for a human reviewer who sees every flag:

- Digits: ID cards, bank cards and phone numbers as :mod:`lantai.access.identifiers` reads them
  (whole runs only; ID cards with a valid region, birth date and check digit; Luhn for cards).
- Personnel names: a common surname plus one or two characters, within ``NAME_WINDOW`` characters
  of a context word (任免, 处分, 病历…) or anywhere when the title has one. The name must end in a
  way only names end (同志, 党籍, "，男，"…), or, after a word that introduces a person (免去,
  给予, 患者…, or the previous name of a list 张三、李四), at a weaker boundary (的, 为, a title
  such as 副局长, punctuation). Laws full of 处分 and 犯罪 thus yield almost no names (one false
  name in 3 million characters of statutes). Already anonymised names (张某, 李某某) are skipped.
- Classification marks: ``机密★10年``, ``密级：秘密``, a mark alone on its line or in brackets
  (``【绝密】``). ``绝密`` in prose is also flagged (it is rarely anything but a mark); ordinary
  ``秘密``/``机密`` in prose (商业秘密, 国家机密) is not.
- Overlapping flags are deduplicated: the more specific kind wins (ID over bank card over phone).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from dataclasses import dataclass

from lantai.access.identifiers import Found, bank_cards, digits, id_cards, phones
from lantai.access.redaction import find_terms, merge_spans

NAME_WINDOW = 40
CONTEXT = 12

LABELS = {
    "id_card": "公民身份号码",
    "bank_card": "银行卡号",
    "phone": "电话号码",
    "classification": "密级标志",
    "sensitive_term": "敏感词",
    "personnel_name": "人事/纪律语境中的人名",
}
# Lower wins when two flags overlap.
PRIORITY = {kind: rank for rank, kind in enumerate(LABELS)}
# Kinds whose digits are starred in excerpts: (digits kept at the head, at the tail).
DIGIT_KINDS = {"id_card": (6, 4), "bank_card": (4, 4), "phone": (3, 4)}


@dataclass(frozen=True, slots=True)
class Flag:
    kind: str
    label: str
    excerpt: str
    start: int
    end: int
    explanation: str
    # "title" / "description" when the match is there (offsets then index that field)
    field: str = "text"


def _words(spaced: str) -> tuple[str, ...]:
    return tuple(spaced.split())


_LEVEL = "(绝密|机密|秘密)"
_TERM = r"(?:\s*[★☆*]\s*(?:\d+\s*(?:年|个月)|长期)?)"
CLASSIFICATION = re.compile(
    rf"{_LEVEL}{_TERM}"
    rf"|密\s*级\s*[:：]?\s*{_LEVEL}{_TERM}?"
    rf"|[【〔\[（(]\s*{_LEVEL}\s*[】〕\]）)]"
    rf"|^[ \t　]*{_LEVEL}[ \t　]*$"
    r"|(?<!国家)(绝密)(?!级|[、和或]机密)",  # bare 绝密, but not the legal phrases
    re.MULTILINE,
)

CONTEXT_WORDS = _words(
    "任免 任职 任命 免去 免职 撤职 处分 记过 记大过 开除 留党察看 违纪 纪律处分 "
    "政审 档案审查 病历 病史 犯罪 判处 劳动教养 劳教"
)
CONTEXT_RE = re.compile("|".join(sorted(CONTEXT_WORDS, key=len, reverse=True)))

COMPOUND_SURNAMES = _words(
    "欧阳 司马 诸葛 上官 东方 皇甫 令狐 慕容 夏侯 尉迟 公孙 长孙 宇文 司徒 端木"
)
SURNAMES = frozenset(
    "王李张刘陈杨黄赵周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛"
    "郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰"
    "焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁"
)
SURNAME_RE = re.compile("|".join([*COMPOUND_SURNAMES, f"[{''.join(SURNAMES)}]"]))
# Characters that do not start or continue a given name but do follow names in running text.
NOT_GIVEN = frozenset(
    "年月日时分秒的了在是有部局处科室会委组省市县区号份位个条款项级次批件类和与及等为被对于把将"
    "从向由已经不也都就而且或之其这那此该各本上下中内外前后同志员长任书记人们事务工作单位机关政府"
    "公司国家党意见通知决定报告请示关于免去给予除职撤开违犯病审查判过警罚副正式序围系诉"
)
# What follows a name. A strong ending is enough on its own; a weak one (punctuation, 的…)
# ends "方案，" as well as "张三，", so it counts only after a word that introduces a person.
STRONG_END = re.compile(
    r"同志|先生|女士|党籍|公职|记过|记大过|严重警告|警告处分|留党察看|"
    r"[，,、（(]\s*[男女][，,、。；;）)\s]"
)
WEAK_END = re.compile(
    r"等|为|的|因|在|被|于|[，,、。；;：:（(）)]|副|正|主任|局长|处长|科长|书记|部长|厅长|县长|"
    r"市长|省长|院长|校长|所长|经理|主席|委员|干事|科员"
)
HAN_GIVEN = re.compile(r"[\u4e00-\u9fff]{1,2}")
PERSON_BEFORE = re.compile(
    r"(?:任免|任命|聘任|提名|免去|撤销|给予|开除|患者|病人|姓名[:：]?|经查|被告人|罪犯|"
    r"犯罪嫌疑人|嫌疑人|当事人|申请人|职工|干部)\s*$"
)


def scan(
    text: str, *, sensitive_terms: Iterable[str] = (), title: str = "", description: str = ""
) -> list[Flag]:
    """Flags for ``text`` (offsets into ``text``), ``title`` (``field='title'``) and
    ``description`` (``field='description'``; the 摘要 is published like the body, so it is
    scanned like the body, with the title's context word)."""
    terms = tuple(sensitive_terms)
    title_context = CONTEXT_RE.search(title) if title else None
    title_word = title_context.group() if title_context else None
    flags = _scan_one(text, terms, "text", title_word)
    if title:
        flags += _scan_one(title, terms, "title", None)
    if description:
        flags += _scan_one(description, terms, "description", title_word)
    return flags


def _scan_one(text: str, terms: tuple[str, ...], field: str, title_word: str | None) -> list[Flag]:
    found = id_cards(text) + bank_cards(text) + phones(text) + _classification(text)
    kept = _dedupe(found + _sensitive_terms(text, terms) + _personnel_names(text, title_word))
    # Excerpts come from a copy with every flagged number masked, so that the context of one
    # flag does not show the digits of its neighbour.
    masked = _mask_numbers(text, kept)
    return [
        Flag(kind, LABELS[kind], _excerpt(masked, start, end), start, end, why, field)
        for kind, start, end, why in kept
    ]


def _dedupe(found: list[Found]) -> list[Found]:
    """Keep, among overlapping flags, the highest-priority (then longest, then first) one."""
    kept = _Spans()
    for flag in sorted(found, key=lambda f: (PRIORITY[f[0]], f[1] - f[2], f[1])):
        if not kept.overlaps(flag[1], flag[2]):
            kept.add(flag[1], flag[2], flag)
    return kept.items


class _Spans:
    """Disjoint ``[start, end)`` spans in order, each with an item, searched by bisection."""

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []
        self.items: list = []

    def add(self, start: int, end: int, item) -> None:
        i = bisect.bisect_left(self.starts, start)
        self.starts.insert(i, start)
        self.ends.insert(i, end)
        self.items.insert(i, item)

    def overlaps(self, start: int, end: int) -> bool:
        i = bisect.bisect_left(self.starts, start)
        return (i > 0 and self.ends[i - 1] > start) or (
            i < len(self.starts) and self.starts[i] < end
        )

    def nearest(self, position: int, reach: int):
        """The item of the span closest to ``position`` within ``reach`` characters, if any."""
        i = bisect.bisect_left(self.starts, position)
        best = None
        for j in range(max(0, i - 1), min(len(self.starts), i + 1)):
            distance = max(self.starts[j] - position, position - self.ends[j], 0)
            if distance <= reach and (best is None or distance < best[0]):
                best = (distance, self.items[j])
        return best[1] if best else None


def _classification(text: str) -> list[Found]:
    found = []
    for m in CLASSIFICATION.finditer(text):
        if m.lastindex == 5:  # the bare-prose alternative
            why = "正文出现「绝密」字样，可能是密级标志，请核实是否已解密"
        else:
            why = f"密级标志「{m.group().strip()}」，请核实是否已解密"
        found.append(("classification", m.start(), m.end(), why))
    return found


def _sensitive_terms(text: str, terms: tuple[str, ...]) -> list[Found]:
    return [
        ("sensitive_term", start, end, f"命中敏感词「{term}」（不区分繁简、大小写）")
        for start, end, term in find_terms(text, terms)
    ]


def _personnel_names(text: str, title_word: str | None) -> list[Found]:
    contexts = _Spans()
    for m in CONTEXT_RE.finditer(text):  # non-overlapping matches, in order: append is enough
        contexts.starts.append(m.start())
        contexts.ends.append(m.end())
        contexts.items.append(m.group())
    if not contexts.items and not title_word:
        return []
    found = []
    for start, end, name in _name_candidates(text, contexts, title_word):
        if contexts.overlaps(start, end):
            continue  # the "name" is part of a context word (任免 → surname 任)
        word = contexts.nearest(start, NAME_WINDOW)
        if word:
            why = f"人名「{name}」附近有「{word}」（人事/纪律语境）"
        elif title_word:
            why = f"人名「{name}」所在文件的题名含「{title_word}」（人事/纪律语境）"
        else:
            continue
        found.append(("personnel_name", start, end, why))
    return found


def _name_candidates(text: str, contexts: _Spans, title_word: str | None):
    """Yield ``(start, end, name)`` for surname + given name ending at a plausible boundary."""
    if title_word:
        windows = [(0, len(text))]
    else:
        reach = zip(contexts.starts, contexts.ends, strict=True)
        around = [(max(0, s - NAME_WINDOW), min(len(text), e + NAME_WINDOW)) for s, e in reach]
        windows = merge_spans(around, len(text))
    last_end = -2
    for w_start, w_end in windows:
        for m in SURNAME_RE.finditer(text, w_start, w_end):
            start = m.start()
            # A person is introduced by a word such as 免去, or by being next in a list 张三、李四.
            introduced = bool(PERSON_BEFORE.search(text, max(0, start - 6), start)) or (
                start == last_end + 1 and text[last_end] == "、"
            )
            name = _given_name(text, start, m.end(), introduced)
            if name:
                last_end = start + len(name)
                yield start, last_end, name


def _given_name(text: str, start: int, surname_end: int, introduced: bool) -> str | None:
    """The name starting at ``start``: 2 given characters if that ends well, else 1."""
    han = HAN_GIVEN.match(text, surname_end)
    if han is None:
        return None
    given = han.group()
    if "某" in given or given[0] == "氏":
        return None  # already anonymised (张某, 李某某) or not a full name
    if given[0] in NOT_GIVEN:
        return None
    for length in range(len(given), 0, -1):
        if length == 2 and given[1] in NOT_GIVEN:
            continue
        end = surname_end + length
        if STRONG_END.match(text, end) or (introduced and WEAK_END.match(text, end)):
            return text[start:end]
    return None


def _mask_digits(match: str, kind: str) -> str:
    """Keep the first and last digits so a reviewer can compare; star the middle."""
    keep_head, keep_tail = DIGIT_KINDS[kind]
    if kind == "id_card" and len(digits(match)) == 15:
        keep_tail = 3
    positions = [i for i, c in enumerate(match) if c.isdigit() or c in "XxＸｘ"]
    hidden = set(positions[keep_head : len(positions) - keep_tail])
    return "".join("*" if i in hidden else c for i, c in enumerate(match))


def _mask_numbers(text: str, flags: list[Found]) -> str:
    """``text`` with the numbers of id/bank/phone flags starred (same length, same offsets)."""
    pieces, position = [], 0
    for kind, start, end, _ in flags:  # disjoint and in order
        if kind in DIGIT_KINDS:
            pieces += [text[position:start], _mask_digits(text[start:end], kind)]
            position = end
    pieces.append(text[position:])
    return "".join(pieces)


def _excerpt(masked: str, start: int, end: int) -> str:
    """The match with ``CONTEXT`` characters either side, on one line."""
    excerpt = masked[max(0, start - CONTEXT) : end + CONTEXT]
    excerpt = ("…" if start > CONTEXT else "") + excerpt
    excerpt += "…" if end + CONTEXT < len(masked) else ""
    return " ".join(excerpt.split())
