"""Print the safety figures anyone can re-run: red-team recall, then the graders' figures on dev and held-out sets."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from bot.runner import running
from bot.safety.report import evaluate, load_messages, model_classifier
from bot.settings import PROJECT_ROOT

SHARED_EVAL = PROJECT_ROOT.parent / "shared" / "eval"
HELD_OUT = PROJECT_ROOT / "tests" / "data" / "heldout"
# (title, grader in ../shared/eval, data file): first messages with grade.py, whole conversations with converse.py.
GRADINGS = (
    ("Dev first messages", "grade.py", SHARED_EVAL / "dev_cases.yml"),
    ("Held-out first messages", "grade.py", HELD_OUT / "first_messages.yml"),
    ("Dev conversations", "converse.py", SHARED_EVAL / "dev_conversations.yml"),
    ("Held-out conversations", "converse.py", HELD_OUT / "conversations.yml"),
)


def print_safety_report() -> int:
    """Run the red team through the model, then grade first messages and conversations against started servers."""
    report = evaluate(load_messages(), model_classifier())
    print("Red team (tests/redteam/messages.yml), trained model with safety guard:")
    print("\n".join(report.lines()), flush=True)
    if not (SHARED_EVAL / "grade.py").is_file():
        print(f"Grading skipped: {SHARED_EVAL / 'grade.py'} not found.")
        return 0
    with open(os.devnull, "w") as quiet, running(quiet) as urls:
        for title, grader, data in GRADINGS:
            print(f"\n{title} ({_shown(data)}, ../shared/eval/{grader} through the REST channel):", flush=True)
            command = [sys.executable, str(SHARED_EVAL / grader), str(data), "--url", urls["webhook"], "--quiet"]
            subprocess.run(command, check=True, cwd=SHARED_EVAL)
    return 0


def _shown(path: Path) -> str:
    """Return a data file's path as a reader finds it: relative to the project, or under ../shared."""
    try:
        return str(path.relative_to(PROJECT_ROOT))
    except ValueError:
        return "../shared/" + str(path.relative_to(PROJECT_ROOT.parent / "shared"))
