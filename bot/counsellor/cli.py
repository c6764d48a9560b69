"""The `python -m bot counsellor ...` command line (its parser only; bot.counsellor.commands runs it)."""

from __future__ import annotations

import argparse


def add_parser(commands: argparse._SubParsersAction) -> None:
    """Add the `counsellor` command group to the CLI."""
    group = commands.add_parser("counsellor", help="counsellor dashboard: accounts, migrations, export of corrections")
    group.add_argument("--endpoints", help="endpoints file whose tracker store database to use (default: settings.yml)")
    actions = group.add_subparsers(dest="action", required=True)
    add = actions.add_parser("add", help="create an account; the password is asked for, or generated")
    add.add_argument("username")
    add.add_argument("--role", choices=("counsellor", "admin"), required=True)
    add.add_argument("--language", choices=("nl", "en"), default="nl", help="the dashboard's language (default: nl)")
    new_password = actions.add_parser("set-password", help="give an account a new password (ends its sessions)")
    new_password.add_argument("username")
    for parser in (add, new_password):
        source = parser.add_mutually_exclusive_group()
        source.add_argument("--generate-password", action="store_true", help="make a random password and print it once")
        source.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    language = actions.add_parser("set-language", help="set the language an account sees the dashboard in")
    language.add_argument("username")
    language.add_argument("language", choices=("nl", "en"))
    actions.add_parser("list", help="list the accounts")
    for name, text in (
        ("disable", "disable an account (ends its sessions)"),
        ("enable", "enable a disabled account"),
        ("delete", "delete an account (the audit log keeps its name)"),
    ):
        actions.add_parser(name, help=text).add_argument("username")
    export = actions.add_parser(
        "export", help="write the corrections as Rasa NLU training data and the marked replies as red-team cases (YAML)"
    )
    export.add_argument("--out", help="NLU file to write (default: settings.yml counsellor.export_path)")
    export.add_argument(
        "--redteam-out", help="red-team file to write (default: settings.yml counsellor.redteam_export_path)"
    )
    actions.add_parser("migrate", help="create or upgrade the dashboard's tables")
