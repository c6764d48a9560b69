"""Command line of the project: `python -m bot COMMAND`."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Optional, Sequence

from bot.counsellor.cli import add_parser as add_counsellor_parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Parse the command line and run the chosen command."""
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("build-spacy", help="build the blank nl/en spaCy pipelines (no downloads)")
    run = commands.add_parser("run", help="start the action servers, the Rasa servers and the web tier")
    run.add_argument("--servers", type=int, help="Rasa servers (default: settings.yml rasa.servers)")
    run.add_argument("--action-servers", type=int, help="action servers (default: settings.yml actions.servers)")
    run.add_argument("--routing", choices=["sticky", "round_robin"], help="how the web tier spreads messages")
    run.add_argument("--endpoints", help="endpoints file, e.g. deploy/endpoints.postgres.yml")
    purge = commands.add_parser("purge", help="delete conversations older than the retention period (cron-safe)")
    purge.add_argument("--days", type=int, help="retention in days (default: settings.yml privacy.retention_days)")
    purge.add_argument("--endpoints", help="endpoints file whose tracker store to purge (default: settings.yml)")
    commands.add_parser(
        "safety-report", help="print red-team figures and the graders' figures on dev and held-out sets"
    )
    commands.add_parser("evaluate-nlu", help="held-out NLU evaluation; report in results/nlu/")
    crossval = commands.add_parser("crossval", help="cross-validate the candidate configs in docs/nlu-settings/")
    crossval.add_argument("--folds", type=int, default=3)
    add_counsellor_parser(commands)
    commands.add_parser(
        "tune-search",
        help="measure the fact-card search on the held-out questions; suggest its threshold and missing-word share",
    )
    commands.add_parser(
        "dashboard-messages", help="bring the dashboard's Dutch catalogue up to date with its code and templates"
    )
    args = parser.parse_args(argv)

    if args.command == "build-spacy":
        from bot.tools.spacy_pipelines import build_all

        for path in build_all():
            print(f"built {path}")
        return 0
    if args.command == "purge":
        from bot.store.deletion import purge as purge_conversations
        from bot.store.location import database_url

        deleted = purge_conversations(args.days, database_url(args.endpoints))
        print(f"deleted {deleted} conversation(s)")
        return 0
    if args.command == "safety-report":
        from bot.tools.safety_grading import print_safety_report

        return print_safety_report()
    if args.command == "evaluate-nlu":
        from bot.tools.nlu_evaluation import evaluate_held_out

        print(f"held-out macro F1: {evaluate_held_out():.4f}")
        return 0
    if args.command == "crossval":
        from bot.tools.nlu_evaluation import cross_validate

        cross_validate(args.folds)
        return 0
    if args.command == "counsellor":
        from bot.counsellor.commands import run as run_counsellor

        return run_counsellor(args)
    if args.command == "dashboard-messages":
        from bot.tools.dashboard_messages import CATALOGUE, update

        messages, missing = update()
        print(f"{CATALOGUE}: {messages} messages, {missing} without a Dutch translation")
        return 0
    if args.command == "tune-search":
        from bot.tools.fact_search_evaluation import report

        report()
        return 0
    from bot.runner import serve

    _override_settings(
        {
            "BOT_RASA_SERVERS": args.servers,
            "BOT_ACTION_SERVERS": args.action_servers,
            "BOT_RASA_ROUTING": args.routing,
            "BOT_ENDPOINTS": args.endpoints,
        }
    )
    return serve()


def _override_settings(values: dict[str, object]) -> None:
    """Pass command-line choices on as the environment overrides that settings() reads."""
    from bot.settings import settings

    for variable, value in values.items():
        if value is not None:
            os.environ[variable] = str(value)
    settings.cache_clear()


if __name__ == "__main__":
    sys.exit(main())
