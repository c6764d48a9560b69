"""Conversations read from Rasa's events table for the dashboard: summaries for the list, turns for the transcript."""

from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator, Optional

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from bot.constants import DEFAULT_LANGUAGE, LANGUAGE_SLOT, ROUTE_SLOT, SAFETY_INTENTS
from bot.store.events import EVENTS, events_table_exists

SIGNPOST_PREFIX = "utter_signpost_"
FALLBACK_ACTION = "utter_fallback"
HELPLINE_SLOTS = ("hl1_name", "hl2_name")
READ_SLOTS = (*HELPLINE_SLOTS, ROUTE_SLOT)
KEY_CHARS = 24
SHORT_KEY_CHARS = 10  # what the dashboard shows of a key: the list, the transcript, the corrections, the audit log

MarkerFinder = Callable[[Iterable[dict[str, Any]]], frozenset[str]]  # e.g. bot.counsellor.markers.find_markers


def no_markers(events: Iterable[dict[str, Any]]) -> frozenset[str]:
    """Find no markers (for readers that do not show them)."""
    return frozenset()


def conversation_key(sender_id: str) -> str:
    """Return the short hash that names a conversation in URLs and in the audit log."""
    return hashlib.sha256(sender_id.encode()).hexdigest()[:KEY_CHARS]


def short_key(key: str) -> str:
    """Return the short form of a conversation's key that people see (its URL keeps the whole key)."""
    return key[:SHORT_KEY_CHARS]


def reply_language(data: dict[str, Any]) -> str:
    """Return the language of a bot reply, from the response condition that chose it."""
    for condition in (data.get("metadata") or {}).get("condition") or []:
        if isinstance(condition, dict) and condition.get("name") == LANGUAGE_SLOT and condition.get("value"):
            return str(condition["value"])
    return DEFAULT_LANGUAGE


def is_button(text: str) -> bool:
    """Tell whether a user message is a button payload ("/intent") rather than typed text."""
    return text.startswith("/")


@dataclass
class Summary:
    """What the conversation list shows about one conversation."""

    sender_id: str
    started: float = 0.0
    last: float = 0.0
    messages: int = 0
    fallbacks: int = 0
    languages: set[str] = field(default_factory=set)
    flags: set[str] = field(default_factory=set)
    signposts: list[str] = field(default_factory=list)
    helplines: list[str] = field(default_factory=list)
    routes: list[str] = field(default_factory=list)
    intents: set[str] = field(default_factory=set)
    first_message: str = ""  # the first typed message, redacted as stored
    markers: frozenset[str] = frozenset()

    @property
    def key(self) -> str:
        """Return the conversation's short hash."""
        return conversation_key(self.sender_id)

    @property
    def category(self) -> str:
        """Return the most urgent flag, else "signposted", "facts" or "other"."""
        for flag in SAFETY_INTENTS:
            if flag in self.flags:
                return flag
        if self.signposts:
            return "signposted"
        return "facts" if any(intent.startswith("faq_") for intent in self.intents) else "other"

    def add(self, row: Any, event: dict[str, Any]) -> None:
        """Take one event row (and its event, see `event_of`) into account."""
        self.started = min(self.started or row.timestamp, row.timestamp)
        self.last = max(self.last, row.timestamp)
        if row.type_name == "user":
            self.messages += 1
            if row.intent_name in SAFETY_INTENTS:
                self.flags.add(row.intent_name)
            if row.intent_name:
                self.intents.add(row.intent_name)
            text = str(event.get("text") or "")
            if not self.first_message and text and not is_button(text):
                self.first_message = text
        elif row.type_name == "action" and row.action_name:
            if row.action_name == FALLBACK_ACTION:
                self.fallbacks += 1
            elif row.action_name.startswith(SIGNPOST_PREFIX):
                _append_new(self.signposts, row.action_name[len(SIGNPOST_PREFIX) :])
        elif row.type_name == "slot" and row.action_name in READ_SLOTS:
            value = event.get("value")
            if value:
                _append_new(self.routes if row.action_name == ROUTE_SLOT else self.helplines, str(value))
        elif row.type_name == "bot":
            self.languages.add(reply_language(event))


def _append_new(values: list[str], value: str) -> None:
    """Append a value unless it is there already (keeps the order they were first shown)."""
    if value not in values:
        values.append(value)


def _summary_rows(connection: Connection, senders: list[str]) -> Iterator[Any]:
    """Yield the rows a summary needs, with the JSON data only where it is read."""
    needs_data = EVENTS.c.type_name.in_(("user", "bot")) | (
        (EVENTS.c.type_name == "slot") & EVENTS.c.action_name.in_(READ_SLOTS)
    )
    query = (
        sa.select(
            EVENTS.c.sender_id,
            EVENTS.c.type_name,
            EVENTS.c.timestamp,
            EVENTS.c.intent_name,
            EVENTS.c.action_name,
            sa.case((needs_data, EVENTS.c.data), else_=sa.null()).label("data"),
        )
        .where(EVENTS.c.sender_id.in_(senders), EVENTS.c.type_name.in_(("user", "action", "slot", "bot")))
        .order_by(EVENTS.c.sender_id, EVENTS.c.id)
    )
    return iter(connection.execute(query))


def event_of(row: Any) -> dict[str, Any]:
    """Return a row's event: its JSON data where it was read, else its type and action name."""
    return json.loads(row.data) if row.data else {"event": row.type_name, "name": row.action_name}


def _summaries(connection: Connection, senders: list[str], find_markers: MarkerFinder) -> dict[str, Summary]:
    """Return the summaries of some conversations, with the markers their events show."""
    summaries = {sender: Summary(sender) for sender in senders}
    events: dict[str, list[dict[str, Any]]] = {sender: [] for sender in senders}
    for row in _summary_rows(connection, senders):
        event = event_of(row)
        summaries[row.sender_id].add(row, event)
        events[row.sender_id].append(event)
    for sender, summary in summaries.items():
        summary.markers = find_markers(events[sender])
    return summaries


def summarize(connection: Connection, sender_id: str, find_markers: MarkerFinder = no_markers) -> Summary:
    """Return the summary of one conversation."""
    return _summaries(connection, [sender_id], find_markers)[sender_id]


class SummaryCache:
    """Summaries of every conversation, recomputed only for conversations that got new events."""

    CHUNK = 500

    def __init__(self, find_markers: MarkerFinder = no_markers) -> None:
        self._cache: dict[str, tuple[int, Summary]] = {}
        self._lock = threading.Lock()
        self._find_markers = find_markers

    def all(self, connection: Connection) -> list[Summary]:
        """Return a summary of every conversation in the tracker store."""
        if not events_table_exists(connection):
            return []
        newest = dict(
            connection.execute(
                sa.select(EVENTS.c.sender_id, sa.func.max(EVENTS.c.id)).group_by(EVENTS.c.sender_id)
            ).all()
        )
        with self._lock:
            stale = [sender for sender, last_id in newest.items() if self._cache.get(sender, (None,))[0] != last_id]
            for start in range(0, len(stale), self.CHUNK):
                fresh = _summaries(connection, stale[start : start + self.CHUNK], self._find_markers)
                self._cache.update((sender, (newest[sender], summary)) for sender, summary in fresh.items())
            for gone in set(self._cache) - set(newest):
                del self._cache[gone]
            return [self._cache[sender][1] for sender in newest]


def find_sender(connection: Connection, key: str) -> Optional[str]:
    """Return the sender id whose short hash is `key`, if such a conversation exists."""
    if len(key) != KEY_CHARS or not events_table_exists(connection):
        return None
    senders = connection.execute(sa.select(EVENTS.c.sender_id).distinct()).scalars()
    return next((sender for sender in senders if conversation_key(sender) == key), None)


@dataclass
class Turn:
    """One message of a transcript: a person's (redacted) message or a bot reply."""

    event_id: int
    speaker: str  # "user" or "bot"
    timestamp: float
    text: str
    intent: Optional[str] = None
    confidence: Optional[float] = None
    guard_acted: bool = False
    guard_category: Optional[str] = None
    classifier_intent: Optional[str] = None
    buttons: list[str] = field(default_factory=list)
    language: Optional[str] = None  # a reply's language

    @property
    def is_button(self) -> bool:
        """Tell whether the person pressed a button rather than typed."""
        return self.speaker == "user" and is_button(self.text)


def _turn(event_id: int, data: dict[str, Any]) -> Turn:
    """Build a turn from an event's JSON data."""
    timestamp = float(data.get("timestamp") or 0)
    if data.get("event") == "bot":
        buttons = [
            str(b.get("title", "")) for b in ((data.get("data") or {}).get("buttons") or []) if isinstance(b, dict)
        ]
        text = str(data.get("text") or "")
        return Turn(event_id, "bot", timestamp, text, buttons=buttons, language=reply_language(data))
    parse = data.get("parse_data") or {}
    intent = parse.get("intent") or {}
    safety = parse.get("safety") or {}
    return Turn(
        event_id,
        "user",
        timestamp,
        str(data.get("text") or ""),
        intent=intent.get("name"),
        confidence=intent.get("confidence"),
        guard_acted=bool(safety.get("acted")),
        guard_category=safety.get("category"),
        classifier_intent=safety.get("classifier_intent"),
    )


def transcript(connection: Connection, sender_id: str) -> list[Turn]:
    """Return the conversation's messages and replies in order."""
    rows = connection.execute(
        sa.select(EVENTS.c.id, EVENTS.c.data)
        .where(EVENTS.c.sender_id == sender_id, EVENTS.c.type_name.in_(("user", "bot")))
        .order_by(EVENTS.c.id)
    )
    return [_turn(row.id, json.loads(row.data)) for row in rows]


def user_turn(connection: Connection, sender_id: str, event_id: int) -> Optional[Turn]:
    """Return one user message of the conversation, if it is one."""
    row = connection.execute(
        sa.select(EVENTS.c.id, EVENTS.c.data).where(
            EVENTS.c.id == event_id, EVENTS.c.sender_id == sender_id, EVENTS.c.type_name == "user"
        )
    ).first()
    return _turn(row.id, json.loads(row.data)) if row else None


def bot_reply(connection: Connection, sender_id: str, event_id: int) -> Optional[tuple[Turn, Optional[Turn]]]:
    """Return a bot reply of the conversation and the person's last message before it (None: there was none)."""
    message = None
    for turn in transcript(connection, sender_id):
        if turn.event_id == event_id:
            return (turn, message) if turn.speaker == "bot" else None
        if turn.speaker == "user":
            message = turn
    return None
