"""An ASGI middleware that adds headers to every HTTP response: the web tier's and the dashboard's security headers."""

from __future__ import annotations

from typing import Callable, Sequence

from starlette.types import ASGIApp, Message, Receive, Scope, Send

HeadersFor = Callable[[Scope], Sequence[tuple[str, str]]]


class ResponseHeaders:
    """Add the headers `headers_for(scope)` names to each HTTP response; with `override`, in place of the app's own."""

    def __init__(self, app: ASGIApp, headers_for: HeadersFor, override: bool = False) -> None:
        self.app, self.headers_for, self.override = app, headers_for, override

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Wrap `send` to add the headers."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        wanted = [(name.encode(), value.encode()) for name, value in self.headers_for(scope)]

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                existing = list(message.get("headers", []))
                kept_names = {name.lower() for name, _ in wanted} if self.override else set()
                present = {name.lower() for name, _ in existing} - kept_names
                kept = [(name, value) for name, value in existing if name.lower() not in kept_names]
                message["headers"] = kept + [(name, value) for name, value in wanted if name not in present]
            await send(message)

        await self.app(scope, receive, send_with_headers)
