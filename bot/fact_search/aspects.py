"""What a question asks for (an age, a figure, a time) and whether a card states it (bot/fact_search/question_words.yml)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Optional

import yaml

from bot.constants import fold_text

WORDS_FILE = Path(__file__).with_name("question_words.yml")
DIGITS = re.compile(r"\d")
NUMBER = re.compile(r"\d+(?:[.,]\d{3})*")
YEAR = re.compile(r"\b(19|20)\d\d\b")


def _phrases(words: list[str]) -> re.Pattern[str]:
    """Return a pattern that finds any of the phrases as whole words."""
    return re.compile(r"\b(" + "|".join(re.escape(fold_text(word)) for word in words) + r")\b")


@dataclass(frozen=True)
class QuestionWords:
    """The question words that ask for a figure or a time, and the words that state one."""

    asks: dict[str, re.Pattern[str]]
    number_words: re.Pattern[str]
    ages: re.Pattern[str]
    life_stages: re.Pattern[str]
    child_words: re.Pattern[str]
    time_words: re.Pattern[str]
    open_questions: re.Pattern[str]

    def is_open_question(self, question: str) -> bool:
        """Tell whether the question opens with what, who or why ("wat is een facilitator"), not a lone word."""
        return bool(self.open_questions.match(fold_text(question).strip()))

    def asks_for(self, question: str) -> Optional[str]:
        """Return "age", "figure" or "time" when the question asks for one, else None."""
        folded = fold_text(question)
        return next((aspect for aspect, pattern in self.asks.items() if pattern.search(folded)), None)

    def about_children(self, question: str) -> bool:
        """Tell whether a question is about children, so that a stage of life answers how old they are."""
        return bool(self.child_words.search(fold_text(question)))

    def states(self, aspect: str, text: str) -> bool:
        """Tell whether a card's text states an age, a life stage, a figure or a time."""
        folded = fold_text(text)
        if aspect == "figure":
            return bool(DIGITS.search(folded) or self.number_words.search(folded))
        if aspect == "age":
            return bool(self.ages.search(folded))
        if aspect == "life_stage":
            return bool(self.life_stages.search(folded))
        return bool(YEAR.search(folded) or self.time_words.search(folded))


def numbers(text: str) -> set[str]:
    """Return the numbers written in digits in a text, without thousands separators ("22.000": "22000")."""
    return {re.sub(r"[.,]", "", number) for number in NUMBER.findall(text)}


@lru_cache(maxsize=1)
def question_words() -> QuestionWords:
    """Return the question words of question_words.yml."""
    data = yaml.safe_load(WORDS_FILE.read_text(encoding="utf-8"))

    def every(key: str) -> re.Pattern[str]:
        """Return the pattern of one word list, both languages."""
        return _phrases([word for words in data[key].values() for word in words])

    number_words = [word for words in data["number_words"].values() for word in words]
    units = [word for words in data["age_units"].values() for word in words]
    figure = r"(\d+|" + "|".join(re.escape(fold_text(word)) for word in number_words) + ")"
    ages = re.compile(r"\b" + figure + r"[ -](" + "|".join(re.escape(fold_text(unit)) for unit in units) + r")\b")
    return QuestionWords(
        asks={aspect: _phrases(words) for aspect, words in data["asks"].items()},
        number_words=_phrases(number_words),
        ages=ages,
        life_stages=every("life_stages"),
        child_words=every("child_words"),
        time_words=every("time_words"),
        open_questions=_phrases(data["open_questions"]),
    )
