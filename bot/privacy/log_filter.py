"""A logging filter that keeps message text out of the logs and redacts personal data from the rest."""

from __future__ import annotations

import json
import logging

from bot.privacy.redaction import redact

# Fields of Rasa's structured (structlog, JSON) records that carry what a person typed
# or what the bot said; the same list as Rasa's own anonymiser (rasa/utils/log_utils.py).
TEXT_FIELDS = frozenset(
    {
        "text",
        "response_text",
        "user_text",
        "slot_values",
        "parse_data_text",
        "parse_data_entities",
        "prediction_events",
        "tracker_latest_message",
        "prefilled_slots",
        "message",
        "response",
        "slot_candidates",
        "rasa_event",
        "rasa_events",
        "tracker_states",
        "current_states",
        "old_states",
        "successes",
        "current_entity",
        "next_entity",
        "states",
        "entity",
        "token_text",
        "user_message",
        "json_message",
    }
)
REMOVED = "[removed]"


class RedactingFilter(logging.Filter):
    """Drop message text from structured records and replace personal data in every record by placeholders."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Render the message, remove text fields, redact what remains, and keep the record."""
        record.msg = redact(without_text_fields(record.getMessage()))
        record.args = ()
        return True


def without_text_fields(message: str) -> str:
    """Return a structured JSON record with its text fields replaced; any other message unchanged."""
    if not message.startswith("{"):
        return message
    try:
        fields = json.loads(message)
    except ValueError:
        return message
    if not isinstance(fields, dict):
        return message
    return json.dumps(
        {key: REMOVED if key in TEXT_FIELDS else value for key, value in fields.items()}, ensure_ascii=False
    )
