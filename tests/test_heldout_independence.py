"""The held-out sets stay held out: no training example is a near copy of one of their messages."""

from difflib import SequenceMatcher

from rapidfuzz import fuzz, process

from tests.support.heldout import held_out_messages, training_examples, words

MIN_WORDS = 5  # shorter messages ("dank je", "are you a bot") are bound to recur
NEAR_COPY = 0.75


def as_symbols(texts_words: list[list[str]], vocabulary: dict[str, str]) -> list[str]:
    """Write each list of words as a string of one symbol per word, for rapidfuzz."""
    return ["".join(vocabulary.setdefault(word, chr(0x4E00 + len(vocabulary))) for word in ws) for ws in texts_words]


def test_no_training_example_is_a_near_copy_of_a_held_out_message():
    held = [w for w in (words(text) for text in held_out_messages()) if len(w) >= MIN_WORDS]
    examples = [(text, w) for text, w in ((text, words(text)) for text in training_examples()) if len(w) >= MIN_WORDS]
    vocabulary: dict[str, str] = {}
    held_symbols, example_symbols = as_symbols(held, vocabulary), as_symbols([w for _, w in examples], vocabulary)
    # rapidfuzz's ratio (longest common subsequence) is never below difflib's (matching blocks): pairs under the
    # cut-off here are under it for difflib too; the candidates left are decided by difflib, as before.
    scores = process.cdist(held_symbols, example_symbols, scorer=fuzz.ratio, score_cutoff=100 * NEAR_COPY, workers=-1)
    copies = sorted({
        examples[j][0]
        for i, j in zip(*scores.nonzero(), strict=True)
        if SequenceMatcher(None, examples[j][1], held[i]).ratio() >= NEAR_COPY
    })
    assert not copies, copies
