"""OCR evaluation: character error rate and seconds per page, rapidocr vs tesseract.

Run: ``.venv/bin/python -m bench.text.ocr_eval [PAGES_PER_CONDITION]``

Pages are rendered from real text in ``../shared/data/gov-laws`` (no third-party images): an
A4 page at 300 dpi, Noto CJK at 12 pt (50 px), 24 lines of 36 characters. Conditions: clean
Simplified; clean Traditional (the same text through OpenCC s2t); "scanned" Simplified and
Traditional with Gaussian noise, slight blur and a 0.6° skew; and a vertical Traditional page
(columns right to left). CER = Levenshtein distance / reference length, ignoring whitespace.
"""

from __future__ import annotations

import io
import json
import random
import re
import sys
import time
from pathlib import Path

from lantai.text import ocr
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


def render(lines: list[str], noisy: bool, vertical: bool) -> bytes:
    import numpy as np
    from PIL import Image, ImageDraw, ImageFilter, ImageFont

    font = ImageFont.truetype(FONT, SIZE)
    image = Image.new("L", (WIDTH, HEIGHT), 255)
    draw = ImageDraw.Draw(image)
    for index, line in enumerate(lines):
        if vertical:
            x = WIDTH - 200 - index * int(SIZE * 1.6)
            for row, char in enumerate(line):
                draw.text((x, 200 + row * int(SIZE * 1.15)), char, font=font, fill=0)
        else:
            draw.text((200, 200 + index * int(SIZE * 1.8)), line, font=font, fill=0)
    if noisy:
        image = image.rotate(0.6, resample=Image.BICUBIC, fillcolor=255, expand=False)
        image = image.filter(ImageFilter.GaussianBlur(0.6))
        array = np.asarray(image, dtype=np.int16)
        noise = np.random.default_rng(7).normal(0, 18, array.shape)
        image = Image.fromarray(np.clip(array + noise, 0, 255).astype("uint8"))
    out = io.BytesIO()
    image.save(out, "PNG", dpi=(300, 300))
    return out.getvalue()


def main() -> int:
    if not DATA.exists():
        print(f"skipped: {DATA} not found")
        return 0
    per = int(sys.argv[1]) if len(sys.argv) > 1 else 2
    rng = random.Random(11)
    laws = [json.loads(line) for line in DATA.open(encoding="utf-8")]
    laws = [law for law in laws if len(re.sub(r"\s", "", law["text"])) > COLS * ROWS + 400]
    chosen = rng.sample(laws, per)
    conditions = [
        ("clean simplified", False, False, False),
        ("clean traditional", True, False, False),
        ("noisy+skew simplified", False, True, False),
        ("noisy+skew traditional", True, True, False),
        ("vertical traditional", True, False, True),
    ]
    engines = ocr.available_engines()
    print(f"OCR on {per} page(s) per condition, A4 300 dpi, engines: {', '.join(engines)}")
    print(f"{'condition':26}" + "".join(f"{e + ' CER':>16}{'s/page':>9}" for e in engines))
    for label, traditional, noisy, vertical in conditions:
        row = f"{label:26}"
        pages = []
        for law in chosen:
            lines = _lines(law["text"][200:])
            if traditional:
                lines = [_s2t().convert(line) for line in lines]
            if vertical:
                lines = [line[:24] for line in lines[:18]]
            pages.append(("".join(lines), render(lines, noisy, vertical)))
        for engine in engines:
            errors = total = 0
            start = time.perf_counter()
            for reference, image in pages:
                got = re.sub(r"\s", "", ocr.recognise_image(image, engine=engine, timeout=300).text)
                errors += levenshtein(got, reference)
                total += len(reference)
            row += f"{errors / total:16.2%}{(time.perf_counter() - start) / len(pages):9.2f}"
        print(row, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
