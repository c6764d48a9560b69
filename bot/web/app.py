"""The ASGI app of the web tier (Starlette, served by uvicorn)."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any, AsyncIterator, Optional

import httpx
import yaml
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

from bot.counsellor.app import BASE as COUNSELLOR
from bot.counsellor.app import create_dashboard
from bot.domain import button_payloads
from bot.rate_limit import RateLimiter
from bot.response_headers import HeadersFor, ResponseHeaders
from bot.settings import rasa_urls, settings
from bot.store.database import Database
from bot.web.chat import ChatAPI, ChatError, ChatLimits, RasaServers
from bot.web.erase import EraseAPI
from bot.web.link_clicks import LinkClickAPI
from bot.web.links import links_in
from bot.web.secret import web_secret

HERE = Path(__file__).resolve().parent
PAGES = {"/": HERE / "pages" / "index.html", "/en": HERE / "pages" / "en.html"}


def security_headers(frame_ancestors: list[str]) -> HeadersFor:
    """Return the headers of each response of the web tier by its path (the dashboard sets its own)."""
    ancestors = " ".join(frame_ancestors) or "'none'"
    page_policy = (
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; "
        f"base-uri 'none'; form-action 'none'; frame-ancestors {ancestors}"
    )

    def headers_for(scope: Scope) -> list[tuple[str, str]]:
        path = scope["path"]
        is_asset = path.startswith("/static/") or path == "/widget.js"
        return [
            ("content-security-policy", page_policy if path in PAGES else "default-src 'none'; frame-ancestors 'none'"),
            ("x-content-type-options", "nosniff"),
            ("referrer-policy", "no-referrer"),
            ("permissions-policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()"),
            ("cross-origin-resource-policy", "cross-origin" if is_asset else "same-origin"),
            ("cache-control", "no-store" if path.startswith("/api/") else "public, max-age=300"),
        ]

    return headers_for


def create_app(
    config: Optional[dict[str, Any]] = None,
    rasa_transport: Optional[httpx.AsyncBaseTransport] = None,
    database: Optional[Database] = None,
) -> Starlette:
    """Build the web tier from the settings (tests pass a transport that stands in for Rasa, and a database)."""
    config = config or settings()
    web, rasa = config["web"], config["rasa"]
    key = web_secret(web["id_secret_env"], web["id_secret_file"])
    limits = ChatLimits(
        per_conversation=RateLimiter(
            web["rate_limit"]["per_conversation"]["messages"], web["rate_limit"]["per_conversation"]["per_seconds"]
        ),
        per_client=RateLimiter(
            web["rate_limit"]["per_client"]["messages"], web["rate_limit"]["per_client"]["per_seconds"]
        ),
        new_conversations=RateLimiter(
            web["rate_limit"]["new_conversations_per_client"]["messages"],
            web["rate_limit"]["new_conversations_per_client"]["per_seconds"],
        ),
    )
    servers = RasaServers(
        [f"{url}/webhooks/rest/webhook" for url in rasa_urls(rasa)], rasa["routing"], web["failover_retry_seconds"]
    )
    chat = ChatAPI(web, servers, key, set(button_payloads()) | set(web["widget_payloads"]), limits)
    database = database or Database(endpoints_file=rasa["endpoints"])  # the tracker store's, shared with the dashboard
    eraser = EraseAPI(chat, database)
    clicks = LinkClickAPI(chat, database)
    labels = yaml.safe_load((HERE / "widget_text.yml").read_text(encoding="utf-8"))
    widget_config = {
        "exit_url": web["exit_url"],
        "max_message_chars": web["max_message_chars"],
        "text": labels,
        "error_links": {
            language: links_in(text["error"]) for language, text in labels.items()
        },  # 113 and 112 as tel: links
    }

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with httpx.AsyncClient(timeout=web["rasa_timeout_seconds"], transport=rasa_transport) as client:
            chat.http = client
            try:
                yield
            finally:
                database.dispose()

    async def page(request: Request) -> Response:
        return FileResponse(PAGES[request.url.path], media_type="text/html; charset=utf-8")

    async def widget_script(request: Request) -> Response:
        return FileResponse(HERE / "static" / "widget.js", media_type="text/javascript; charset=utf-8")

    async def widget_settings(request: Request) -> Response:
        return JSONResponse(widget_config)

    async def not_found(request: Request, exc: Exception) -> Response:
        return ChatError(404, "not_found", "Not found.").response()

    async def server_error(request: Request, exc: Exception) -> Response:
        return ChatError(500, "internal_error", "Something went wrong.").response()

    async def method_not_allowed(request: Request, exc: Exception) -> Response:
        return ChatError(405, "method_not_allowed", "Method not allowed.").response()

    origins = sorted({web["public_url"].rstrip("/"), *web["allowed_origins"]})
    return Starlette(
        routes=[
            Route("/", page),
            Route("/en", page),
            Route("/widget.js", widget_script),
            Route("/api/widget", widget_settings),
            Route("/api/conversations", chat.create_conversation, methods=["POST"]),
            Route("/api/conversations/{conversation_id}", eraser.delete_conversation, methods=["DELETE"]),
            Route("/api/conversations/{conversation_id}/messages", chat.post_message, methods=["POST"]),
            Route("/api/conversations/{conversation_id}/link-opened", clicks.link_opened, methods=["POST"]),
            Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
            Mount(COUNSELLOR, app=create_dashboard(config, key, database)),
        ],
        middleware=[
            Middleware(ResponseHeaders, headers_for=security_headers(web["frame_ancestors"])),
            Middleware(
                CORSMiddleware,
                allow_origins=origins,
                allow_methods=["GET", "POST", "DELETE"],
                allow_headers=["Content-Type"],
            ),
        ],
        exception_handlers={404: not_found, 405: method_not_allowed, 500: server_error},
        lifespan=lifespan,
    )


app = create_app()
