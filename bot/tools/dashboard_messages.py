"""The dashboard's messages: extract them from its code and templates, and bring the Dutch catalogue up to date."""

from __future__ import annotations

from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from bot.settings import PROJECT_ROOT

DASHBOARD = PROJECT_ROOT / "bot" / "counsellor"
CATALOGUE = DASHBOARD / "locale" / "nl" / "LC_MESSAGES" / "messages.po"
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}
METHODS = [("**.py", "python"), ("templates/**.html", "jinja2.ext:babel_extract")]
OPTIONS = {"templates/**.html": {"extensions": "jinja2.ext.i18n", "trim_blocks": "True", "lstrip_blocks": "True"}}


def extract() -> Catalog:
    """Return every message that the dashboard's code and templates mark for translation."""
    found = Catalog(project="Hulpwijzer dashboard", charset="utf-8")
    for filename, line, message, comments, context in extract_from_dir(
        DASHBOARD, METHODS, OPTIONS, KEYWORDS, strip_comment_tags=True
    ):
        found.add(message, None, [(filename, line)], auto_comments=comments, context=context)
    return found


def read_catalogue(path: Path = CATALOGUE) -> Catalog:
    """Return the Dutch catalogue."""
    with path.open("rb") as po:
        return read_po(po, locale="nl")


def update(path: Path = CATALOGUE) -> tuple[int, int]:
    """Merge the extracted messages into the catalogue (new ones untranslated, gone ones dropped); return both counts."""
    catalogue = read_catalogue(path) if path.exists() else Catalog(locale="nl", project="Hulpwijzer dashboard")
    template = extract()
    catalogue.update(template, no_fuzzy_matching=True)
    catalogue.obsolete.clear()
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as po:
        write_po(po, catalogue, width=120, omit_header=False, sort_output=False, include_lineno=False)
    missing = sum(1 for message in catalogue if message.id and not message.string)
    return len(template), missing
