"""The language switch: ?lang=nl or ?lang=en chooses the interface's language, remembered for the browser session."""

from __future__ import annotations

from typing import Optional
from urllib.parse import urlencode

from starlette.datastructures import QueryParams
from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.counsellor import i18n

PARAMETER = "lang"


def switch_url(path: str, query: QueryParams, language: str) -> str:
    """Return the address of this page (with its filters) in another language."""
    values = [(name, value) for name, value in query.multi_items() if name != PARAMETER]
    return f"{path}?{urlencode([*values, (PARAMETER, language)])}"


class LanguageSwitch:
    """Set the request's language from ?lang= or the language cookie, and remember a ?lang= choice in the cookie."""

    def __init__(self, app: ASGIApp, cookie: str, path: str) -> None:
        self.app, self.cookie, self.path = app, cookie, path

    def _cookie_header(self, language: str) -> bytes:
        """Return a Set-Cookie value for the choice (one of i18n.UI_LANGUAGES): a session cookie, Secure, HttpOnly."""
        return f"{self.cookie}={language}; Path={self.path}; Secure; HttpOnly; SameSite=strict".encode("latin-1")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Run the request in the chosen language."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        connection = HTTPConnection(scope)
        chosen: Optional[str] = i18n.valid(connection.query_params.get(PARAMETER))
        token = i18n.request(chosen or i18n.valid(connection.cookies.get(self.cookie)))

        async def remember(message: Message) -> None:
            if message["type"] == "http.response.start" and chosen:
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"set-cookie", self._cookie_header(chosen))]
            await send(message)

        try:
            await self.app(scope, receive, remember)
        finally:
            i18n.reset(token)
