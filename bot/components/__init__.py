"""Custom components of the Rasa NLU pipeline; loading them also installs the Rasa speed-ups."""

from bot import rasa_speedups

rasa_speedups.install()
