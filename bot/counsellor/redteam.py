"""Reply marks as red-team cases, in the format of tests/redteam/messages.yml (as bot/tools/safety_report.py reads it)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Iterable, Optional

from bot.constants import DEFAULT_LANGUAGE, LANGUAGES, REDTEAM_HELP_SEEKER, REDTEAM_ORDINARY, REDTEAM_ROUTES
from bot.counsellor.export import message_text, one_line
from bot.store.models import ReplyMark

HEADER = (
    "# Bot replies a counsellor marked in the dashboard as the wrong route or harmful, as red-team cases:\n"
    "# the person's message and the route it deserves. The texts are redacted ([TELEFOON] and so on stand\n"
    "# for removed personal data). Check them, then merge into tests/redteam/messages.yml.\n"
)
KIND_LABELS = {"wrong_route": "wrong route", "harmful": "harmful"}


@dataclass(frozen=True)
class Case:
    """One red-team message: its language, what the safety layer must do with it, and the text."""

    lang: str
    expect: str  # a route of REDTEAM_ROUTES, REDTEAM_ORDINARY or REDTEAM_HELP_SEEKER
    route: Optional[str]  # for a help-seeker: the route deserved
    text: str

    def line(self) -> str:
        """Return the case as one line of the red-team file (a flow mapping; the text double-quoted)."""
        fields = [f"lang: {self.lang}", f"expect: {self.expect}"]
        fields += [f"route: {self.route}"] if self.route else []
        fields.append(f"text: {json.dumps(self.text, ensure_ascii=False)}")
        return "  - {" + ", ".join(fields) + "}"


def expectation(route: str) -> tuple[str, Optional[str]]:
    """Return the red team's `expect` and `route` for a message that deserves `route`."""
    if route in REDTEAM_ROUTES or route == REDTEAM_ORDINARY:
        return route, None
    return REDTEAM_HELP_SEEKER, route


def case_of(mark: ReplyMark) -> Optional[Case]:
    """Return the case a mark makes, or None when it names no route or the reply answered no typed message."""
    text = message_text(mark.message or "")
    if not mark.route or text is None:
        return None
    expect, route = expectation(mark.route)
    return Case(mark.language if mark.language in LANGUAGES else DEFAULT_LANGUAGE, expect, route, text)


def to_redteam_yaml(marks: Iterable[ReplyMark]) -> tuple[str, int]:
    """Return the marks as a red-team file and how many cases it holds; for a text marked twice the newest mark counts."""
    newest: dict[str, tuple[Case, ReplyMark]] = {}
    for mark in sorted(marks, key=lambda m: (m.created_at, m.id)):
        case = case_of(mark)
        if case:
            newest[case.text.casefold()] = (case, mark)
    lines = [HEADER + ("messages:" if newest else "messages: []")]
    for case, mark in newest.values():
        taken = f", taken for {mark.predicted_intent}" if mark.predicted_intent else ""
        lines += ["  # " + one_line(f"{KIND_LABELS[mark.kind]}{taken}: {mark.reason}"), case.line()]
    return "\n".join(lines) + "\n", len(newest)
