"""Print the safety figures anyone can re-run: red-team recall, then the graders' figures on dev and held-out sets."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from bot.runner import running
from bot.settings import PROJECT_ROOT, project_path, settings
from bot.tools.safety_report import evaluate, load_messages, model_classifier


def gradings() -> tuple[tuple[str, str, Path], ...]:
    """Return (title, grader, data file): first messages with grade.py, whole conversations with converse.py."""
    shared_eval, held_out = (project_path(settings()["evaluation"][key]) for key in ("shared_eval", "held_out"))
    return (
        ("Dev first messages", "grade.py", shared_eval / "dev_cases.yml"),
        ("Held-out first messages", "grade.py", held_out / "first_messages.yml"),
        ("Dev conversations", "converse.py", shared_eval / "dev_conversations.yml"),
        ("Held-out conversations", "converse.py", held_out / "conversations.yml"),
    )


def print_safety_report() -> int:
    """Run the red team through the model, then grade first messages and conversations against started servers."""
    report = evaluate(load_messages(), model_classifier())
    print(f"Red team ({_shown(project_path(settings()['evaluation']['redteam']))}), trained model with safety guard:")
    print("\n".join(report.lines()), flush=True)
    shared_eval = project_path(settings()["evaluation"]["shared_eval"])
    if not (shared_eval / "grade.py").is_file():
        print(
            f"Grading skipped: {shared_eval / 'grade.py'} not found (settings.yml evaluation.shared_eval, BOT_SHARED_EVAL)."
        )
        return 0
    with open(os.devnull, "w") as quiet, running(quiet) as urls:
        for title, grader, data in gradings():
            print(f"\n{title} ({_shown(data)}, {_shown(shared_eval / grader)} through the REST channel):", flush=True)
            command = [sys.executable, str(shared_eval / grader), str(data), "--url", urls["webhook"], "--quiet"]
            subprocess.run(command, check=True, cwd=shared_eval)
    return 0


def _shown(path: Path) -> str:
    """Return a data file's path relative to the project, as a reader finds it."""
    return os.path.relpath(path, PROJECT_ROOT)
