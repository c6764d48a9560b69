"""Rasa's command line with the project's speed-ups installed first: `python -m bot.rasa_main run|train|test ...`."""

from __future__ import annotations

from rasa.__main__ import main as rasa_main

from bot import rasa_speedups


def main() -> None:
    """Install the speed-ups (when switched on and tested with this Rasa), then run Rasa's own command line."""
    rasa_speedups.install()
    rasa_main()


if __name__ == "__main__":
    main()
