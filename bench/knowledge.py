"""Knowledge benchmark: how long a factual question takes, in the search and through the running bot.

Prints the median and 95th percentile of (a) the fact search alone (`FactSearch.answer`, as the
action server runs it) over the held-out questions and (b) with --webhook, the whole reply of a
running Rasa server (NLU, safety guard, policies, action server, templates), one question at a time
in a new conversation, and writes the figures to results/bench/knowledge.json.

    .venv/bin/python bench/knowledge.py --webhook http://127.0.0.1:5005/webhooks/rest/webhook
"""

from __future__ import annotations

import argparse
import json
import time
import uuid
from pathlib import Path
from typing import Callable, Optional

import httpx

from bot.fact_search import fact_search
from bot.tools.fact_search_evaluation import questions

ROOT = Path(__file__).resolve().parent.parent


def percentiles(timings: list[float]) -> dict[str, float]:
    """Return the median and 95th percentile of timings in seconds, in milliseconds."""
    ordered = sorted(timings)
    return {
        "median_ms": round(ordered[len(ordered) // 2] * 1000, 1),
        "p95_ms": round(ordered[int(len(ordered) * 0.95)] * 1000, 1),
        "questions": len(ordered),
    }


def timed(ask: Callable[[str], object], texts: list[str]) -> dict[str, float]:
    """Ask every question once and return the percentiles of the time each took."""
    timings = []
    for text in texts:
        start = time.perf_counter()
        ask(text)
        timings.append(time.perf_counter() - start)
    return percentiles(timings)


def through_bot(webhook: str) -> Callable[[str], object]:
    """Return a function that asks the running bot one question in a new conversation."""
    client = httpx.Client(timeout=30)

    def ask(text: str) -> object:
        response = client.post(webhook, json={"sender": f"bench-{uuid.uuid4().hex}", "message": text})
        response.raise_for_status()
        return response.json()

    return ask


def main(argv: Optional[list[str]] = None) -> None:
    """Measure and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--webhook", help="a running Rasa server's REST webhook")
    args = parser.parse_args(argv)
    texts = [asked.text for split in ("dev", "test") for asked in questions(split)]
    search = fact_search()
    search.answer(texts[0])  # the first call loads nothing more, but keep it out of the figures
    figures = {"search": timed(search.answer, texts)}
    if args.webhook:
        ask = through_bot(args.webhook)
        ask(texts[0])
        figures["whole_reply"] = timed(ask, texts)
    for name, values in figures.items():
        print(f"{name}: median {values['median_ms']} ms, p95 {values['p95_ms']} ms over {values['questions']} questions")
    output = ROOT / "results" / "bench" / "knowledge.json"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
