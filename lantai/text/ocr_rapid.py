"""rapidocr backend of :mod:`lantai.text.ocr` (see there for the design)."""

from __future__ import annotations

import functools
import itertools
import logging

from lantai.text.result import OcrLine

_VERTICAL_ASPECT = 1.5


@functools.cache
def _engine():
    from rapidocr import RapidOCR

    logging.getLogger("RapidOCR").setLevel(logging.ERROR)
    return RapidOCR(params={"Global.use_cls": False, "Global.log_level": "error"})


def _box(points) -> tuple[int, int, int, int]:
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return int(min(xs)), int(min(ys)), int(max(xs)), int(max(ys))


def recognise(image, page: int) -> list[OcrLine]:
    """Lines of one page image (PIL), horizontal or vertical."""
    import numpy as np

    array = np.asarray(image)
    detected = _engine()(array, use_det=True, use_cls=False, use_rec=False)
    boxes = [_box(b) for b in (detected.boxes if detected.boxes is not None else [])]
    if not boxes:
        return []
    tall = sum((y1 - y0) > _VERTICAL_ASPECT * (x1 - x0) for x0, y0, x1, y1 in boxes)
    if tall > len(boxes) / 2:
        return _vertical(array, boxes, page)
    result = _engine()(array, use_det=True, use_cls=False, use_rec=True)
    if result.boxes is None:
        return []
    pieces = [
        (_box(b), t, float(s))
        for b, t, s in zip(result.boxes, result.txts, result.scores, strict=True)
        if t.strip()
    ]
    return _merge_lines(pieces, page)


def _merge_lines(pieces, page: int) -> list[OcrLine]:
    """Join boxes on the same text line (PP-OCR splits lines at wide spaces)."""
    pieces.sort(key=lambda p: (p[0][1] + p[0][3]) / 2)
    rows: list[list] = []
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


def _vertical(array, boxes, page: int) -> list[OcrLine]:
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
        rec = _engine()(strip, use_det=False, use_cls=False, use_rec=True)
        text = "".join(rec.txts or ())
        if text.strip():
            score = float(sum(rec.scores) / len(rec.scores)) if rec.scores else 0.0
            lines.append(OcrLine(page, number, text, (x0, y0, x1, y1), round(score, 4), True))
    return lines


def _glyph_cells(column) -> list:
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
    cells, start = [], None
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


def _square(cell, side: int):
    """Pad a glyph crop to a white ``side``-pixel square (one size for the whole column)."""
    import numpy as np

    height = cell.shape[0]
    top, left = (side - height) // 2, (side - cell.shape[1]) // 2
    pad = ((top, side - height - top), (left, side - cell.shape[1] - left), (0, 0))
    return np.pad(cell, pad, constant_values=255)
