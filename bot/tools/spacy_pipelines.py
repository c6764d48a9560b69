"""Build the blank Dutch and English spaCy pipelines that Rasa's SpacyNLP loads.

spaCy's trained pipelines are not on PyPI and nothing may be downloaded at run
time, so each pipeline is `spacy.blank(lang)` plus a lookup lemmatizer whose
tables come from the spacy-lookups-data package.
"""

from __future__ import annotations

from pathlib import Path

import spacy

from bot.constants import LANGUAGES
from bot.settings import project_path, settings


def build_pipeline(language: str, target: Path) -> Path:
    """Create a blank pipeline with a lookup lemmatizer and save it to `target`."""
    nlp = spacy.blank(language)
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    nlp.meta["name"] = f"hulpwijzer_blank_{language}"
    nlp.meta["description"] = "Blank tokenizer with lookup lemmas (spacy-lookups-data)."
    target.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(target)
    return target


def build_all() -> list[Path]:
    """Build a pipeline for each of the bot's languages, in the settings' spaCy directory."""
    directory = project_path(settings()["spacy"]["directory"])
    return [build_pipeline(lang, directory / lang) for lang in LANGUAGES]
