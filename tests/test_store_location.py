"""The tracker store's URL read without Rasa (bot/store/location.py) is the URL Rasa's own reading gives, for every endpoints file."""

import pytest
from rasa.core.tracker_store import SQLTrackerStore
from rasa.core.utils import AvailableEndpoints

from bot.settings import PROJECT_ROOT, project_path
from bot.store.location import database_url

ENVIRONMENT = {"BOT_DB_HOST": "db.internal", "BOT_DB_PORT": "5433", "BOT_DB_NAME": "hulpwijzer", "BOT_DB_USER": "bot",
               "BOT_DB_PASSWORD": "p@ss:w/rd", "BOT_REDIS_HOST": "127.0.0.1", "BOT_REDIS_PORT": "6379"}


def rasas_url(path: str) -> str:
    """Return the URL as Rasa's SQLTrackerStore builds it from the endpoints file."""
    store = AvailableEndpoints.read_endpoints(str(project_path(path))).tracker_store
    options = store.kwargs
    db = options.get("db", "rasa.db")
    if options.get("dialect", "sqlite") == "sqlite":
        db = str(project_path(db))
    return str(SQLTrackerStore.get_db_url(options.get("dialect", "sqlite"), store.url, options.get("port"), db,
                                          options.get("username"), options.get("password"), options.get("login_db"), options.get("query")))


@pytest.mark.parametrize("path", ["endpoints.yml", "deploy/endpoints.postgres.yml"])
def test_the_same_url_as_rasa(path, monkeypatch):
    for name, value in ENVIRONMENT.items():
        monkeypatch.setenv(name, value)
    assert database_url(path) == rasas_url(path)


def test_every_endpoints_file_of_the_project_is_covered():
    files = sorted(str(path.relative_to(PROJECT_ROOT)) for path in [*PROJECT_ROOT.glob("endpoints*.yml"), *(PROJECT_ROOT / "deploy").glob("endpoints*.yml")])
    assert files == ["deploy/endpoints.postgres.yml", "endpoints.yml"]


def test_an_unset_variable_is_an_error(monkeypatch):
    monkeypatch.delenv("BOT_DB_HOST", raising=False)
    with pytest.raises(ValueError, match="BOT_DB_HOST"):
        database_url("deploy/endpoints.postgres.yml")
