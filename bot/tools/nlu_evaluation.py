"""NLU evaluation: a held-out split for the test suite, cross-validation for choosing settings."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from bot.settings import PROJECT_ROOT

RASA = str(Path(sys.executable).parent / "rasa")
RESULTS = PROJECT_ROOT / "results"
SETTINGS_CANDIDATES = PROJECT_ROOT / "docs" / "nlu-settings"


def _rasa(*args: str) -> None:
    """Run a rasa command from the project root; raise when it fails."""
    subprocess.run([RASA, *args], cwd=PROJECT_ROOT, check=True)


def macro_f1(report_dir: Path) -> float:
    """Return the macro-averaged intent F1 from a `rasa test nlu` report folder."""
    report = json.loads((report_dir / "intent_report.json").read_text(encoding="utf-8"))
    return float(report["macro avg"]["f1-score"])


def evaluate_held_out(training_fraction: float = 0.8, seed: int = 42, config: str = "config.yml") -> float:
    """Train on a stratified split of data/nlu, test on the rest, return macro F1.

    Writes the split, the model and Rasa's reports (intent_report.json,
    confusion matrix, errors) to results/nlu/.
    """
    out = RESULTS / "nlu"
    split = out / "split"
    _rasa(
        "data",
        "split",
        "nlu",
        "--nlu",
        "data/nlu",
        "--training-fraction",
        str(training_fraction),
        "--random-seed",
        str(seed),
        "--out",
        str(split),
    )
    _rasa(
        "train",
        "nlu",
        "--config",
        config,
        "--nlu",
        str(split / "training_data.yml"),
        "--out",
        str(out / "model"),
        "--fixed-model-name",
        "held-out",
    )
    _rasa(
        "test",
        "nlu",
        "--model",
        str(out / "model" / "held-out.tar.gz"),
        "--nlu",
        str(split / "test_data.yml"),
        "--out",
        str(out / "report"),
        "--no-plot",
    )
    score = macro_f1(out / "report")
    (out / "summary.json").write_text(
        json.dumps(
            {"macro_f1": score, "training_fraction": training_fraction, "seed": seed, "config": config}, indent=2
        )
    )
    return score


def cross_validate(folds: int = 3) -> dict[str, float]:
    """Cross-validate every candidate config in docs/nlu-settings/; return macro F1 per config."""
    scores = {}
    for candidate in sorted(SETTINGS_CANDIDATES.glob("*.yml")):
        out = RESULTS / "crossval" / candidate.stem
        _rasa(
            "test",
            "nlu",
            "--nlu",
            "data/nlu",
            "--config",
            str(candidate),
            "--cross-validation",
            "--folds",
            str(folds),
            "--out",
            str(out),
            "--no-plot",
        )
        scores[candidate.stem] = macro_f1(out)
        print(f"{candidate.stem}: macro F1 {scores[candidate.stem]:.4f}", flush=True)
    (RESULTS / "crossval" / "summary.json").write_text(json.dumps(scores, indent=2))
    return scores
