"""A logging filter that redacts personal data from every record it passes."""

from __future__ import annotations

import logging

from bot.privacy.redaction import redact


class RedactingFilter(logging.Filter):
    """Replace personal data in log messages by placeholders before they are written."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Render the message, redact it, and keep the record."""
        record.msg = redact(record.getMessage())
        record.args = ()
        return True
