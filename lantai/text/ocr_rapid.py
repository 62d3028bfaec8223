"""rapidocr backend of :mod:`lantai.text.ocr` (see there for the design).

Speed settings, measured with ``bench/text/ocr_eval.py`` on A4 pages at 300 dpi on 2 cores
(RESULTS.md, "OCR"); together they took a dense page (864 characters) from ~4.8 s wall / 9 CPU-s
to ~2.1 s / 3.7 CPU-s at the same or better CER (the 7–18 s first reported also counted model
loading, on a busier host):

* **One detection pass per page.** Detection decides horizontal vs vertical, then only the
  detected boxes are recognised. (The first version ran rapidocr's whole pipeline after a
  detection-only call, so every horizontal page was detected twice.)
* **Detection on at most** ``_DET_SIDE`` **= 1280 pixels on the long side**
  (``Det.limit_type = max``). rapidocr's default (shrink to 2000 px, then ``min`` 736) ran the
  detector on ~1414×2000 pixels. At 1280 px a 300-dpi A4 page keeps 12-pt glyphs at ~18 px and
  9-pt ones at ~14 px, which DB detection still finds (same CER), for about half the cost.
  960 px measured the same CER and ~0.5 s less per page, but leaves 9-pt print scanned at
  200 dpi at ~10 px, below what detection reliably finds, so 1280 is kept as the margin.
  Boxes are mapped back to the full page and the lines cropped from it.
* **No page-wide downscaling** (to ~150 dpi) before detection: it measured the same CER within
  noise and saved little, because recognition dominates (~2/3 of the time) and scales every
  line to 48 px high whatever the page resolution.
* **Recognition one line per call** on its own crop. rapidocr batches 6 lines padded to the
  widest; per line used 15–20 % less CPU in our measurements (no padding) and keeps to the public
  API.
* **onnxruntime intra-op threads**: see :func:`_threads`.

Models load once per OCR worker process (:mod:`lantai.text._ocr_worker`), about 0.5–1 s.
"""

from __future__ import annotations

import functools
import itertools
import logging
import os
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from lantai.text.result import OcrLine

if TYPE_CHECKING:
    from PIL.Image import Image

# A page or glyph as a numpy array of 8-bit pixels. numpy comes with the OCR extra only, so it is
# imported where it is used and not named in annotations (a base install must not need it).
Pixels = Any

Box = tuple[int, int, int, int]  # x0, y0, x1, y1
Piece = tuple[Box, str, float]  # a recognised box, its text and score

_VERTICAL_ASPECT = 1.5
_DET_SIDE = 1280
_MIN_SCORE = 0.5  # rapidocr's own ``Global.text_score``, applied here since we call rec directly


def _threads() -> int:
    """Intra-op threads for onnxruntime: the cores this process may use, at most 4.

    On 2 idle cores, 2 threads took a page from ~3.4 s to ~2 s; past 4 threads these small
    models gain little while a spinning thread pool takes cores from the rest of ingest.
    """
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cores = os.cpu_count() or 1
    return max(1, min(4, cores))


@functools.cache
def _engine() -> Any:  # a rapidocr.RapidOCR (rapidocr has no type information)
    from rapidocr import RapidOCR

    logging.getLogger("RapidOCR").setLevel(logging.ERROR)
    return RapidOCR(
        params={
            "Global.use_cls": False,
            "Global.log_level": "error",
            "Det.limit_type": "max",
            "Det.limit_side_len": _DET_SIDE,
            "EngineConfig.onnxruntime.intra_op_num_threads": _threads(),
        }
    )


def load() -> None:
    """Load the models now (so a caller can time loading apart from pages)."""
    _engine()


def _box(points: Sequence[Sequence[float]]) -> Box:
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return int(min(xs)), int(min(ys)), int(max(xs)), int(max(ys))


def recognise(image: Image, page: int) -> list[OcrLine]:
    """Lines of one page image (PIL), horizontal or vertical."""
    import numpy as np

    array = np.ascontiguousarray(np.asarray(image))
    detected = _engine()(array, use_det=True, use_cls=False, use_rec=False)
    quads = list(detected.boxes) if detected.boxes is not None else []
    boxes = [_box(q) for q in quads]
    if not boxes:
        return []
    tall = sum((y1 - y0) > _VERTICAL_ASPECT * (x1 - x0) for x0, y0, x1, y1 in boxes)
    if tall > len(boxes) / 2:
        return _vertical(array, boxes, page)
    pieces: list[Piece] = []
    for quad, box in zip(quads, boxes, strict=True):
        text, score = _read(_crop(array, quad))
        if text.strip() and score >= _MIN_SCORE:
            pieces.append((box, text, score))
    return _merge_lines(pieces, page)


def _crop(array: Pixels, quad: Sequence[Sequence[float]]) -> Pixels:
    """The (possibly slanted) box straightened, as rapidocr crops it."""
    import numpy as np
    from rapidocr.utils.process_img import get_rotate_crop_image

    crop: Pixels = get_rotate_crop_image(array, np.asarray(quad, dtype=np.float32).copy())
    return crop


def _read(strip: Pixels) -> tuple[str, float]:
    """Recognise one horizontal strip of text."""
    rec = _engine()(strip, use_det=False, use_cls=False, use_rec=True)
    texts, scores = rec.txts or (), rec.scores or ()
    if not texts:
        return "", 0.0
    return "".join(texts), float(sum(scores) / len(scores))


def _merge_lines(pieces: list[Piece], page: int) -> list[OcrLine]:
    """Join boxes on the same text line (PP-OCR splits lines at wide spaces)."""
    pieces.sort(key=lambda p: (p[0][1] + p[0][3]) / 2)
    rows: list[list[Piece]] = []
    for piece in pieces:
        (_, y0, _, y1), centre = piece[0], (piece[0][1] + piece[0][3]) / 2
        if rows:
            ry0, ry1 = min(p[0][1] for p in rows[-1]), max(p[0][3] for p in rows[-1])
            if ry0 <= centre <= ry1 and y0 <= (ry0 + ry1) / 2 <= y1:
                rows[-1].append(piece)
                continue
        rows.append([piece])
    lines = []
    for number, row in enumerate(rows, start=1):
        row.sort(key=lambda p: p[0][0])
        text = row[0][1]
        for previous, current in itertools.pairwise(row):
            chunk = current[1]
            # Overlapping boxes repeat the character at the seam ("收集、" + "、整理").
            if previous[0][2] > current[0][0] and chunk[:1] and text.endswith(chunk[:1]):
                chunk = chunk[1:]
            gap = current[0][0] - previous[0][2]
            height = previous[0][3] - previous[0][1]
            text += (" " if gap > height and _latin(text[-1:] + chunk[:1]) else "") + chunk
        bbox = (
            min(p[0][0] for p in row),
            min(p[0][1] for p in row),
            max(p[0][2] for p in row),
            max(p[0][3] for p in row),
        )
        confidence = sum(p[2] for p in row) / len(row)
        lines.append(OcrLine(page, number, text, bbox, round(confidence, 4)))
    return lines


def _latin(pair: str) -> bool:
    return any(c.isascii() and c.isalnum() for c in pair)


def _vertical(array: Pixels, boxes: list[Box], page: int) -> list[OcrLine]:
    """Columns right to left; each column re-laid as a horizontal strip of square cells."""
    import numpy as np

    lines = []
    columns = sorted(boxes, key=lambda b: (-b[2], b[1]))
    for number, (x0, y0, x1, y1) in enumerate(columns, start=1):
        column = array[max(0, y0) : y1, max(0, x0) : x1]
        glyphs = _glyph_cells(column)
        if not glyphs:
            continue
        side = max([x1 - x0, *(g.shape[0] for g in glyphs)]) + 8
        cells = [_square(g, side) for g in glyphs]
        strip = np.ascontiguousarray(np.concatenate(cells, axis=1))
        text, score = _read(strip)
        if text.strip():
            lines.append(OcrLine(page, number, text, (x0, y0, x1, y1), round(score, 4), True))
    return lines


def _glyph_cells(column: Pixels) -> list[Pixels]:
    """Split a column at blank rows (the gaps between glyphs).

    Glyphs made of parts stacked with a gap (二, 三, 另) are re-joined: two neighbouring pieces
    merge when one is short and together they are no taller than a glyph is wide (the ink
    width of the column), since CJK glyphs are square.
    """
    import numpy as np

    ink = (column.min(axis=2) if column.ndim == 3 else column) < 128
    ink_columns = np.flatnonzero(ink.any(axis=0))
    width = int(ink_columns[-1] - ink_columns[0] + 1) if ink_columns.size else column.shape[1]
    rows = ink.any(axis=1)
    cells: list[tuple[int, int]] = []
    start: int | None = None
    for index, has_ink in enumerate(np.append(rows, False)):
        if has_ink and start is None:
            start = index
        elif not has_ink and start is not None:
            partial = (
                min(cells[-1][1] - cells[-1][0], index - start) < width * 0.75 if cells else False
            )
            if partial and index - cells[-1][0] <= width * 1.05:
                cells[-1] = (cells[-1][0], index)
            else:
                cells.append((start, index))
            start = None
    return [column[top:bottom] for top, bottom in cells]


def _square(cell: Pixels, side: int) -> Pixels:
    """Pad a glyph crop to a white ``side``-pixel square (one size for the whole column)."""
    import numpy as np

    height = cell.shape[0]
    top, left = (side - height) // 2, (side - cell.shape[1]) // 2
    pad = ((top, side - height - top), (left, side - cell.shape[1] - left), (0, 0))
    square: Pixels = np.pad(cell, pad, constant_values=255)
    return square
