"""'Wis gesprek' on the server: a person deletes their own conversation from the tracker store and the dashboard."""

from __future__ import annotations

import sqlalchemy as sa
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse

from bot.store.database import Database
from bot.store.deletion import delete_conversations
from bot.web.chat import ChatAPI, ChatError, parse_json, read_limited


def erase(database: Database, conversation_id: str) -> int:
    """Delete a conversation's events and what counsellors added to it (notes, tags, review, corrections); return the events deleted."""
    with database.session() as db:
        return delete_conversations(db.connection(), [conversation_id])


class EraseAPI:
    """DELETE /api/conversations/{id}: the same signed ids, JSON errors and rate limits as the chat API."""

    def __init__(self, chat: ChatAPI, database: Database) -> None:
        self.chat, self.database = chat, database

    async def delete_conversation(self, request: Request) -> JSONResponse:
        """Delete the conversation on the server and say how many stored events went."""
        try:
            conversation_id = request.path_params["conversation_id"]
            if not self.chat.ids.is_valid(conversation_id):
                raise ChatError(404, "unknown_conversation", "This conversation does not exist.")
            await self._check_body(request)
            limits = self.chat.limits
            if not limits.per_client.allow(self.chat.client_key(request)) or not limits.per_conversation.allow(
                conversation_id
            ):
                raise ChatError(429, "rate_limited", "Too many requests; wait a moment.")
            try:
                events = await run_in_threadpool(erase, self.database, conversation_id)
            except sa.exc.SQLAlchemyError:
                raise ChatError(
                    503, "store_unavailable", "The conversation could not be deleted right now; try again."
                ) from None
            if not events:
                raise ChatError(404, "unknown_conversation", "Nothing of this conversation is stored.")
            return JSONResponse({"deleted": True, "events": events})
        except ChatError as error:
            return error.response()

    async def _check_body(self, request: Request) -> None:
        """Accept no body or an empty JSON object; refuse anything else with the chat API's errors."""
        body = await read_limited(request, self.chat.config["max_body_bytes"])
        if not body.strip():
            return
        if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
            raise ChatError(415, "unsupported_media_type", "Send JSON (Content-Type: application/json), or no body.")
        if parse_json(body) != {}:
            raise ChatError(422, "invalid_body", "Send no body, or {}.")
