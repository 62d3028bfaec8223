"""Speed of the open-review flag scan (``lantai.access.flags.scan``) on 100 k characters.

    .venv/bin/python bench/access/flags_speed.py [--chars 100000] [--rounds 5]

The text repeats a notice that holds every kind of flag (phone, ID card, personnel context,
classification mark, a sensitive term), so the scan does the most work per character. Prints
the CPU time of each round and the best. There is no peer: no other archive system flags
open-review risks. The target (a reviewer's page opens at once) is well under 100 ms
per 100 k characters.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from lantai.access.flags import scan

NOTICE = (
    "兰台区人民政府办公室关于道路改造的通知。联系电话 13812345678。身份证 110101199003071233。"
    "经研究，决定给予李四记过处分。以其他方式处分财产的，依法承担责任。机密★10年\n"
)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--chars", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    text = (NOTICE * (args.chars // len(NOTICE) + 1))[: args.chars]
    scan(text, sensitive_terms=["国家安全"])  # warm the folding cache
    times = []
    for _ in range(args.rounds):
        start = time.process_time()
        flags = scan(text, sensitive_terms=["国家安全"])
        times.append(time.process_time() - start)
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"{args.chars} characters, {len(flags)} flags")
    print("CPU ms per round: " + " ".join(f"{t * 1000:.0f}" for t in times))
    print(f"best: {min(times) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
