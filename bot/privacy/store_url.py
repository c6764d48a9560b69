"""The tracker store's database URL, read from an endpoints file as Rasa reads it, without loading Rasa.

The web tier deletes conversations ("Wis gesprek") and the dashboard reads
them; neither needs Rasa, so the few lines of Rasa's endpoint reading they
depend on are repeated here (`${VAR}` expanded from the environment, a host
that is a whole URL used as it is) and a test compares the result with
Rasa's own for every endpoints file in the project.
"""

from __future__ import annotations

import os
import re
from typing import Any, Optional
from urllib.parse import urlsplit

import sqlalchemy as sa
import yaml

from bot.settings import project_path, settings

ENV_VAR = re.compile(r"\$\{(\w+)\}")


def _expand(value: Any) -> Any:
    """Replace every `${VAR}` in the strings of a parsed YAML value by the variable's value; an unset one is an error."""
    if isinstance(value, dict):
        return {key: _expand(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_expand(item) for item in value]
    if not isinstance(value, str):
        return value
    missing = [name for name in ENV_VAR.findall(value) if name not in os.environ]
    if missing:
        raise ValueError(f"set the environment variables {', '.join(missing)} (used in the endpoints file)")
    return ENV_VAR.sub(lambda match: os.environ[match.group(1)], value)


def tracker_store_options(endpoints_file: Optional[str] = None) -> dict[str, Any]:
    """Return the `tracker_store` section of the endpoints file (default: the one in settings.yml), variables expanded."""
    path = project_path(endpoints_file or settings()["rasa"]["endpoints"])
    store = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("tracker_store")
    if not store:
        raise ValueError(f"{path} configures no tracker store")
    return _expand(store)


def tracker_store_url(endpoints_file: Optional[str] = None) -> str:
    """Return the SQLAlchemy URL of the SQL tracker store in the endpoints file, as Rasa's SQLTrackerStore builds it."""
    options = tracker_store_options(endpoints_file)
    dialect = options.get("dialect", "sqlite")
    db = str(options.get("db", "rasa.db"))
    if dialect == "sqlite":
        db = str(project_path(db))
    host, port = options.get("url"), options.get("port")
    if host and "://" in str(host):
        return str(host)
    if host:
        parsed = urlsplit(f"scheme://{host}")
        port, host = parsed.port or port, parsed.hostname or host
    url = sa.engine.URL.create(
        dialect,
        username=options.get("username"),
        password=options.get("password"),
        host=host,
        port=int(port) if port not in (None, "") else None,
        database=options.get("login_db") or db,
        query=options.get("query") or {},
    )
    return url.render_as_string(hide_password=False)
