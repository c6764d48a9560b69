"""Logging in and out: passwords, lock-out, sessions, cookies, CSRF, roles and the security headers."""

from __future__ import annotations

import io
import subprocess
import sys
from datetime import timedelta

import pytest
import sqlalchemy as sa
from argon2 import Type
from argon2.profiles import RFC_9106_LOW_MEMORY
from starlette.testclient import TestClient

from bot.cli import main
from bot.counsellor import accounts
from bot.settings import PROJECT_ROOT, settings
from bot.store.models import AuditEntry, LoginFailure, Session
from bot.web.app import create_app
from tests.support.counsellor import PASSWORD, csrf_token, log_in

LOGIN = settings()["counsellor"]["login"]
REAL_HASHER = accounts.HASHER  # taken before the quick_hashes fixture replaces it
KEY = "7b2ab53ec1aa52a8d5f7ea2b"  # any conversation key: the checks come before the lookup
GET_PAGES = ["/counsellor/", f"/counsellor/conversations/{KEY}", "/counsellor/corrections", "/counsellor/overview",
             "/counsellor/accounts", "/counsellor/audit"]
POSTS = ["/counsellor/logout", f"/counsellor/conversations/{KEY}/notes", f"/counsellor/conversations/{KEY}/tags",
         f"/counsellor/conversations/{KEY}/tags/remove", f"/counsellor/conversations/{KEY}/review",
         f"/counsellor/conversations/{KEY}/turns/1/misunderstood", f"/counsellor/conversations/{KEY}/turns/1/unmark",
         f"/counsellor/conversations/{KEY}/delete", "/counsellor/export", "/counsellor/accounts/1/active"]
ADMIN_ONLY = ["/counsellor/accounts", "/counsellor/audit"]
ADMIN_POSTS = [f"/counsellor/conversations/{KEY}/delete", "/counsellor/accounts/1/active"]


def session_rows(database) -> list[Session]:
    with database.session() as db:
        return list(db.execute(sa.select(Session)).scalars())


def test_passwords_are_checked_against_argon2id_hashes(database, make_account):
    make_account("carla")
    with database.session() as db:
        assert accounts.authenticate(db, "carla", PASSWORD) is not None
        assert accounts.authenticate(db, "carla", PASSWORD + "x") is None
        assert accounts.authenticate(db, "nobody", PASSWORD) is None
        accounts.set_active(accounts.find(db, "carla"), False)
    with database.session() as db:
        assert accounts.authenticate(db, "carla", PASSWORD) is None


@pytest.mark.parametrize("username, password", [("Bad Name", PASSWORD), ("ok", "short")])
def test_weak_passwords_and_odd_names_are_refused(database, username, password):
    with pytest.raises(accounts.AccountError), database.session() as db:
        accounts.create(db, username, "counsellor", password, settings()["counsellor"]["min_password_length"])


def test_hashes_use_argon2id_with_the_rfc_9106_low_memory_parameters():
    hasher = REAL_HASHER  # the tests' own accounts use a cheaper one (see conftest.py)
    assert hasher.type is Type.ID
    assert (hasher.time_cost, hasher.memory_cost, hasher.parallelism) == (
        RFC_9106_LOW_MEMORY.time_cost, RFC_9106_LOW_MEMORY.memory_cost, RFC_9106_LOW_MEMORY.parallelism)
    assert hasher.hash("x").startswith("$argon2id$")


def counsellor_command(endpoints, *args: str) -> int:
    """Run `python -m bot counsellor ...` in this process."""
    return main(["counsellor", "--endpoints", str(endpoints), *args])


def test_the_command_line_generates_a_password_and_prints_it_once(endpoints, client):
    made = subprocess.run([sys.executable, "-m", "bot", "counsellor", "--endpoints", str(endpoints), "add", "gert",
                           "--role", "admin", "--generate-password"], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120)
    assert made.returncode == 0, made.stderr
    password = made.stdout.split("password: ")[1].strip()
    assert len(password) >= 20
    assert log_in(client, "gert", password).status_code == 303


def test_the_command_line_asks_for_a_password_when_none_is_given(endpoints, client, monkeypatch, capsys):
    asked = []
    monkeypatch.setattr("getpass.getpass", lambda prompt: asked.append(prompt) or "a long enough secret")
    assert counsellor_command(endpoints, "add", "ivo", "--role", "counsellor") == 0
    assert len(asked) == 2 and "a long enough secret" not in capsys.readouterr().out
    assert log_in(client, "ivo", "a long enough secret").status_code == 303
    answers = iter(["one long password", "another long one"])
    monkeypatch.setattr("getpass.getpass", lambda prompt: next(answers))
    assert counsellor_command(endpoints, "add", "jan", "--role", "counsellor") == 2


def test_the_command_line_manages_accounts(endpoints, client, monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO("too short\n"))
    assert counsellor_command(endpoints, "add", "hanna", "--role", "counsellor", "--password-stdin") == 2
    assert "at least" in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert counsellor_command(endpoints, "add", "hanna", "--role", "counsellor", "--password-stdin") == 0
    assert counsellor_command(endpoints, "list") == 0
    assert "hanna\tcounsellor\tactive" in capsys.readouterr().out
    assert log_in(client, "hanna").status_code == 303
    assert counsellor_command(endpoints, "disable", "hanna") == 0
    assert client.get("/counsellor/", follow_redirects=False).status_code == 303  # disabling ended the session
    assert log_in(client, "hanna").status_code == 401
    assert counsellor_command(endpoints, "enable", "hanna") == 0
    assert counsellor_command(endpoints, "set-password", "hanna", "--generate-password") == 0
    new_password = capsys.readouterr().out.split("password: ")[1].strip()
    assert log_in(client, "hanna").status_code == 401 and log_in(client, "hanna", new_password).status_code == 303
    assert counsellor_command(endpoints, "delete", "hanna") == 0
    assert counsellor_command(endpoints, "delete", "hanna") == 2


def test_login_sets_a_strict_session_cookie_and_logout_ends_it(client, make_account, database):
    make_account("carla")
    login_page = client.get("/counsellor/login")
    assert "hw_counsellor_login=" in login_page.headers["set-cookie"]
    response = log_in(client, "carla")
    assert response.status_code == 303 and response.headers["location"] == "/counsellor/"
    cookie = next(value for value in response.headers.get_list("set-cookie") if value.startswith("hw_counsellor="))
    token = cookie.split(";")[0].split("=", 1)[1]
    for attribute in ("Secure", "HttpOnly", "SameSite=strict", "Path=/counsellor"):
        assert attribute.lower() in cookie.lower()
    assert token not in {row.token_hash for row in session_rows(database)}  # only the hash is stored
    page = client.get("/counsellor/")
    assert page.status_code == 200 and "carla" in page.text
    assert client.post("/counsellor/logout", data={"csrf": csrf_token(page.text)}, follow_redirects=False).status_code == 303
    assert session_rows(database) == []
    client.cookies.set("hw_counsellor", token, domain="testserver.local", path="/counsellor")
    assert client.get("/counsellor/", follow_redirects=False).status_code == 303


def test_each_login_starts_a_new_session(client, make_account, database):
    make_account("carla")
    log_in(client, "carla")
    first = client.cookies.get("hw_counsellor")
    log_in(client, "carla")
    second = client.cookies.get("hw_counsellor")
    assert first != second and len(session_rows(database)) == 1


def test_wrong_passwords_get_one_generic_message(client, make_account):
    make_account("carla")
    wrong, unknown = log_in(client, "carla", "not the password"), log_in(client, "nobody", "not the password")
    assert wrong.status_code == unknown.status_code == 401
    message = "De gebruikersnaam of het wachtwoord klopt niet, of het account is uitgeschakeld."
    assert message in wrong.text and message in unknown.text


def test_login_form_needs_its_csrf_token(client, make_account):
    make_account("carla")
    client.get("/counsellor/login")
    response = client.post("/counsellor/login", data={"username": "carla", "password": PASSWORD, "csrf": "forged"})
    assert response.status_code == 403


def test_a_username_is_locked_after_repeated_failures(client, make_account, database):
    make_account("carla")
    codes = [log_in(client, "carla", f"guess {n}").status_code for n in range(LOGIN["max_failures_per_user"])]
    assert codes == [401] * LOGIN["max_failures_per_user"]
    locked = log_in(client, "carla")  # even the right password is refused while locked
    assert locked.status_code == 423 and int(locked.headers["retry-after"]) == 60 * LOGIN["lockout_minutes"]
    with database.session() as db:  # the lock-out ends: move the failures back in time
        db.execute(sa.update(LoginFailure).values(failed_at=LoginFailure.failed_at - timedelta(minutes=LOGIN["lockout_minutes"] + 1)))
    assert log_in(client, "carla").status_code == 303
    with database.session() as db:
        actions = list(db.execute(sa.select(AuditEntry.action)).scalars())
    assert actions.count("login_failed") == LOGIN["max_failures_per_user"] and "login" in actions


def test_a_client_address_is_locked_after_failures_on_many_names(config, make_account):
    make_account("carla")
    config["counsellor"]["login"] = {**LOGIN, "max_failures_per_client": 3, "max_failures_per_user": 10}
    with TestClient(create_app(config), base_url="https://testserver") as client:
        assert [log_in(client, f"name{n}", "x").status_code for n in range(3)] == [401, 401, 401]
        assert log_in(client, "carla").status_code == 429


def test_login_attempts_are_rate_limited(config, make_account):
    make_account("carla")
    config["counsellor"]["login"] = {**LOGIN, "attempts_per_minute": 2}
    with TestClient(create_app(config), base_url="https://testserver") as client:
        assert [log_in(client, "carla", "x").status_code for _ in range(3)] == [401, 401, 429]


def age_sessions(database, **changes: timedelta) -> None:
    with database.session() as db:
        for row in db.execute(sa.select(Session)).scalars():
            for column, delta in changes.items():
                setattr(row, column, getattr(row, column) - delta)


def test_a_session_ends_after_the_idle_timeout(counsellor, database):
    idle = settings()["counsellor"]["idle_timeout_minutes"]
    age_sessions(database, last_seen_at=timedelta(minutes=idle - 1), created_at=timedelta(minutes=idle - 1))
    assert counsellor.get("/counsellor/", follow_redirects=False).status_code == 200  # activity keeps it alive
    age_sessions(database, last_seen_at=timedelta(minutes=idle + 1))
    response = counsellor.get("/counsellor/", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/counsellor/login"
    assert session_rows(database) == []


def test_a_session_ends_after_its_absolute_lifetime_even_when_active(counsellor, database):
    lifetime = settings()["counsellor"]["absolute_lifetime_hours"]
    age_sessions(database, created_at=timedelta(hours=lifetime, minutes=1))
    assert counsellor.get("/counsellor/", follow_redirects=False).status_code == 303


@pytest.mark.parametrize("path", GET_PAGES)
def test_nobody_reaches_a_page_without_logging_in(client, path):
    response = client.get(path, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/counsellor/login"


@pytest.mark.parametrize("path", POSTS)
def test_nobody_changes_anything_without_logging_in(client, path):
    response = client.post(path, data={"csrf": "x", "text": "x"}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/counsellor/login"


@pytest.mark.parametrize("path", POSTS)
def test_every_change_needs_the_csrf_token(admin, path):
    assert admin.post(path, data={"text": "a note", "tag": "x", "intent": "greet", "confirm": "yes"}).status_code == 403
    assert admin.post(path, data={"csrf": "wrong", "text": "a note"}).status_code == 403
    assert admin.get("/counsellor/", follow_redirects=False).status_code == 200  # still logged in


@pytest.mark.parametrize("path", ADMIN_ONLY)
def test_a_counsellor_cannot_reach_admin_pages(counsellor, path):
    assert counsellor.get(path).status_code == 403


@pytest.mark.parametrize("path", ADMIN_POSTS)
def test_a_counsellor_cannot_use_admin_actions(counsellor, path):
    token = csrf_token(counsellor.get("/counsellor/").text)
    assert counsellor.post(path, data={"csrf": token, "confirm": "yes", "active": "0"}).status_code == 403


def test_denied_admin_attempts_are_audited(counsellor, database):
    assert counsellor.get(ADMIN_ONLY[0]).status_code == 403
    assert counsellor.post(ADMIN_POSTS[0], data={"csrf": "forged", "confirm": "yes"}).status_code == 403
    with database.session() as db:
        rows = db.execute(sa.select(AuditEntry.action, AuditEntry.target)).all()
    assert ("denied_admin_page", ADMIN_ONLY[0]) in rows
    assert any(action in ("denied_admin_page", "denied_form") and target == ADMIN_POSTS[0] for action, target in rows)


@pytest.mark.parametrize("path", ADMIN_ONLY)
def test_an_admin_reaches_admin_pages(admin, path):
    assert admin.get(path).status_code == 200


def test_an_admin_disables_an_account_and_its_sessions_end(admin, make_account, config, database):
    make_account("carla")
    with TestClient(create_app(config), base_url="https://testserver") as other:
        assert log_in(other, "carla").status_code == 303
        with database.session() as db:
            carla = accounts.find(db, "carla").id
        token = csrf_token(admin.get("/counsellor/accounts").text)
        assert admin.post(f"/counsellor/accounts/{carla}/active", data={"csrf": token, "active": "0"}, follow_redirects=False).status_code == 303
        assert other.get("/counsellor/", follow_redirects=False).status_code == 303


def test_pages_carry_a_strict_policy_and_are_not_cached(counsellor):
    for path in ("/counsellor/", "/counsellor/login", "/counsellor/overview"):
        response = counsellor.get(path)
        policy = response.headers["content-security-policy"]
        assert "default-src 'none'" in policy and "frame-ancestors 'none'" in policy and "form-action 'self'" in policy
        assert "script-src" not in policy and "unsafe-inline" not in policy
        assert response.headers["cache-control"] == "no-store"
        for name in ("content-security-policy", "cache-control", "x-content-type-options", "referrer-policy"):
            assert len(response.headers.get_list(name)) == 1, name  # the dashboard's own, not also the web tier's
        assert "<script" not in response.text
    assert counsellor.get("/counsellor/static/dashboard.css").status_code == 200


def test_forms_must_be_url_encoded_and_small(counsellor):
    token = csrf_token(counsellor.get("/counsellor/").text)
    assert counsellor.post("/counsellor/export", json={"csrf": token}).status_code == 415
    big = counsellor.post("/counsellor/export", data={"csrf": token, "x": "a" * 20000})
    assert big.status_code == 413


def test_unknown_pages_answer_html(counsellor):
    response = counsellor.get("/counsellor/nothing-here")
    assert response.status_code == 404 and response.headers["content-type"].startswith("text/html")
