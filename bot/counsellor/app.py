"""The dashboard as a Starlette app, mounted by the web tier at /counsellor."""

from __future__ import annotations

from typing import Any, Optional

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response

from bot.counsellor.i18n import _
from bot.counsellor.switch import LanguageSwitch
from bot.counsellor.views import BASE, POLICY, Dashboard
from bot.response_headers import ResponseHeaders
from bot.store.database import Database

__all__ = ["BASE", "create_dashboard"]
# Every page and file of the dashboard: no scripts, nothing cached, nothing framed, no referrer.
HEADERS = (
    ("content-security-policy", POLICY),
    ("cache-control", "no-store"),
    ("cross-origin-resource-policy", "same-origin"),
    ("x-content-type-options", "nosniff"),
    ("referrer-policy", "no-referrer"),
    ("x-frame-options", "DENY"),
)


def create_dashboard(config: dict[str, Any], key: bytes, database: Optional[Database] = None) -> Starlette:
    """Build the dashboard over the tracker store's database (from the config's endpoints file) or `database`."""
    dashboard = Dashboard(config, key, database or Database(endpoints_file=config["rasa"]["endpoints"]))

    async def not_found(request: Request, exc: Exception) -> Response:
        return dashboard.error(404, _("This page does not exist."))

    async def method_not_allowed(request: Request, exc: Exception) -> Response:
        return dashboard.error(405, _("This page cannot be used that way."))

    async def server_error(request: Request, exc: Exception) -> Response:
        return dashboard.error(500, _("Something went wrong."))

    return Starlette(
        routes=dashboard.routes(),
        middleware=[
            Middleware(ResponseHeaders, headers_for=lambda scope: HEADERS, override=True),
            Middleware(LanguageSwitch, cookie=dashboard.cookie + "_lang", path=BASE),
        ],
        exception_handlers={404: not_found, 405: method_not_allowed, 500: server_error},
    )
