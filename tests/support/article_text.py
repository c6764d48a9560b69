"""Split the source articles into numbered sentences, the units that fact cards cover.

`python -m tests.support.article_text [folder]` prints every article's sentences with their numbers.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from bot.settings import project_path, settings

DATE_LINE = re.compile(r"^\s*date\s+\S+\s*")
SENTENCE_END = re.compile(r"(?<=[.!?])[\"”']?\s+(?=[\"“‘']?[A-Z0-9À-Ý])")


def article_sentences(path: Path) -> list[str]:
    """Return the article's sentences in order; a line without end punctuation is one unit."""
    text = DATE_LINE.sub("", path.read_text(encoding="utf-8"))
    units: list[str] = []
    for block in re.split(r"\n\s*\n|\n", text):
        block = " ".join(block.split())
        if block:
            units.extend(part.strip() for part in SENTENCE_END.split(block) if part.strip())
    return units


def is_heading(sentence: str) -> bool:
    """Tell a heading, dateline or caption (short, no end punctuation) from a sentence."""
    return not re.search(r"[.!?][\"”']?$", sentence) and len(sentence.split()) <= 12


def main(folder: Path) -> None:
    """Print the numbered sentences of every article in `folder`."""
    for path in sorted(folder.glob("*.txt")):
        print(f"== {path.stem}")
        for number, sentence in enumerate(article_sentences(path)):
            print(f"{number:3d}{' H' if is_heading(sentence) else '  '} {sentence}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else project_path(settings()["evaluation"]["shared_eval"]).parent / "seeds")
