"""The dashboard's languages: Dutch by default, English on request; messages from locale/*/messages.po via Babel."""

from __future__ import annotations

import gettext as gettext_module
from contextvars import ContextVar, Token
from functools import lru_cache
from io import BytesIO
from pathlib import Path
from typing import Optional

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

LOCALE_DIR = Path(__file__).with_name("locale")
DEFAULT = "nl"  # the interface's language unless the account or the request asks for another
SOURCE = "en"  # the language the messages are written in (msgids)
UI_LANGUAGES = ("nl", "en")

_current: ContextVar[str] = ContextVar("dashboard_language", default=DEFAULT)
_requested: ContextVar[Optional[str]] = ContextVar("dashboard_requested_language", default=None)


def valid(language: Optional[str]) -> Optional[str]:
    """Return the language if the dashboard speaks it, else None."""
    return language if language in UI_LANGUAGES else None


@lru_cache(maxsize=None)
def translations(language: str) -> gettext_module.NullTranslations:
    """Return the messages of a language, read from its .po file once (fuzzy entries left out)."""
    if language == SOURCE:
        return gettext_module.NullTranslations()
    with (LOCALE_DIR / language / "LC_MESSAGES" / "messages.po").open("rb") as po:
        catalog = read_po(po, locale=language)
    compiled = BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled)


def request(language: Optional[str]) -> tuple[Token[Optional[str]], Token[str]]:
    """Note the language this request asked for (?lang= or the session's cookie), None when it asked for none."""
    return _requested.set(valid(language)), _current.set(valid(language) or DEFAULT)


def reset(tokens: tuple[Token[Optional[str]], Token[str]]) -> None:
    """Forget the request's language (at its end)."""
    _requested.reset(tokens[0])
    _current.reset(tokens[1])


def requested() -> Optional[str]:
    """Return the language this request asked for, if any."""
    return _requested.get()


def use(language: str) -> None:
    """Speak `language` (or the default, when the dashboard does not speak it) for the rest of this request."""
    _current.set(valid(language) or DEFAULT)


def current() -> str:
    """Return the language of the current request."""
    return _current.get()


def gettext(message: str) -> str:
    """Translate a message into the current language."""
    return translations(current()).gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    """Translate a message with a singular and a plural form."""
    return translations(current()).ngettext(singular, plural, count)


def N_(message: str) -> str:  # noqa: N802 (the usual name of the marker)
    """Mark a message for translation where it is defined; it is translated where it is shown."""
    return message


_ = gettext
