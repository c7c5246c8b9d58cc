"""Benchmark the theme tagger (issue 4). Run: .venv/bin/python bench/bench_tagger.py

Measures, side by side in one run on the same 60-word texts (words drawn from the
English and the eight-language development sets, so every script is in the mix):
- texts per second of the full tagger (ThemeTagger.tag: the pipeline, passages of long
  texts and thresholds), single process;
- texts per second of spaCy's tokenizer alone (the floor), and the ratio of the two;
- the model's load time, and the resident memory of a fresh web worker process with
  the app created and the model loaded.
The two rates are measured alternately in 7 rounds (so noise hits both); the rates are
the best round of each, and the median of the per-round ratios is reported too.
"""

from __future__ import annotations

import json
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from engage.nlp.themes import MODEL_DIR, ThemeTagger, read_jsonl  # noqa: E402

ROUNDS = 7
TEXTS = 5000
WORDS = 60


def sixty_word_texts() -> list[str]:
    """60-word texts built from the development sets' own words, so vocabulary is real."""
    files = [ROOT / "data/themes/dev/dev.jsonl"]
    files += sorted((ROOT / "data/themes/dev_languages").glob("*.jsonl"))
    words = " ".join(item["text"] for path in files for item in read_jsonl(path)).split()
    rng = random.Random(0)
    return [" ".join(rng.choices(words, k=WORDS)) for _ in range(TEXTS)]


def rate(run, texts: list[str]) -> float:
    start = time.perf_counter()
    run(texts)
    return len(texts) / (time.perf_counter() - start)


def side_by_side(first, second, texts: list[str]) -> tuple[list[float], list[float]]:
    """Alternate the two in each round, so a noisy moment hits both, not one."""
    a, b = [], []
    for _ in range(ROUNDS):
        a.append(rate(first, texts))
        b.append(rate(second, texts))
    return a, b


WORKER_PROBE = """
import resource, time
from engage import create_app
from engage.config import TestConfig
start = time.perf_counter()
app = create_app(TestConfig(database_url="sqlite://"))
from engage.nlp.themes import ThemeTagger
tagger = ThemeTagger.load()
tagger.tag(["warm up"])
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def worker_memory_mb() -> float:
    out = subprocess.run(
        [sys.executable, "-c", WORKER_PROBE], capture_output=True, text=True, check=True, cwd=ROOT
    ).stdout
    return int(out.strip().splitlines()[-1]) / 1024


def main() -> None:
    texts = sixty_word_texts()
    loads = []
    for _ in range(3):
        start = time.perf_counter()
        tagger = ThemeTagger.load(MODEL_DIR)
        loads.append(time.perf_counter() - start)
    nlp = tagger.nlp

    def pipeline(batch):
        tagger.tag(batch, batch_size=256)

    def tokenizer(batch):
        for _ in nlp.tokenizer.pipe(batch, batch_size=256):
            pass

    pipe_rates, token_rates = side_by_side(pipeline, tokenizer, texts)
    pipe_rate, token_rate = max(pipe_rates), max(token_rates)
    figures = {
        "texts": TEXTS,
        "words_per_text": WORDS,
        "pipeline_texts_per_second": round(pipe_rate),
        "tokenizer_texts_per_second": round(token_rate),
        "ratio_pipeline_to_tokenizer": round(pipe_rate / token_rate, 3),
        "ratio_median_of_rounds": round(
            statistics.median(p / t for p, t in zip(pipe_rates, token_rates, strict=True)), 3
        ),
        "model_load_seconds_median": round(statistics.median(loads), 3),
        "web_worker_rss_mb": round(worker_memory_mb(), 1),
    }
    print(json.dumps(figures, indent=2))  # noqa: T201


if __name__ == "__main__":
    main()
