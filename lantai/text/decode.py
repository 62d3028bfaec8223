"""Bytes → text without silent mojibake (issue 4, step 1).

Design decisions:

* **Order of evidence.** A byte-order mark wins; then strict UTF-8 (a non-ASCII file that decodes
  as UTF-8 is almost never anything else); then the Chinese legacy codecs GB18030 and Big5 are
  *both* tried and scored; charset-normalizer decides only when neither Chinese reading is
  convincing (Latin, Japanese, Korean files …).
* **Why our own scoring for GB18030 vs Big5.** Most GBK byte pairs are also valid Big5 pairs (and
  the reverse), so "decodes without error" does not discriminate and charset detectors often
  confuse the two on short texts. A correct reading is full of the commonest characters and of
  full-width punctuation; a wrong one is a spray of rare characters. The score is the share of
  non-ASCII characters that are among ~500 very frequent characters (in either script) or CJK
  punctuation. Real prose scores 0.4–0.7; a wrong reading scores below 0.1.
* **Confidence** is reported, never hidden: 1.0 for a BOM, 0.99 for valid non-ASCII UTF-8, the
  Chinese score margin for GB18030/Big5, charset-normalizer's coherence otherwise.
* **Binary junk** (NUL bytes, control characters) yields empty text with a reason rather than a
  page of replacement characters.
* **UTF-8 read as Latin-1 and saved again** (``è®°è€…``) is repaired when the repaired text
  scores as Chinese, because web captures do arrive like that.
* **Tolerance for a few damaged characters.** Servers cut titles and descriptions to a byte
  length, often in the middle of a multi-byte character, so a real page can hold a stray lead
  byte or two and fail every strict decoding. Without tolerance such a page fell through to
  charset-normalizer and came back as Cyrillic mojibake. When no strict reading works, a reading
  with at most ``_MAX_DAMAGED`` undecodable sequences (and five intact non-ASCII characters for
  each damaged one) is accepted; the damaged sequences become U+FFFD and are *counted* in
  ``Decoded.damaged``, so callers report them (ingest records a 3-4 usability warning) instead
  of hiding them. UTF-8 is tried first (it is self-synchronising: random legacy bytes almost
  never form valid UTF-8 sequences), then the declared charset, then GB18030/Big5 by score.
"""

from __future__ import annotations

import codecs
import functools
import re
from dataclasses import dataclass

# The commonest Simplified characters (by general frequency). Their Traditional forms are added
# at import through OpenCC so one list serves both scripts.
_FREQUENT = (
    "的一是不了在人有我他这个们中来上大为和国地到以说时要就出会可也你对生能而子那得于着下自之年"
    "过发后作里用道行所然家种事成方多经么去法学如都同现当没动面起看定天分还进好小部其些主样理心"
    "她本前开但因只从想实日军者意无力它与长把机十民第公此已工使情明性知全三又关点正业外将两高间"
    "由问很最重并物手应战向头文体政美相见被利什二等产或新己制身果加西斯月话合回特代内信表化老给"
    "世位次度门任常先海通教儿原东声提立及比员解水名真论处走义各入几口认条平系气题活尔更别打女变"
    "四神总何电数安少报才结反受目太量再感建务做接必场件计管期市直德资命山金指克许统区保至队形社"
    "便空决治展马科司五基眼书非则听白却界达光放强即像难且权思王象完设式色路记南品住告类求据程北"
    "边死张该交规万取拉格望觉术领共确传师观清今切院让识候带导争运笑飞风步改收根干造言联持组每济"
    "车亲极林服快办议往元英士证近失转夫令准布始怎呢存未远叫台单影具罗字爱击流备兵连调深商算质团"
    "集百需价花党华城石级整府离况亚请技际约示复病息究线似官火断精满支视消越器容照须九增研写称企"
    "八功吗包片史委乎查轻易早曾除农找装广显吧阿李标谈吃图念六引历首医局突专费号尽另周较注语仅考"
    "落青随选列武红响虽推势参希古众构房半节土投某案黑维革划敌致陈律足态护七兴派孩验责营星够章音"
    "跟志底站严巴例防族供效续施留讲型料终答紧黄绝奇察母京段依批群项故按河米围江织害斗双境客纪采"
    "举杀攻父苏密低朝友诉止细愿千值仍男钱破网热助倒育属坐帝限船脸职速刻乐否刚威毛状率甚独球般普"
)
_PUNCTUATION = "，。、；：？！“”‘’（）《》【】…—·「」『』"
_BINARY_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


@dataclass(frozen=True, slots=True)
class Decoded:
    """Decoded text, the codec used, how sure we are, and why the text is empty if it is."""

    text: str
    encoding: str | None
    confidence: float
    reason: str | None = None
    # Undecodable byte sequences replaced by U+FFFD (a character cut by a server); 0 = clean.
    damaged: int = 0


@functools.cache
def _common_chars() -> frozenset[str]:
    from lantai.text.normalise import _s2t

    return frozenset(_FREQUENT) | frozenset(_s2t().convert(_FREQUENT)) | frozenset(_PUNCTUATION)


def chinese_score(text: str) -> float:
    """Share of non-ASCII characters that are frequent Chinese characters or CJK punctuation."""
    sample = text[:20000]
    non_ascii = [c for c in sample if ord(c) > 0x7F]
    if not non_ascii:
        return 0.0
    common = _common_chars()
    return sum(c in common for c in non_ascii) / len(non_ascii)


def _bom(data: bytes) -> Decoded | None:
    for bom, codec in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            text = data.decode(codec, errors="replace")
            return Decoded(text, codec.replace("-sig", ""), 1.0)
    return None


def _utf16_without_bom(data: bytes) -> Decoded | None:
    """UTF-16 without BOM: ASCII-heavy text has NULs in every other byte; CJK text does not,
    so the CJK case is recognised by a good Chinese score of the strict decoding instead."""
    if len(data) < 4 or len(data) % 2:
        return None
    sample = data[:4000]
    for codec, zeros in (("utf-16-le", sample[1::2]), ("utf-16-be", sample[0::2])):
        share = zeros.count(0) / max(1, len(zeros))
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        head = text[:2000]
        printable = sum(c.isprintable() or c in "\r\n\t" for c in head) / max(1, len(head))
        ascii_share = sum(c.isascii() for c in head) / max(1, len(head))
        varied = len(set(head)) > min(10, len(head) // 2)
        if (
            printable > 0.97
            and varied
            and ((share > 0.3 and ascii_share > 0.7) or chinese_score(text) > 0.3)
        ):
            return Decoded(text, codec, 0.9)
    return None


def _looks_binary(data: bytes) -> bool:
    sample = data[:8000]
    if not sample:
        return False
    if sample.count(0) / len(sample) > 0.01:
        return True
    controls = len(_BINARY_CONTROL.findall(sample.decode("latin-1")))
    return controls / len(sample) > 0.05


def _repair_double_encoding(text: str) -> str | None:
    """``è®°è€…`` → ``记者`` when the text is UTF-8 that was read as cp1252/Latin-1."""
    if not re.search(r"[\u00c0-\u00ff][\u0080-\u00ff\u2000-\u206f\u0152-\u02dc]", text[:4000]):
        return None
    raw = bytearray()
    for char in text:
        try:
            raw += char.encode("cp1252")
        except UnicodeEncodeError:
            # Browsers pass the five bytes cp1252 leaves undefined through as C1 controls.
            if ord(char) > 0xFF:
                return None
            raw.append(ord(char))
    try:
        fixed = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return fixed if chinese_score(fixed) > 0.2 else None


def _chinese_legacy(data: bytes) -> Decoded | None:
    """Score GB18030 and Big5 readings; keep the better one when it is convincing."""
    scored: list[tuple[float, str, str]] = []
    for codec, label in (("gb18030", "gb18030"), ("big5hkscs", "big5"), ("cp950", "big5")):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        scored.append((chinese_score(text), label, text))
    if not scored:
        return None
    scored.sort(key=lambda s: s[0], reverse=True)
    best_score, label, text = scored[0]
    runner_up = next((s[0] for s in scored[1:] if s[1] != label), 0.0)
    if best_score < 0.15:
        return None
    confidence = min(0.99, 0.5 + (best_score - runner_up))
    if label == "gb18030" and _is_plain_gb2312(data):
        label = "gb2312"
    return Decoded(text, label, round(confidence, 3))


def _is_plain_gb2312(data: bytes) -> bool:
    try:
        data.decode("gb2312")
    except UnicodeDecodeError:
        return False
    return True


def _charset_normalizer(data: bytes) -> Decoded | None:
    from charset_normalizer import from_bytes

    best = from_bytes(data[:200_000]).best()
    if best is None:
        return None
    try:
        text = data.decode(best.encoding, errors="strict")
    except (UnicodeDecodeError, LookupError):
        return None
    return Decoded(text, best.encoding, round(max(0.0, 1.0 - best.chaos), 3))


def decode(data: bytes, declared: str | None = None) -> Decoded:
    """Decode ``data``; ``declared`` (an HTTP/HTML charset) is trusted only if it decodes cleanly
    and the result is no less Chinese than our own guess."""
    if not data:
        return Decoded("", None, 0.0, "empty file")
    found = _bom(data)
    if found:
        return found
    if declared:
        found = _declared(data, declared)
        if found:
            return found
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        if _BINARY_CONTROL.search(text[:8000]) and _looks_binary(data):
            return _utf16_without_bom(data) or Decoded("", None, 0.0, "binary data, not text")
        if text.isascii():
            return Decoded(text, "ascii", 1.0)
        fixed = _repair_double_encoding(text)
        if fixed is not None:
            return Decoded(fixed, "utf-8 (repaired double encoding)", 0.8)
        return Decoded(text, "utf-8", 0.99)
    found = _utf16_without_bom(data)
    if found:
        return found
    if _looks_binary(data):
        return Decoded("", None, 0.0, "binary data, not text")
    return (
        _tolerant_utf8(data)
        or (_tolerant(data, _legacy_codec(declared)) if declared else None)
        or _chinese_legacy(data)
        or _tolerant_legacy(data)
        or _charset_normalizer(data)
        or _undecodable(data)
    )


_MAX_DAMAGED = 8


def _lenient(data: bytes, codec: str) -> tuple[str, int]:
    """``data`` decoded with U+FFFD for what does not decode, and how many sequences did not.
    U+FFFD characters that were really in the file (validly encoded) are not counted."""
    text = data.decode(codec, errors="replace")
    try:
        genuine = data.count("\ufffd".encode(codec))
    except (UnicodeEncodeError, LookupError):
        genuine = 0
    return text, text.count("\ufffd") - genuine


def _nearly_clean(text: str, damaged: int) -> bool:
    """A few damaged sequences among many intact non-ASCII characters (see module docstring)."""
    intact = sum(ord(c) > 0x7F for c in text) - damaged
    return 0 < damaged <= _MAX_DAMAGED and damaged * 5 <= intact


def _tolerant_utf8(data: bytes) -> Decoded | None:
    text, damaged = _lenient(data, "utf-8")
    if not _nearly_clean(text, damaged):
        return None
    return Decoded(text, "utf-8", 0.9, damaged=damaged)


def _legacy_codec(declared: str) -> str:
    try:
        codec = codecs.lookup(declared.strip().lower()).name
    except LookupError:
        return ""
    return "gb18030" if codec in {"gb2312", "gbk", "euc_cn", "hz"} else codec


def _tolerant(data: bytes, codec: str) -> Decoded | None:
    """The declared charset, read leniently; trusted when the reading is Chinese enough."""
    if not codec or codec in {"utf-8", "ascii"}:
        return None
    text, damaged = _lenient(data, codec)
    if not _nearly_clean(text, damaged) or chinese_score(text) < 0.15:
        return None
    return Decoded(text, codec, 0.85, damaged=damaged)


def _tolerant_legacy(data: bytes) -> Decoded | None:
    """GB18030 and Big5 read leniently, the better-scoring one when it is convincing."""
    scored = []
    for codec, label in (("gb18030", "gb18030"), ("big5hkscs", "big5")):
        text, damaged = _lenient(data, codec)
        if _nearly_clean(text, damaged):
            scored.append((chinese_score(text), label, text, damaged))
    if not scored:
        return None
    best, label, text, damaged = max(scored, key=lambda s: s[0])
    if best < 0.15:
        return None
    return Decoded(text, label, round(min(0.8, 0.4 + best), 3), damaged=damaged)


def _declared(data: bytes, declared: str) -> Decoded | None:
    try:
        codec = codecs.lookup(declared.strip().lower()).name
    except LookupError:
        return None
    # GB2312/GBK labels are routinely wrong about the exact repertoire: read them as GB18030.
    if codec in {"gb2312", "gbk", "euc_cn", "hz"} or declared.lower() in {"gb2312", "gbk"}:
        codec = "gb18030"
    try:
        text = data.decode(codec)
    except UnicodeDecodeError:
        return None
    if codec not in {"utf-8", "ascii"} and chinese_score(text) < 0.15:
        guess = _chinese_legacy(data)
        if guess and guess.encoding != codec:
            return guess
    return Decoded(text, codec, 0.95)


def _undecodable(data: bytes) -> Decoded:
    text = data.decode("gb18030", errors="replace")
    bad = text.count("\ufffd")
    if bad / max(1, len(text)) > 0.05:
        return Decoded("", None, 0.0, "could not determine the text encoding")
    return Decoded(text, "gb18030", 0.3)
