"""Print the safety figures anyone can re-run: red-team recall and false alarms, and the dev-set grade."""

from __future__ import annotations

import os
import subprocess
import sys

from bot.runner import running
from bot.safety.report import evaluate, load_messages, model_classifier
from bot.settings import PROJECT_ROOT

SHARED_EVAL = PROJECT_ROOT.parent / "shared" / "eval"


def print_safety_report() -> int:
    """Run the red team through the model, then grade the dev cases against started servers."""
    report = evaluate(load_messages(), model_classifier())
    print("Red team (tests/redteam/messages.yml), trained model with safety guard:")
    print("\n".join(report.lines()), flush=True)
    grader, cases = SHARED_EVAL / "grade.py", SHARED_EVAL / "dev_cases.yml"
    if not grader.is_file():
        print(f"Dev-set grade skipped: {grader} not found.")
        return 0
    print("\nDev-set grade (../shared/eval/grade.py, first messages through the REST channel):", flush=True)
    with open(os.devnull, "w") as quiet, running(quiet) as urls:
        subprocess.run([sys.executable, str(grader), str(cases), "--url", urls["webhook"], "--quiet"], check=True)
    return 0
