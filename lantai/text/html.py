"""Web captures → title, date, authors, source, body (issue 4, step 2).

No single extractor is good at everything on Chinese news pages (architecture §11): GNE finds titles
and dates well but keeps boilerplate and misses bylines without spaces; trafilatura removes
boilerplate best but misreads ``2024年01月26日`` and drops Chinese authors. So each field is
decided separately:

* **title**: the ``<h1>``/``og:title`` candidate that also appears in ``<title>`` (the page
  heading agrees with the browser title), longest first; else the visible line that is the
  start or end of ``<title>`` (the site name cut off); else the GNE/trafilatura title that
  agrees with ``<title>``; else GNE's; else ``<title>`` minus its site suffix.
* **date**: publication meta tags → a date *stamp* in the byline area just after the title
  (own line, clock time or 发布/时间 label) → GNE → any full date in that area → the URL →
  trafilatura. Dates are re-parsed by our own Chinese rules, so partial and Chinese-numeral
  dates come out as ISO.
* **body**: GNE's or trafilatura's text, chosen by how the two overlap (:func:`choose_body`),
  cleaned by :mod:`lantai.text.clean`, then stripped of editorial furniture lines (原标题,
  责任编辑, 来源, bare bylines, disclaimers; :mod:`lantai.text._boilerplate`).
* **authors / source**: our byline rules on the byline area and the body head.

Both peers are optional at run time: if either import fails the other (or our own fallback
that keeps the visible paragraph text) still gives a result.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass
from typing import Any

import lxml.html
from lxml import etree

from lantai.text import dates, metadata
from lantai.text._boilerplate import coverage, drop_furniture
from lantai.text.clean import clean
from lantai.text.decode import decode
from lantai.text.result import ExtractResult

_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w-]+)""", re.IGNORECASE)
_SITE_SUFFIX = re.compile(r"\s*(?:[_|｜]|-{1,2}|—{1,2})\s*([^_|｜\-—]{1,15})$")
_DATE_META = (
    "article:published_time",
    "og:article:published_time",
    "og:release_date",
    "pubdate",
    "publishdate",
    "publish_date",
    "publishtime",
    "publish-date",
    "release_date",
    "datepublished",
    "dc.date",
    "dc.date.issued",
    "weibo: article:create_at",
    "firstpublishedtime",
    "apub:time",
)
_BYLINE_WINDOW = 400
_DATE_STAMP = re.compile(
    r"^\s*[\d年月日/.\-\s]+$|\d{4}\D{1,3}\d{1,2}\D{1,3}\d{1,2}\D{0,2}\s*\d{1,2}:\d{2}"
    r"|(?:发布|发表|更新|时间|日期)\s*[:：]"
)
# A GNE block this long (a few paragraphs) that trafilatura also keeps is an article, not a
# lead paragraph or a caption.
_ARTICLE_MIN = 400
_JUNK_AUTHORS = {"未知", "搜索", "admin", "佚名", "编辑", "作者", "小编"}


@dataclass(slots=True)
class _Page:
    html: str
    tree: lxml.html.HtmlElement
    visible: str
    head_title: str


def _parse(html: str) -> _Page | None:
    try:
        tree = lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        return None
    head_title = " ".join(" ".join(map(str, t.itertext())) for t in tree.iter("title")).strip()
    body = tree.find("body")
    root = body if body is not None else tree
    for node in root.iter("script", "style", "noscript", "template"):
        node.text = None
    visible = "\n".join(s.strip() for s in map(str, root.itertext()) if s.strip())
    return _Page(html, tree, visible, head_title)


# What a peer extractor found (GNE, trafilatura): their own JSON-like keys and values.
Peer = dict[str, Any]


def _gne(html: str) -> Peer:
    try:
        from gne import GeneralNewsExtractor

        found: Peer = GeneralNewsExtractor().extract(html) or {}
        return found
    except Exception:  # GNE raises on odd markup; it is one opinion among several
        return {}


def _trafilatura(html: str, url: str | None) -> Peer:
    try:
        import trafilatura

        doc = trafilatura.bare_extraction(html, url=url, with_metadata=True)
    except Exception:  # same reasoning as _gne
        return {}
    if doc is None:
        return {}
    return doc if isinstance(doc, dict) else doc.as_dict()


def _meta(tree: lxml.html.HtmlElement, names: tuple[str, ...]) -> str | None:
    for node in tree.iter("meta"):
        key = (node.get("property") or node.get("name") or node.get("itemprop") or "").lower()
        if key in names and (content := node.get("content")):
            return str(content).strip()
    return None


def _norm(text: str | None) -> str:
    return re.sub(r"\s+", "", text or "")


def strip_site_suffix(title: str) -> str:
    """``文章标题_网易订阅`` / ``标题-新华网`` → the article title.

    A trailing segment after ``_ | ｜ - -- —`` is a site name when it is short (≤ 15
    characters) and shorter than what precedes it; at most two are removed (``标题_频道_网站``).
    """
    title = title.strip()
    for _ in range(2):
        match = _SITE_SUFFIX.search(title)
        if not match or match.start() <= len(match.group(1)):
            break
        title = title[: match.start()].rstrip()
    return title


def choose_title(page: _Page, gne_title: str | None, traf_title: str | None) -> str | None:
    """The page heading that agrees with ``<title>``; see the module docstring."""
    head = _norm(page.head_title)
    headings = [_meta(page.tree, ("og:title", "twitter:title"))]
    headings += [" ".join(h.itertext()).strip() for h in page.tree.iter("h1", "h2")][:6]
    for group in (headings, [gne_title, traf_title]):
        agreeing = [
            strip_site_suffix(c) for c in group if c and len(_norm(c)) >= 4 and _norm(c) in head
        ]
        if agreeing:
            return max(agreeing, key=lambda c: len(_norm(c))).strip()
        if group is headings and (shown := _shown_part_of_head_title(page)):
            return shown  # before the peers: they echo <title> with the site name still on
    if gne_title:
        return strip_site_suffix(gne_title)
    return strip_site_suffix(page.head_title) or traf_title or None


def _shown_part_of_head_title(page: _Page) -> str | None:
    """The longest visible line that is the start or the end of ``<title>``.

    Sites join the article title and their own name with a space or ``--`` in ``<title>``
    (``标题 某某办事处``, ``栏目--标题``) where no separator rule can tell which part is the
    site; the part that the page also shows as a line of its own is the article title.
    """
    head = _norm(page.head_title)
    best = None
    for line in page.visible.split("\n"):
        text = _norm(line)
        if text == head:
            return None  # the page shows <title> whole: nothing to cut off
        if len(text) < 8 or len(text) < 0.4 * len(head):
            continue
        if (head.startswith(text) or head.endswith(text)) and (
            best is None or len(text) > len(_norm(best))
        ):
            best = line.strip()
    return best


def _byline_area(page: _Page, title: str | None) -> str:
    pos = page.visible.find(title[:12]) if title else -1
    start = pos + len(title) if pos >= 0 and title else 0
    return page.visible[start : start + _BYLINE_WINDOW]


def choose_date(
    page: _Page, area: str, gne_date: str, traf_date: str, url: str | None
) -> str | None:
    """Meta → GNE → byline area → URL → trafilatura (first that parses).

    GNE before our byline-area rule: on the evaluation pages GNE's date was right more often,
    and the area after the title sometimes holds a date that is not the publication date
    (a biography's birth date)."""
    url_date = dates.date_from_url(url) if url else None
    for candidate in (_meta(page.tree, _DATE_META), _json_ld_date(page.html)):
        if candidate and (value := dates.parse_date(candidate)):
            return value
    if stated := _stated_date(area):
        return stated
    if gne_date and (value := dates.parse_date(str(gne_date), dates.year_of(url_date))):
        return value
    found = [d.iso for d in dates.find_dates(area) if len(d.iso) == 10]
    if found:
        return found[0]
    for candidate in (url_date, traf_date):
        if candidate and (value := dates.parse_date(str(candidate))):
            return value
    return None


def _stated_date(area: str) -> str | None:
    """A full date in the byline area that reads as the page's own date stamp.

    It must sit on a line of its own, carry a clock time, or follow a 发布/时间/日期 label —
    the way pages print their publication date. This comes before GNE, which sometimes takes
    the first timestamp of the comment section; a bare date inside a sentence (a biography's
    ``1975年1月28日出生``) is not a stamp and still yields to GNE.
    """
    for line in area.split("\n"):
        for found in dates.find_dates(line):
            if len(found.iso) == 10 and _DATE_STAMP.search(line):
                return found.iso
    return None


def _json_ld_date(html: str) -> str | None:
    match = re.search(r'"datePublished"\s*:\s*"([^"]+)"', html)
    return match.group(1) if match else None


def choose_body(gne_body: str, traf_body: str, page: _Page) -> str:
    """GNE or trafilatura, by how their texts overlap (see :func:`_boilerplate.coverage`).

    GNE keeps the densest container, trafilatura cleans boilerplate but sometimes takes the
    whole page (comments, lists) or keeps only part of the article. So:

    * GNE's lines all inside trafilatura's text → trafilatura added the page around the
      article; GNE's tighter text wins — unless it is a short scrap (a lead or a caption).
    * trafilatura's lines all inside GNE's and GNE only a little longer → GNE also kept the
      captions and sub-heads; GNE wins. Much longer → GNE kept the page; trafilatura wins.
    * they disagree about where the article is → trafilatura, unless it found next to nothing.
    """
    if not traf_body or not gne_body:
        return traf_body or gne_body or ""
    gne_len, traf_len = len(_norm(gne_body)), len(_norm(traf_body))
    gne_in_traf, traf_in_gne = coverage(gne_body, traf_body), coverage(traf_body, gne_body)
    if gne_in_traf >= 0.85 and (gne_len >= _ARTICLE_MIN or gne_len >= 0.25 * traf_len):
        return gne_body
    if traf_in_gne >= 0.9 and gne_len <= 1.3 * traf_len:
        return gne_body
    if traf_in_gne < 0.5 and traf_len < 0.2 * gne_len:
        return gne_body
    return traf_body


def extract_html(data: bytes | str, url: str | None = None) -> ExtractResult:
    """Extract one web capture; never raises."""
    if isinstance(data, bytes):
        declared = _CHARSET.search(data[:4096])
        decoded = decode(data, declared.group(1).decode("ascii") if declared else None)
        html, encoding, confidence = decoded.text, decoded.encoding, decoded.confidence
        if not html:
            return ExtractResult(kind="html", reason=decoded.reason, encoding=encoding)
    else:
        html, encoding, confidence = data, None, None
    result = ExtractResult(kind="html", encoding=encoding, encoding_confidence=confidence)
    page = _parse(html)
    if page is None or not page.visible:
        result.reason = "HTML page has no visible text (markup or script only)"
        return result
    _fill(result, page, url)
    return result


def _fill(result: ExtractResult, page: _Page, url: str | None) -> None:
    gne, traf = _gne(page.html), _trafilatura(page.html, url)
    result.title = choose_title(page, gne.get("title"), traf.get("title"))
    area = _byline_area(page, result.title)
    result.date = choose_date(
        page, area, gne.get("publish_time") or "", traf.get("date") or "", url
    )
    body = drop_furniture(
        clean(choose_body(gne.get("content") or "", traf.get("text") or "", page))
    )
    if result.title and body.startswith(result.title):
        body = body[len(result.title) :].lstrip("\n")
    result.body = body
    result.authors = metadata.find_authors(area + "\n" + body[:300]) or _peer_authors(gne, traf)
    result.source = metadata.find_source(area + "\n" + body[-300:]) or _site(page, traf)
    if not body:
        result.reason = "no article text found in the HTML page"


def _peer_authors(gne: Peer, traf: Peer) -> list[str]:
    names: list[str] = []
    for raw in (gne.get("author"), traf.get("author")):
        raw = re.sub(r"(?:责任编辑|编辑|作者|来源|记者)\s*[:：]", " ", raw or "")
        for name in re.split(r"[;；,，、\s]+", raw):
            if name and name not in _JUNK_AUTHORS and len(name) <= 20 and name not in names:
                names.append(name)
    return names


def _site(page: _Page, traf: Peer) -> str | None:
    with contextlib.suppress(AttributeError):
        return _meta(page.tree, ("og:site_name", "application-name")) or traf.get("sitename")
    return None
