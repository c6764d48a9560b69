"""The held-out sets stay held out: no training example is a near copy of one of their messages."""

from difflib import SequenceMatcher
from pathlib import Path
import re

import yaml

ROOT = Path(__file__).resolve().parent.parent
HELD_OUT = ROOT / "tests" / "data" / "heldout"
MIN_WORDS = 5  # shorter messages ("dank je", "are you a bot") are bound to recur
NEAR_COPY = 0.75


def words(text: str) -> list[str]:
    return re.findall(r"[a-zà-ÿ0-9']+", text.lower())


def held_out_messages() -> list[str]:
    """Return the held-out first messages, conversation turns and red-team help-seekers."""
    messages = [case["text"] for case in yaml.safe_load((HELD_OUT / "first_messages.yml").read_text())["cases"]]
    for conversation in yaml.safe_load((HELD_OUT / "conversations.yml").read_text())["conversations"]:
        messages += [turn["say"] for turn in conversation["turns"]]
    redteam = yaml.safe_load((ROOT / "tests" / "redteam" / "messages.yml").read_text())["messages"]
    return messages + [m["text"] for m in redteam if m["expect"] == "help_seeker"]


def training_examples() -> list[str]:
    """Return every NLU training example."""
    examples = []
    for path in sorted((ROOT / "data" / "nlu").glob("*.yml")):
        for block in yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"]:
            examples += [line[2:].strip() for line in block.get("examples", "").splitlines() if line.startswith("- ")]
    return examples


def test_no_training_example_is_a_near_copy_of_a_held_out_message():
    held = [words(text) for text in held_out_messages()]
    held = [w for w in held if len(w) >= MIN_WORDS]
    copies = []
    for example in training_examples():
        w = words(example)
        if len(w) >= MIN_WORDS and any(SequenceMatcher(None, w, h).ratio() >= NEAR_COPY for h in held):
            copies.append(example)
    assert not copies, copies
