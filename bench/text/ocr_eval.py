"""OCR evaluation: character error rate and seconds per page, rapidocr vs tesseract.

Run: ``.venv/bin/python -m bench.text.ocr_eval [PAGES_PER_CONDITION]``

Pages are rendered from real text in ``../shared/data/gov-laws`` (no third-party images): an
A4 page at 300 dpi, Noto CJK at 12 pt (50 px), 24 lines of 36 characters. Conditions: clean
Simplified; clean Traditional (the same text through OpenCC s2t); "scanned" Simplified and
Traditional with Gaussian noise, slight blur and a 0.6° skew; small print (9 pt, 38 px); and a
vertical Traditional page (columns right to left). CER = Levenshtein distance / reference
length, ignoring whitespace.

Pages go through :func:`lantai.text.ocr.recognise_image`, i.e. the OCR worker process, as in
ingest. Model loading (worker start + models) is timed once per engine, apart from the pages.
Seconds per page are wall-clock; "cpu" is the worker's CPU seconds per page (user + system,
all threads, from ``/proc``), which is less disturbed by other load on a shared host; the load
average is printed with each row for the same reason.
"""

from __future__ import annotations

import io
import json
import os
import random
import re
import sys
import time
from pathlib import Path

from lantai.text import _ocr_worker, ocr
from lantai.text.normalise import _s2t

DATA = Path(__file__).resolve().parents[3] / "shared" / "data" / "gov-laws" / "laws.jsonl"
FONT = "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"
WIDTH, HEIGHT, SIZE, COLS, ROWS = 2480, 3508, 50, 36, 24


def levenshtein(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def _lines(text: str) -> list[str]:
    flat = re.sub(r"\s+|#", "", text)
    return [flat[i : i + COLS] for i in range(0, COLS * ROWS, COLS)]


def render(lines: list[str], noisy: bool, vertical: bool, size: int = SIZE) -> bytes:
    import numpy as np
    from PIL import Image, ImageDraw, ImageFilter, ImageFont

    font = ImageFont.truetype(FONT, size)
    image = Image.new("L", (WIDTH, HEIGHT), 255)
    draw = ImageDraw.Draw(image)
    for index, line in enumerate(lines):
        if vertical:
            x = WIDTH - 200 - index * int(size * 1.6)
            for row, char in enumerate(line):
                draw.text((x, 200 + row * int(size * 1.15)), char, font=font, fill=0)
        else:
            draw.text((200, 200 + index * int(size * 1.8)), line, font=font, fill=0)
    if noisy:
        image = image.rotate(0.6, resample=Image.BICUBIC, fillcolor=255, expand=False)
        image = image.filter(ImageFilter.GaussianBlur(0.6))
        array = np.asarray(image, dtype=np.int16)
        noise = np.random.default_rng(7).normal(0, 18, array.shape)
        image = Image.fromarray(np.clip(array + noise, 0, 255).astype("uint8"))
    out = io.BytesIO()
    image.save(out, "PNG", dpi=(300, 300))
    return out.getvalue()


CONDITIONS = [  # label, traditional, noisy, vertical, glyph size in pixels
    ("clean simplified", False, False, False, SIZE),
    ("clean traditional", True, False, False, SIZE),
    ("noisy+skew simplified", False, True, False, SIZE),
    ("noisy+skew traditional", True, True, False, SIZE),
    ("small print (9 pt) simpl.", False, False, False, 38),
    ("vertical traditional", True, False, True, SIZE),
]


def _worker_cpu() -> float | None:
    """CPU seconds used so far by the OCR worker process (Linux), else None."""
    worker = _ocr_worker._worker
    try:
        fields = Path(f"/proc/{worker.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (AttributeError, OSError):
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _pages(chosen: list[dict], traditional: bool, noisy: bool, vertical: bool, size: int):
    pages = []
    for law in chosen:
        lines = _lines(law["text"][200:])
        if traditional:
            lines = [_s2t().convert(line) for line in lines]
        if vertical:
            lines = [line[:24] for line in lines[:18]]
        pages.append(("".join(lines), render(lines, noisy, vertical, size)))
    return pages


def _measure(engine: str, pages: list[tuple[str, bytes]]) -> tuple[float, float, float | None]:
    """CER, wall seconds per page and worker CPU seconds per page."""
    errors = total = 0
    cpu_start, start = _worker_cpu(), time.perf_counter()
    for reference, image in pages:
        got = re.sub(r"\s", "", ocr.recognise_image(image, engine=engine, timeout=300).text)
        errors += levenshtein(got, reference)
        total += len(reference)
    wall = (time.perf_counter() - start) / len(pages)
    cpu_end = _worker_cpu()
    cpu = None if cpu_start is None or cpu_end is None else (cpu_end - cpu_start) / len(pages)
    return errors / total, wall, cpu


def main() -> int:
    if not DATA.exists():
        print(f"skipped: {DATA} not found")
        return 0
    per = int(sys.argv[1]) if len(sys.argv) > 1 else 2
    rng = random.Random(11)
    laws = [json.loads(line) for line in DATA.open(encoding="utf-8")]
    laws = [law for law in laws if len(re.sub(r"\s", "", law["text"])) > COLS * ROWS + 400]
    chosen = rng.sample(laws, per)
    engines = ocr.available_engines()
    print(f"OCR on {per} page(s) per condition, A4 300 dpi, {os.cpu_count()} CPUs")
    for engine in engines:
        _ocr_worker.stop()  # a fresh worker: loading includes starting it
        load = os.getloadavg()[0]
        print(f"{engine}: worker start + model load {ocr.preload(engine):.2f} s (load {load:.1f})")
    header = "".join(f"{e + ' CER':>16}{'s/page':>8}{'cpu':>7}" for e in engines)
    print(f"{'condition':28}{header}")
    for engine in engines:  # one warm worker with every engine loaded: pages count no loading
        ocr.preload(engine)
    for label, *options in CONDITIONS:
        pages, row = _pages(chosen, *options), f"{label:28}"
        for engine in engines:
            cer, wall, cpu = _measure(engine, pages)
            row += f"{cer:16.2%}{wall:8.2f}{cpu if cpu is not None else float('nan'):7.2f}"
        print(f"{row}   load {os.getloadavg()[0]:.1f}", flush=True)
    _ocr_worker.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
