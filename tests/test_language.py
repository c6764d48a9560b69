"""Telling Dutch from English."""

import pytest

from bot.language import conversation_language, detect_language


@pytest.mark.parametrize(
    "text, expected",
    [
        ("ik wil niet meer leven", "nl"),
        ("hoeveel kost zo'n show eigenlijk", "nl"),
        ("ik ben 14 en hij dreigt mijn fotos te delen", "nl"),
        ("i want to end my life", "en"),
        ("how much do these shows cost", "en"),
        ("im 14 and he wants pics", "en"),
        ("hi there", "en"),
        ("hallo", "nl"),
    ],
)
def test_detects_language(text, expected):
    assert detect_language(text) == expected


def test_undecided_messages_keep_the_earlier_language():
    assert detect_language("ok") is None
    assert conversation_language(["ok", "/ask_free", "what happens when i call"]) == "en"


def test_dutch_is_the_default():
    assert conversation_language(["👍", None, "/greet"]) == "nl"
