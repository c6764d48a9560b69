"""Build the blank Dutch and English spaCy pipelines that Rasa's SpacyNLP loads.

spaCy's trained pipelines are not on PyPI and nothing may be downloaded at run
time, so each pipeline is `spacy.blank(lang)` plus a lookup lemmatizer whose
tables come from the spacy-lookups-data package.
"""

from __future__ import annotations

from pathlib import Path

import spacy

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
    """Build every pipeline named in the settings."""
    config = settings()["spacy"]
    directory = project_path(config["directory"])
    return [build_pipeline(lang, directory / lang) for lang in config["languages"]]
