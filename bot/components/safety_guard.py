"""A Rasa NLU component that lets the safety patterns overrule the classifier."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import SPACY_DOCS, TOKENS_NAMES
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.constants import URL
from bot.safety.matcher import PATTERNS_FILE, SafetyMatcher, Token, load_matcher

SAFETY_KEY = "safety"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class SafetyGuard(GraphComponent):
    """Set the safety intent when a pattern recognises a safety case.

    Runs after the classifiers. The patterns' finding replaces the classifier's
    intent, except that a more urgent classifier intent stands, danger now,
    crisis and a child disclosing are never downgraded, and a category may
    yield to a help-seeking intent the classifier is sure of (patterns.yml); a
    material or danger-now guess of the classifier without pattern evidence and
    with what a help-seeker says stands down to its next intent
    (`counter_evidence`). The
    decision is added to the parse data under `safety`, so that transcripts
    show when the guard acted.
    """

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """Return the default pattern file."""
        return {"patterns": None}

    def __init__(self, matcher: SafetyMatcher) -> None:
        self.matcher = matcher

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "SafetyGuard":
        """Load the pattern file named in the config (the packaged one by default)."""
        path = Path(config["patterns"]) if config.get("patterns") else PATTERNS_FILE
        return cls(load_matcher(path))

    def process(self, messages: List[Message]) -> List[Message]:
        """Overrule the predicted intent where a higher-ranked safety case is found."""
        for message in messages:
            self._guard(message)
        return messages

    def _guard(self, message: Message) -> None:
        """Apply the patterns to one message."""
        tokens = tokens_of(message)
        verdict = self.matcher.verdict(tokens) if tokens else None
        predicted = message.get(INTENT) or {}
        predicted_name: Optional[str] = predicted.get(INTENT_NAME_KEY)
        confidence = float(predicted.get("confidence") or 0.0)
        acted = verdict is not None and self.matcher.overrules(verdict, predicted_name, confidence)
        stood_down = None if verdict or not tokens else self.matcher.stands_down(tokens, predicted_name)
        message.set(
            SAFETY_KEY,
            {
                "category": verdict.category if verdict else None,
                "rule": verdict.rule if verdict else stood_down,
                "acted": acted or stood_down is not None,
                "classifier_intent": predicted_name,
            },
            add_to_output=True,
        )
        ranking = message.get(INTENT_RANKING_KEY) or []
        if acted and verdict is not None:
            intent = {INTENT_NAME_KEY: verdict.intent, "confidence": 1.0}
            ranking = [intent] + [entry for entry in ranking if entry.get(INTENT_NAME_KEY) != verdict.intent]
        elif stood_down:
            unsupported = {"nlu_fallback", *self.matcher.unsupported_guesses}
            others = [entry for entry in ranking if entry.get(INTENT_NAME_KEY) not in unsupported]
            if not others:
                return
            intent, ranking = dict(others[0]), others
        else:
            return
        message.set(INTENT, intent, add_to_output=True)
        message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)


def tokens_of(message: Message) -> List[Token]:
    """Return the message's tokens with lemmas, from spaCy's doc when present.

    A link that the tokenizer split apart ("site[.]example") still counts as a
    link: it adds one token that is only a link.
    """
    doc = message.get(SPACY_DOCS[TEXT])
    if doc is not None:
        tokens = [Token.create(t.text, t.lemma_, t.like_url) for t in doc if not t.is_space]
    else:
        tokens = [Token.create(t.text, t.lemma or t.text) for t in message.get(TOKENS_NAMES[TEXT]) or []]
    text = message.get(TEXT) or ""
    if not any(token.like_url for token in tokens) and URL.search(text):
        tokens.append(Token("", ("",), like_url=True))
    return tokens
