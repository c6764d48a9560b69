"""Turn the help lines' phone numbers and websites in bot replies into links.

Only numbers and addresses from seeds/helplines.yml become links, so a reply
can never carry an arbitrary link.
"""

from __future__ import annotations

import re
from functools import lru_cache

from bot.knowledge import helplines


@lru_cache(maxsize=1)
def _known_links() -> tuple[tuple[re.Pattern, str, str], ...]:
    """Return (pattern, text, href) for every help line phone number and website, longest first."""
    found: dict[str, str] = {}
    for line in helplines().values():
        found.update({display: f"tel:{tel}" for display, tel in line.phones.items()})
        if line.web:
            found[line.web_label()] = line.web
    ordered = sorted(found.items(), key=lambda item: -len(item[0]))
    return tuple((re.compile(rf"(?<![\w.-]){re.escape(text)}(?![\w-]|\.\w)"), text, href) for text, href in ordered)


def links_in(text: str) -> list[dict[str, str]]:
    """Return the known phone numbers and websites in a reply, in order of appearance."""
    taken: list[tuple[int, int]] = []
    links = []
    for pattern, label, href in _known_links():
        for match in pattern.finditer(text):
            if any(match.start() < end and start < match.end() for start, end in taken):
                continue
            taken.append((match.start(), match.end()))
            links.append((match.start(), {"text": label, "href": href}))
    return [link for _, link in sorted(links, key=lambda item: item[0])]
