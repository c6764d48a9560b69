"""The held-out sets stay held out: no training example is a near copy of one of their messages."""

from difflib import SequenceMatcher

from tests.support.heldout import held_out_messages, training_examples, words

MIN_WORDS = 5  # shorter messages ("dank je", "are you a bot") are bound to recur
NEAR_COPY = 0.75


def test_no_training_example_is_a_near_copy_of_a_held_out_message():
    held = [w for w in (words(text) for text in held_out_messages()) if len(w) >= MIN_WORDS]
    examples = [(text, w) for text, w in ((text, words(text)) for text in training_examples()) if len(w) >= MIN_WORDS]
    copies = set()
    matcher = SequenceMatcher(None)
    for held_words in held:
        matcher.set_seq2(held_words)  # difflib caches what it learns about the second sequence
        for text, example_words in examples:
            matcher.set_seq1(example_words)
            # the quick ratios are upper bounds of the ratio: most pairs are ruled out without computing it
            if matcher.real_quick_ratio() >= NEAR_COPY and matcher.quick_ratio() >= NEAR_COPY and matcher.ratio() >= NEAR_COPY:
                copies.add(text)
    assert not copies, sorted(copies)
