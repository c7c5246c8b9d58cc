"""Benchmark rendering a meeting pack to PDF. Run: .venv/bin/python bench/bench_pack_pdf.py

Builds the content of a pack of about 30 pages (120 stories with officers' summaries and
residents' quotes, some in Polish and Urdu, 6 charts with their tables, a long table and
the attached papers) and times `render_pdf` over a few runs, printing the pages and the
seconds of each run, then the median and the best. The first run also registers the
fonts (once per process), so it is reported on its own line too.
The target: well under 10 seconds for the 30-page pack on the 2-core machine.
"""

from __future__ import annotations

import io
import json
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pypdf import PdfReader  # noqa: E402

from engage.packs.pdf import render_pdf  # noqa: E402

RUNS = 5
STORIES = 120
THEMES = ["Housing", "Jobs and the economy", "Transport", "Health and wellbeing", "Education"]
PLACES = ["Birmingham", "Coventry", "Wolverhampton", "Walsall", "Dudley", "Sandwell"]
QUOTES = [
    "The letters from the council never arrive in a language my mother reads, so I "
    "translate everything for her, even the hospital appointments.",
    "Zażółć gęślą jaźń. Mieszkam tu od dziesięciu lat i nadal czekam na odpowiedź w "
    "sprawie mieszkania socjalnego.",
    "میں نے کئی بار درخواست دی لیکن کوئی جواب نہیں ملا",
    "I was told at the job centre that my qualifications from abroad do not count here, "
    "and nobody could tell me how to get them recognised.",
]


def pack_content(stories: int = STORIES) -> dict:
    """A pack's content dict, as the pack builder would hand it over."""
    rng = random.Random(7)
    words = " ".join(QUOTES[0::3]).split()
    story_blocks: list[dict] = []
    for number in range(stories):
        theme = THEMES[number % len(THEMES)]
        if number % (stories // len(THEMES)) == 0:
            story_blocks.append({"type": "subheading", "text": theme})
        story_blocks.append(
            {
                "type": "story",
                "submission_id": 1000 + number,
                "meta": f"{theme} · {rng.choice(PLACES)} · March 2027 · web · English",
                "summary": " ".join(rng.choices(words, k=20)).capitalize() + ".",
                "quote": QUOTES[number % len(QUOTES)],
            }
        )
    labels = PLACES
    charts = [
        {
            "type": "chart",
            "caption": f"Stories about {theme.lower()} by place",
            "labels": labels,
            "series": [
                {"name": "Last quarter", "values": [rng.randint(0, 60) for _ in labels]},
                {"name": "This quarter", "values": [rng.randint(0, 60) for _ in labels]},
            ],
            "y_label": "Stories",
        }
        for theme in THEMES + ["All themes"]
    ]
    long_table = {
        "type": "table",
        "caption": "Stories by ward",
        "columns": ["Ward", "Stories", "Published", "Note"],
        "rows": [
            [f"Ward {n}", rng.randint(0, 90), None if n % 4 == 0 else rng.randint(0, 40), "–"]
            for n in range(80)
        ],
    }
    return {
        "title": "Race Equity Taskforce meeting pack",
        "subtitle": "Meeting on Tuesday 12 January 2027, 14:00, Council House, Birmingham",
        "version_label": "Version 3, built 6 January 2027 at 10:12",
        "sections": [
            {
                "heading": "Agenda",
                "blocks": [
                    {"type": "list", "items": [f"Item {n}: {t}" for n, t in enumerate(THEMES, 1)]}
                ],
            },
            {"heading": "What residents told us", "blocks": story_blocks},
            {"heading": "Figures", "blocks": [*charts, long_table]},
            {
                "heading": "Papers",
                "blocks": [
                    {"type": "paper", "title": "Housing strategy", "filename": "housing.pdf"}
                ],
            },
        ],
    }


def main() -> None:
    content = pack_content()
    runs = []
    for _ in range(RUNS):
        start = time.perf_counter()
        pdf = render_pdf(content)
        seconds = time.perf_counter() - start
        pages = len(PdfReader(io.BytesIO(pdf)).pages)
        runs.append({"pages": pages, "kib": round(len(pdf) / 1024), "seconds": round(seconds, 2)})
    times = [run["seconds"] for run in runs]
    figures = {
        "stories": STORIES,
        "pages": runs[0]["pages"],
        "first_run_seconds (registers the fonts)": times[0],
        "median_seconds": round(statistics.median(times), 2),
        "best_seconds": min(times),
        "runs": runs,
    }
    print(json.dumps(figures, indent=2))  # noqa: T201


if __name__ == "__main__":
    main()
