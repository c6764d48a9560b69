"""Help line cards for the widget, built from the bot's `helpline_card` payload and seeds/helplines.yml.

The bot's card template (domain/signposts.yml) names the line, its language,
whether it is open and the status wording; everything a person can tap (phone
numbers, chat and website addresses) comes from helplines.yml, never from the
payload, so a card cannot carry an arbitrary link.
"""

from __future__ import annotations

from typing import Any, Optional

from bot.knowledge import Helpline, helplines

STATUSES = {"open", "closed", "always", "online", "unknown", "self_help"}
LANGUAGES = {"nl", "en"}
MAX_STATUS_CHARS = 120
MAIN_ACTIONS = 2  # on the card itself; the rest is behind "Meer"


def card_from(custom: Any) -> Optional[dict[str, Any]]:
    """Return the widget's card for a bot payload `{"helpline_card": {...}}`, or None when it is not a valid one."""
    payload = custom.get("helpline_card") if isinstance(custom, dict) else None
    if not isinstance(payload, dict):
        return None
    line_id = payload.get("line")
    line = helplines().get(line_id) if isinstance(line_id, str) else None
    language, status, status_text = payload.get("language"), payload.get("status"), payload.get("status_text")
    if line is None or language not in LANGUAGES or status not in STATUSES:
        return None
    if not isinstance(status_text, str) or not status_text.strip() or len(status_text) > MAX_STATUS_CHARS:
        return None
    main, more = actions_of(line)
    return {
        "line": line.id,
        "name": line.name,
        "status": status,
        "status_text": status_text.strip(),
        "actions": main,
        "more": more,
        "audience": _sentence(line.audience_in(language)),
        "free": line.free is True,
        "anonymous": "yes" if line.anonymous is True else "possible" if line.anonymous == "possible" else None,
    }


def actions_of(line: Helpline) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """Return the card's main actions (call, chat, or the website when it is the way in) and the other ways to reach the line."""
    phones = [{"kind": "call", "href": f"tel:{tel}", "text": display} for display, tel in line.phones.items()]
    chat = [{"kind": "chat", "href": line.chat, "text": line.web_label()}] if line.chat else []
    web = [{"kind": "web", "href": line.web, "text": line.web_label()}] if line.web else []
    first = phones[:1] + chat
    if line.report_form or line.kind == "self_help" or not first:
        first += web
    main = [action for action in first if _safe(action)][:MAIN_ACTIONS]
    shown = {action["href"] for action in main}
    more = [action for action in phones + chat + web if _safe(action) and action["href"] not in shown]
    return main, list({action["href"]: action for action in more}.values())


def _safe(action: dict[str, str]) -> bool:
    """Tell whether an action's address is a phone number or an https link (what helplines.yml holds)."""
    return action["href"].startswith(("tel:", "https://"))


def _sentence(text: Optional[str]) -> Optional[str]:
    """Return a phrase of helplines.yml ("voor wie ...") as a sentence: capital first letter, full stop."""
    if not text:
        return None
    text = text.strip()
    return text[0].upper() + text[1:] + ("" if text.endswith((".", "!", "?")) else ".")
