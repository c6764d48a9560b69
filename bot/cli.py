"""Command line of the project: `python -m bot COMMAND`."""

from __future__ import annotations

import argparse
import sys
from typing import Optional, Sequence


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Parse the command line and run the chosen command."""
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("build-spacy", help="build the blank nl/en spaCy pipelines (no downloads)")
    commands.add_parser("run", help="start the action server and the Rasa server")
    purge = commands.add_parser("purge", help="delete conversations older than the retention period (cron-safe)")
    purge.add_argument("--days", type=int, help="retention in days (default: settings.yml privacy.retention_days)")
    purge.add_argument("--endpoints", help="endpoints file whose tracker store to purge (default: settings.yml)")
    commands.add_parser("safety-report", help="print red-team recall, false alarms and the dev-set grade")
    commands.add_parser("evaluate-nlu", help="held-out NLU evaluation; report in results/nlu/")
    crossval = commands.add_parser("crossval", help="cross-validate the candidate configs in docs/nlu-settings/")
    crossval.add_argument("--folds", type=int, default=3)
    args = parser.parse_args(argv)

    if args.command == "build-spacy":
        from bot.spacy_pipelines import build_all

        for path in build_all():
            print(f"built {path}")
        return 0
    if args.command == "purge":
        from bot.privacy.retention import purge as purge_conversations, tracker_store_url

        deleted = purge_conversations(args.days, tracker_store_url(args.endpoints))
        print(f"deleted {deleted} conversation(s)")
        return 0
    if args.command == "safety-report":
        from bot.safety.grading import print_safety_report

        return print_safety_report()
    if args.command == "evaluate-nlu":
        from bot.evaluation import evaluate_held_out

        print(f"held-out macro F1: {evaluate_held_out():.4f}")
        return 0
    if args.command == "crossval":
        from bot.evaluation import cross_validate

        cross_validate(args.folds)
        return 0
    from bot.runner import serve

    return serve()


if __name__ == "__main__":
    sys.exit(main())
