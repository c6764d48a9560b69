"""The logging filter: no message text in structured records, no personal data in any record."""

import json
import logging

import structlog

from bot.privacy.log_filter import RedactingFilter


def filtered(message, *args, level=logging.ERROR):
    """Return a record's message after the filter."""
    record = logging.LogRecord("rasa.core.channels.rest", level, __file__, 1, message, args, None)
    assert RedactingFilter().filter(record) is True
    return record.getMessage()


def test_a_failed_rest_message_keeps_its_event_but_not_its_text():
    line = json.dumps({"event": "rest.message.received.failure", "text": "ik ben Sanne en ik wil dood", "level": "error"})
    kept = json.loads(filtered(line))
    assert kept["event"] == "rest.message.received.failure" and kept["level"] == "error"
    assert kept["text"] == "[removed]" and "Sanne" not in filtered(line)


def test_every_text_field_of_rasas_structured_logs_is_removed():
    fields = {"user_text": "a", "parse_data_text": "b", "tracker_latest_message": {"text": "c"}, "response_text": "d", "event": "x"}
    kept = json.loads(filtered(json.dumps(fields)))
    assert kept == {"user_text": "[removed]", "parse_data_text": "[removed]", "tracker_latest_message": "[removed]",
                    "response_text": "[removed]", "event": "x"}


def test_plain_records_are_redacted():
    assert "0612345678" not in filtered("call %s", "0612345678")
    assert filtered("Starting Rasa server").startswith("Starting Rasa server")


def test_rasas_structlog_set_up_passes_through_the_filter(caplog):
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.INFO)
    handler = logging.StreamHandler()
    handler.addFilter(RedactingFilter())
    records = []
    handler.emit = records.append
    logging.getLogger("rasa.core.channels.rest").addHandler(handler)
    try:
        structlog.get_logger("rasa.core.channels.rest").error("rest.message.received.failure", text="mijn naam is Kevin de Boer")
    finally:
        logging.getLogger("rasa.core.channels.rest").removeHandler(handler)
    assert records and all("Kevin" not in record.getMessage() for record in records)
