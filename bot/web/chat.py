"""The chat API: server-made conversation ids, checked input, replies forwarded from Rasa."""

from __future__ import annotations

import hashlib
import itertools
import json
import re
import time
import unicodedata
from dataclasses import dataclass
from typing import Any, Callable, Optional

import httpx
from starlette.requests import Request
from starlette.responses import JSONResponse

from bot.constants import LANGUAGES
from bot.language import METADATA_KEY
from bot.rate_limit import RateLimiter, client_key
from bot.web.cards import card_from
from bot.web.conversation_ids import ConversationIds
from bot.web.links import links_in

PAYLOAD = re.compile(r"^/[a-z_]{1,40}$")
# Failures after which a message was certainly not handled, so another Rasa server may take it
# (the tracker store is shared); a timeout or an error answer is not retried, as it may have been.
NOT_DELIVERED = (httpx.ConnectError, httpx.ConnectTimeout, httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError)


class ChatError(Exception):
    """An error answered to the client as JSON, with a status code."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message

    def response(self) -> JSONResponse:
        """Return the error as a JSON response."""
        return JSONResponse({"error": {"code": self.code, "message": self.message}}, status_code=self.status)


LEADING_SLASHES = re.compile(r"^[\s/]+")


def parse_json(body: bytes) -> Any:
    """Decode a JSON body, or raise the API's 400 (bad JSON, bad encoding, lone surrogates, nesting too deep)."""
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise ChatError(400, "invalid_json", "The body is not valid JSON.") from None


async def read_limited(request: Request, max_bytes: int) -> bytes:
    """Return the request body, refusing it as soon as it is larger than `max_bytes` (no whole read first)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise ChatError(413, "body_too_large", "The request is too large.")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > max_bytes:
            raise ChatError(413, "body_too_large", "The request is too large.")
    return bytes(body)


def clean_text(text: str, max_chars: int) -> str:
    """Refuse text that is not valid Unicode; remove control characters and every leading "/" and space (typed text is never an intent); check length."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise ChatError(422, "invalid_text", "The text is not valid Unicode.") from None
    cleaned = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch)[0] != "C").strip()
    cleaned = LEADING_SLASHES.sub("", cleaned)
    if not cleaned:
        raise ChatError(422, "empty_message", "The message is empty.")
    if len(cleaned) > max_chars:
        raise ChatError(422, "message_too_long", f"The message is longer than {max_chars} characters.")
    return cleaned


class RasaServers:
    """The REST webhooks of the Rasa servers, and which one a message goes to.

    "sticky" sends every message of a conversation to the same server (safe with
    each server's own lock store), chosen by a hash of its id; new ids are drawn
    so that new conversations go to the servers in turn. "round_robin" spreads
    every message (needs a shared lock store such as Redis, see
    deploy/endpoints.postgres.yml).
    """

    def __init__(
        self,
        webhooks: list[str],
        routing: str = "sticky",
        retry_after: float = 10.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if not webhooks or routing not in {"sticky", "round_robin"}:
            raise ValueError(f"need at least one webhook and routing sticky or round_robin, not {routing!r}")
        self.webhooks, self.routing, self.retry_after, self.clock = webhooks, routing, retry_after, clock
        self._next = itertools.cycle(webhooks)
        self._next_home = itertools.cycle(range(len(webhooks)))
        self._down_until: dict[str, float] = {}

    def home(self, conversation_id: str) -> int:
        """Return the number of the server a conversation sticks to (a hash of its id)."""
        digest = hashlib.sha256(conversation_id.encode()).digest()
        return int.from_bytes(digest[:8], "big") % len(self.webhooks)

    def next_home(self) -> Callable[[str], bool]:
        """Return a test for new conversation ids that gives the live servers new conversations in turn."""
        for _ in self.webhooks:
            wanted = next(self._next_home)
            if self.is_live(self.webhooks[wanted]):
                break
        return lambda conversation_id: self.home(conversation_id) == wanted

    def for_conversation(self, conversation_id: str) -> str:
        """Return the webhook for the next message of the conversation."""
        if self.routing == "round_robin":
            return next(self._next)
        return self.webhooks[self.home(conversation_id)]

    def candidates(self, conversation_id: str) -> list[str]:
        """Return the webhooks to try for a message, in order: its own server, then the others; live ones only while any is."""
        first = self.for_conversation(conversation_id)
        ordered = [first] + [webhook for webhook in self.webhooks if webhook != first]
        return [webhook for webhook in ordered if self.is_live(webhook)] or ordered

    def is_live(self, webhook: str) -> bool:
        """Return whether a server is not marked down."""
        return self._down_until.get(webhook, 0.0) <= self.clock()

    def mark_down(self, webhook: str) -> None:
        """Send no conversation to a server for `retry_after` seconds (it did not take a message)."""
        self._down_until[webhook] = self.clock() + self.retry_after

    def mark_up(self, webhook: str) -> None:
        """Take a server back as soon as it answers."""
        self._down_until.pop(webhook, None)


@dataclass(frozen=True)
class Message:
    """A checked message: typed text or a button payload, and the language of the page it came from."""

    text: str
    language: Optional[str] = None


@dataclass
class ChatLimits:
    """The rate limiters of the chat API."""

    per_conversation: RateLimiter
    per_client: RateLimiter
    new_conversations: RateLimiter


class ChatAPI:
    """Create conversations and pass messages to Rasa's REST channel on loopback."""

    def __init__(
        self, config: dict[str, Any], servers: RasaServers, key: bytes, payloads: set[str], limits: ChatLimits
    ) -> None:
        self.config, self.servers, self.payloads, self.limits = config, servers, payloads, limits
        self.ids = ConversationIds(key)
        self._client_key = key
        self.http: Optional[httpx.AsyncClient] = None

    def client_key(self, request: Request) -> str:
        """Return the keyed hash of the client address that the rate limits count by."""
        return client_key(request, self._client_key)

    async def create_conversation(self, request: Request) -> JSONResponse:
        """Start a conversation and return its id."""
        if not self.limits.new_conversations.allow(self.client_key(request)):
            return ChatError(429, "rate_limited", "Too many new conversations; try again later.").response()
        return JSONResponse({"conversation_id": self.ids.new(self.servers.next_home())}, status_code=201)

    async def post_message(self, request: Request) -> JSONResponse:
        """Check a message, pass it to Rasa and return the replies."""
        try:
            conversation_id = request.path_params["conversation_id"]
            if not self.ids.is_valid(conversation_id):
                raise ChatError(404, "unknown_conversation", "This conversation does not exist.")
            message = await self._read_message(request)
            if not self.limits.per_client.allow(self.client_key(request)) or not self.limits.per_conversation.allow(
                conversation_id
            ):
                raise ChatError(429, "rate_limited", "Too many messages; wait a moment.")
            return JSONResponse({"replies": await self._ask_rasa(conversation_id, message)})
        except ChatError as error:
            return error.response()

    async def _read_message(self, request: Request) -> Message:
        """Return the message text or button payload, and the page's language if given, from a JSON body, or raise ChatError."""
        if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
            raise ChatError(415, "unsupported_media_type", "Send JSON (Content-Type: application/json).")
        data = parse_json(await read_limited(request, self.config["max_body_bytes"]))
        if (
            not isinstance(data, dict)
            or set(data) - {"text", "payload", "language"}
            or len(set(data) & {"text", "payload"}) != 1
        ):
            raise ChatError(
                422,
                "invalid_body",
                'Send {"text": "..."} or {"payload": "/..."}, optionally with "language": "nl" or "en".',
            )
        language = data.get("language")
        if "language" in data and language not in LANGUAGES:
            raise ChatError(422, "invalid_language", 'The language is "nl" or "en".')
        if "payload" in data:
            payload = data["payload"]
            if not isinstance(payload, str) or not PAYLOAD.match(payload) or payload not in self.payloads:
                raise ChatError(422, "invalid_payload", "Unknown button.")
            return Message(payload, language)
        if not isinstance(data["text"], str):
            raise ChatError(422, "invalid_text", "The text must be a string.")
        return Message(clean_text(data["text"], self.config["max_message_chars"]), language)

    async def _ask_rasa(self, conversation_id: str, message: Message) -> list[dict[str, Any]]:
        """Forward the message to Rasa and return the replies in the widget's shape."""
        assert self.http is not None
        body: dict[str, Any] = {"sender": conversation_id, "message": message.text}
        if message.language:
            body["metadata"] = {METADATA_KEY: message.language}  # the bot's hint while the text gives no language
        for webhook in self.servers.candidates(conversation_id):
            try:
                response = await self.http.post(webhook, json=body)
            except NOT_DELIVERED:
                self.servers.mark_down(webhook)  # the message did not get through: the next server takes it
                continue
            except httpx.HTTPError:
                break
            self.servers.mark_up(webhook)
            try:
                response.raise_for_status()
                messages = response.json()
            except (httpx.HTTPError, ValueError):
                break
            return self._replies(messages if isinstance(messages, list) else [])
        raise ChatError(502, "bot_unavailable", "The chatbot cannot answer right now.")

    def _replies(self, messages: list[Any]) -> list[dict[str, Any]]:
        """Return the text replies in the widget's shape; a help line card payload joins the text sent just before it."""
        replies: list[dict[str, Any]] = []
        for message in messages:
            if not isinstance(message, dict):
                continue
            if isinstance(message.get("text"), str):
                replies.append(self._reply(message))
                continue
            card = card_from(message.get("custom"))
            if card and replies and "card" not in replies[-1]:
                replies[-1]["card"] = card
        return replies

    def _reply(self, message: dict[str, Any]) -> dict[str, Any]:
        """Keep a reply's text, its known links and its known buttons."""
        buttons = [
            {"title": str(b.get("title", "")), "payload": b["payload"]}
            for b in message.get("buttons") or []
            if isinstance(b, dict) and b.get("payload") in self.payloads
        ]
        return {"text": message["text"], "links": links_in(message["text"]), "buttons": buttons}
