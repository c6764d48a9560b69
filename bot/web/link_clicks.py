"""POST /api/conversations/{id}/link-opened: the widget reports that a help line card's link was opened.

Only the conversation id, the line, the kind of link and the route are kept:
no address, no browser, no page; see "What the funnel counts" in the README.
"""

from __future__ import annotations

from typing import Optional

import sqlalchemy as sa
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse

from bot.knowledge import helplines
from bot.store.cards import cards_shown
from bot.store.database import Database
from bot.store.link_clicks import record_click
from bot.store.models import LINK_KINDS
from bot.web.cards import actions_of
from bot.web.chat import ChatAPI, ChatError, parse_json, read_limited

# A card action's kind (bot/web/cards.py) and the kind of link the widget reports for it.
REPORTED_KIND = {"call": "phone", "chat": "chat", "web": "website"}


def link_kinds(line_id: str) -> set[str]:
    """Return the kinds of link the line's card offers (phone, chat, website)."""
    main, more = actions_of(helplines()[line_id])
    return {REPORTED_KIND[action["kind"]] for action in main + more}


def store_click(database: Database, conversation_id: str, helpline: str, kind: str) -> Optional[bool]:
    """Record the click if the conversation was shown the line's card; None when it was not, else whether it was new."""
    with database.session() as db:
        connection = db.connection()
        shown = [card for card in cards_shown(connection, senders=[conversation_id]) if card.line == helpline]
        if not shown:
            return None
        return record_click(connection, conversation_id, helpline, kind, shown[-1].route)


class LinkClickAPI:
    """The link-opened endpoint: the chat API's signed ids, JSON errors and rate limits."""

    def __init__(self, chat: ChatAPI, database: Database) -> None:
        self.chat, self.database = chat, database

    async def link_opened(self, request: Request) -> JSONResponse:
        """Check the report and store it; say whether it was the conversation's first for that link."""
        try:
            conversation_id = request.path_params["conversation_id"]
            if not self.chat.ids.is_valid(conversation_id):
                raise ChatError(404, "unknown_conversation", "This conversation does not exist.")
            helpline, kind = await self._read_report(request)
            limits = self.chat.limits
            if not limits.per_client.allow(self.chat.client_key(request)) or not limits.per_conversation.allow(
                conversation_id
            ):
                raise ChatError(429, "rate_limited", "Too many requests; wait a moment.")
            try:
                recorded = await run_in_threadpool(store_click, self.database, conversation_id, helpline, kind)
            except sa.exc.SQLAlchemyError:
                raise ChatError(503, "store_unavailable", "The click could not be stored right now.") from None
            if recorded is None:
                raise ChatError(422, "not_shown", "This conversation was not shown that help line.")
            return JSONResponse({"recorded": recorded})
        except ChatError as error:
            return error.response()

    async def _read_report(self, request: Request) -> tuple[str, str]:
        """Return the help line id and the kind of link from a JSON body, or raise ChatError."""
        if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
            raise ChatError(415, "unsupported_media_type", "Send JSON (Content-Type: application/json).")
        data = parse_json(await read_limited(request, self.chat.config["max_body_bytes"]))
        if not isinstance(data, dict) or set(data) != {"helpline", "kind"}:
            raise ChatError(422, "invalid_body", 'Send {"helpline": "...", "kind": "phone", "chat" or "website"}.')
        helpline, kind = data["helpline"], data["kind"]
        if not isinstance(helpline, str) or helpline not in helplines():
            raise ChatError(422, "unknown_helpline", "Unknown help line.")
        if kind not in LINK_KINDS or kind not in link_kinds(helpline):
            raise ChatError(422, "invalid_kind", "This help line has no link of that kind.")
        return helpline, kind
