"""What `python -m bot counsellor ...` does: accounts, migrations and the export, on the server."""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path
from typing import Any, Callable, Optional

import sqlalchemy as sa
from sqlalchemy.orm import Session

from bot.counsellor import accounts, audit, reply_marks, review
from bot.counsellor.export import to_nlu_yaml, training_texts
from bot.counsellor.redteam import to_redteam_yaml
from bot.settings import project_path, settings
from bot.store.database import Database, upgrade
from bot.store.location import database_url
from bot.store.models import Account

Command = Callable[[Session, argparse.Namespace, dict[str, Any]], None]


def _password(args: argparse.Namespace, min_length: int) -> tuple[str, bool]:
    """Return the new password and whether it was generated (it is then printed once)."""
    if args.generate_password:
        return accounts.generate_password(), True
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n"), False
    first = getpass.getpass(f"Password (at least {min_length} characters): ")
    if getpass.getpass("Again: ") != first:
        raise accounts.AccountError("the two passwords differ")
    return first, False


def _account(db: Session, username: str) -> Account:
    """Return the named account or fail."""
    account = accounts.find(db, username)
    if account is None:
        raise accounts.AccountError(f"no account named {username}")
    return account


def add(db: Session, args: argparse.Namespace, config: dict[str, Any]) -> None:
    """Create an account."""
    password, generated = _password(args, config["min_password_length"])
    account = accounts.create(db, args.username, args.role, password, config["min_password_length"])
    account.language = args.language
    audit.record(db, None, "account_create", account.username)
    print(f"created {account.role} {account.username}" + (f"\npassword: {password}" if generated else ""))


def set_language(db: Session, args: argparse.Namespace, config: dict[str, Any]) -> None:
    """Set the language an account sees the dashboard in."""
    account = _account(db, args.username)
    account.language = args.language
    audit.record(db, None, "account_language", f"{account.username}={args.language}")
    print(f"{account.username} sees the dashboard in {args.language}")


def set_password(db: Session, args: argparse.Namespace, config: dict[str, Any]) -> None:
    """Give an account a new password."""
    account = _account(db, args.username)
    password, generated = _password(args, config["min_password_length"])
    accounts.set_password(db, account, password, config["min_password_length"])
    audit.record(db, None, "password_set", account.username)
    print(f"new password set for {account.username}" + (f"\npassword: {password}" if generated else ""))


def list_accounts(db: Session, args: argparse.Namespace, config: dict[str, Any]) -> None:
    """Print the accounts."""
    for account in db.execute(sa.select(Account).order_by(Account.username)).scalars():
        status = "active" if account.active else "disabled"
        print(
            f"{account.username}\t{account.role}\t{status}\t{account.language}\tcreated {account.created_at:%Y-%m-%d}"
        )


def set_active(active: bool) -> Command:
    """Return the command that enables or disables an account."""

    def command(db: Session, args: argparse.Namespace, config: dict[str, Any]) -> None:
        account = _account(db, args.username)
        accounts.set_active(account, active)
        audit.record(db, None, "account_enable" if active else "account_disable", account.username)
        print(f"{'enabled' if active else 'disabled'} {account.username}")

    return command


def delete(db: Session, args: argparse.Namespace, config: dict[str, Any]) -> None:
    """Delete an account and its sessions."""
    account = _account(db, args.username)
    db.delete(account)
    audit.record(db, None, "account_delete", account.username)
    print(f"deleted {account.username}")


def _write(text: str, given: Optional[str], default: str) -> Path:
    """Write an export to the given file, else to the project path from the settings; return where."""
    out = Path(given) if given else project_path(default)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    return out


def export(db: Session, args: argparse.Namespace, config: dict[str, Any]) -> None:
    """Write the corrections as Rasa NLU training data and the marked replies as red-team cases."""
    text, count = to_nlu_yaml(review.all_corrections(db), training_texts(project_path(config["training_data"])))
    out = _write(text, args.out, config["export_path"])
    audit.record(db, None, "export", f"examples={count}")
    print(f"wrote {count} example(s) to {out}")
    text, count = to_redteam_yaml(reply_marks.all_marks(db))
    out = _write(text, args.redteam_out, config["redteam_export_path"])
    audit.record(db, None, "export_redteam", f"cases={count}")
    print(f"wrote {count} red-team case(s) to {out}")


COMMANDS: dict[str, Command] = {
    "add": add,
    "set-password": set_password,
    "set-language": set_language,
    "list": list_accounts,
    "disable": set_active(False),
    "enable": set_active(True),
    "delete": delete,
    "export": export,
}


def run(args: argparse.Namespace) -> int:
    """Bring the tables up to date, then run the command in one transaction."""
    url = database_url(args.endpoints)
    upgrade(url)
    if args.action == "migrate":
        print("the dashboard's tables are up to date")
        return 0
    database = Database(url)
    try:
        with database.session() as db:
            COMMANDS[args.action](db, args, settings()["counsellor"])
    except accounts.AccountError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    finally:
        database.dispose()
    return 0
