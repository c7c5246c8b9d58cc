"""List the everyday English words that are also somebody's name ("love", "early",
"river"), so the personal-data detector doesn't take them for names in lower-case text.

Counted from the project's own theme training texts (data/themes/raw): a word that
appears in lower case at least three times, and mostly in lower case, is an everyday
word there. Only words that are also in the name lists are kept. Re-run after adding
training texts or names:

    .venv/bin/python scripts/build_common_words.py
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "engage" / "nlp" / "data"
WORD = re.compile(r"[A-Za-z][a-z'-]+")


def main() -> None:
    lower, capitalised = Counter(), Counter()
    for path in sorted((ROOT / "data" / "themes" / "raw").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            text = json.loads(line)["text"]
            for sentence in re.split(r"[.!?\n]+\s*", text):
                for position, match in enumerate(WORD.finditer(sentence)):
                    word = match.group()
                    if word.islower():
                        lower[word] += 1
                    elif position > 0:
                        capitalised[word.lower()] += 1
    names = set()
    for name in ("first_names.txt", "names_extra.txt"):
        names |= {
            line.strip().lower()
            for line in (DATA / name).read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")
        }
    common = sorted(
        word
        for word, count in lower.items()
        if word in names and count >= 3 and count >= 2 * capitalised[word]
    )
    header = "# Everyday words that are also names; built by scripts/build_common_words.py\n"
    (DATA / "common_words.txt").write_text(header + "\n".join(common) + "\n", encoding="utf-8")
    print(f"{len(common)} everyday words that are also names")


if __name__ == "__main__":
    main()
