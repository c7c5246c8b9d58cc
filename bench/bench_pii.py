"""Benchmark the personal-data finder on hostile text. Run: .venv/bin/python bench/bench_pii.py

A story may be up to 10,000 characters, and anyone can send one. Each hostile input
(long runs that make a regular expression try many starting points) is timed side by
side with an ordinary 10,000-character story (development texts joined), alternately
over 5 rounds; the figure is the best round's time of each and their ratio. Aim: no
hostile input more than 10 times slower than an ordinary story of the same length.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from engage.nlp import pii  # noqa: E402
from engage.nlp.themes import read_jsonl  # noqa: E402

LENGTH = 10_000
ROUNDS = 5
HOSTILE = {
    "capital letters": "A" * LENGTH,
    "capitalised words": "Amina " * (LENGTH // 6),
    "names and 'and'": "Amina and " * (LENGTH // 10),
    "hyphens before @": "a-" * (LENGTH // 2 - 1) + "@b",
    "dots and 'at'": "a dot " * (LENGTH // 12) + "at " + "b dot " * (LENGTH // 12),
    "digits and spaces": "1 " * (LENGTH // 2),
    "NHS number phrases": "my NHS number is " * (LENGTH // 17),
    "letters and digits": "AB12 " * (LENGTH // 5),
}


def ordinary_story() -> str:
    items = read_jsonl(ROOT / "data/themes/dev/dev.jsonl")
    return " ".join(item["text"] for item in items)[:LENGTH]


def best_time(text: str) -> float:
    start = time.perf_counter()
    pii.find(text)
    return time.perf_counter() - start


def main() -> None:
    ordinary = ordinary_story()
    pii.find(ordinary)  # load the word lists and the name pipeline once
    figures = {}
    for name, text in HOSTILE.items():
        hostile_times, ordinary_times = [], []
        for _ in range(ROUNDS):
            hostile_times.append(best_time(text))
            ordinary_times.append(best_time(ordinary))
        hostile, baseline = min(hostile_times), min(ordinary_times)
        figures[name] = {
            "hostile_ms": round(hostile * 1000, 1),
            "ordinary_ms": round(baseline * 1000, 1),
            "ratio": round(hostile / baseline, 2),
        }
    print(json.dumps(figures, indent=2))  # noqa: T201


if __name__ == "__main__":
    main()
