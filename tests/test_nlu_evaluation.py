"""Held-out NLU evaluation: the report is written to results/nlu/ and macro F1 stays above the floor.

The floor is justified in the README ("NLU quality"): it sits a little below
the held-out score measured when the settings were chosen, so that a real
regression in the training data or pipeline fails the suite.
"""

import json

import pytest

from bot.tools.nlu_evaluation import RESULTS, evaluate_held_out

pytestmark = pytest.mark.model

MACRO_F1_FLOOR = 0.63


def test_held_out_macro_f1_is_above_the_floor():
    score = evaluate_held_out()
    report = RESULTS / "nlu" / "report" / "intent_report.json"
    assert report.is_file()
    per_intent = json.loads(report.read_text(encoding="utf-8"))
    print(f"\nheld-out macro F1 = {score:.4f} (floor {MACRO_F1_FLOOR})")
    for intent in ("crisis", "danger_now", "child_victim", "seek_material", "share_material"):
        print(f"  {intent:16s} F1 {per_intent[intent]['f1-score']:.3f}")
    assert score >= MACRO_F1_FLOOR
