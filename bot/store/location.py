"""Where the conversations are stored: the SQL tracker store's URL, read from Rasa's endpoints file."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any, Optional

import sqlalchemy as sa
import yaml

from bot.settings import project_path, settings

ENVIRONMENT_VARIABLE = re.compile(r"\$\{([^}]+)\}")


def _expanded(value: Any, path: Path) -> Any:
    """Replace ${NAME} in a string value by the environment variable, as Rasa does when it reads the file."""
    if not isinstance(value, str):
        return value

    def variable(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in os.environ:
            raise ValueError(f"{path} uses ${{{name}}}, which is not set in the environment")
        return os.environ[name]

    return ENVIRONMENT_VARIABLE.sub(variable, value)


def tracker_store_options(endpoints_file: Optional[str] = None) -> dict[str, Any]:
    """Return the tracker store section of the endpoints file, environment variables filled in."""
    path = project_path(endpoints_file or settings()["rasa"]["endpoints"])
    content = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    store = content.get("tracker_store")
    if not isinstance(store, dict):
        raise ValueError(f"{path} configures no tracker store")
    return {key: _expanded(value, path) for key, value in store.items()}


def database_url(endpoints_file: Optional[str] = None) -> str:
    """Return the SQLAlchemy URL of the tracker store's database, built as Rasa's SQLTrackerStore builds it."""
    options = tracker_store_options(endpoints_file)
    dialect = options.get("dialect") or "sqlite"
    host, port = options.get("url"), options.get("port")
    database = options.get("login_db") or options.get("db") or "rasa.db"
    if dialect == "sqlite":
        database = str(project_path(database))
    if host and "://" in host:
        return str(host)
    if host:
        parsed = sa.engine.make_url(f"scheme://{host}")
        host, port = parsed.host or host, parsed.port or port
    return str(
        sa.engine.URL.create(
            dialect,
            options.get("username"),
            options.get("password"),
            host,
            int(port) if port is not None and port != "" else None,
            database,
            options.get("query") or {},
        )
    )
