"""Redaction of personal data: examples, generated identifiers, and tracker events."""

import asyncio
import json
import re

import pytest
import sqlalchemy as sa
from hypothesis import given, settings, strategies as st
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import BotUttered, SlotSet, UserUttered
from rasa.shared.core.slots import TextSlot
from rasa.shared.core.trackers import DialogueStateTracker
from stdnum import iban as iban_module
from stdnum.nl import bsn as bsn_module

from bot.privacy.redaction import redact
from bot.privacy.tracker_store import RedactingSQLTrackerStore


@pytest.mark.parametrize(
    "text, secret, placeholder",
    [
        ("bel me op 06-12345678", "06-12345678", "[TELEFOON]"),
        ("my number is +44 7700 900123", "+44 7700 900123", "[TELEFOON]"),
        ("mail me: sam.jansen@example.org", "sam.jansen@example.org", "[EMAIL]"),
        ("kijk op https://voorbeeld.nl/filmpje?id=3", "voorbeeld.nl/filmpje", "[URL]"),
        ("zie www.example.com/x", "www.example.com/x", "[URL]"),
        ("mijn bsn is 111222333", "111222333", "[BSN]"),
        ("burgerservicenummer 123456789", "123456789", "[BSN]"),
        ("rekening NL91ABNA0417164300", "NL91ABNA0417164300", "[IBAN]"),
        ("ik woon in 1012 AB", "1012 AB", "[POSTCODE]"),
        ("ip 203.0.113.7", "203.0.113.7", "[IP]"),
        ("ipv6 2001:db8::1", "2001:db8::1", "[IP]"),
        ("zijn auto: 12-ABC-3", "12-ABC-3", "[KENTEKEN]"),
        ("hij woont op de Dorpsstraat 14b", "Dorpsstraat 14b", "[ADRES]"),
        ("ik heet Jan de Vries", "Jan de Vries", "[NAAM]"),
        ("mijn naam is fatima", "fatima", "[NAAM]"),
        ("my name is Tom", "Tom", "[NAAM]"),
    ],
)
def test_personal_data_is_replaced_by_its_placeholder(text, secret, placeholder):
    redacted = redact(text)
    assert secret not in redacted
    assert placeholder in redacted


@pytest.mark.parametrize(
    "text",
    [
        "ik ben 13 en iemand wil fotos",
        "in 2024 en 2023 gebeurde het vaker",
        "bel 113 of 112",
        "een show kost 15 tot 25 euro",
        "ik heet niet zo",
    ],
)
def test_ordinary_text_is_left_alone(text):
    assert redact(text) == text


DUTCH_MOBILE = st.from_regex(r"06[1-9][0-9]{7}", fullmatch=True)
SEPARATORS = st.sampled_from(["", " ", "-"])


@st.composite
def valid_bsns(draw):
    """Generate nine-digit numbers that pass the 11-proef."""
    digits = draw(st.lists(st.integers(0, 9), min_size=8, max_size=8))
    for last in range(10):
        number = "".join(map(str, digits)) + str(last)
        if bsn_module.is_valid(number):
            return number
    return draw(valid_bsns())


@st.composite
def valid_ibans(draw):
    """Generate valid Dutch IBANs with a correct check number."""
    bank = draw(st.sampled_from(["ABNA", "INGB", "RABO", "TRIO", "SNSB"]))
    account = draw(st.from_regex(r"[0-9]{10}", fullmatch=True))
    return f"NL{iban_module.calc_check_digits(f'NL00{bank}{account}')}{bank}{account}"


PREFIXES = st.sampled_from(["bel me op ", "mijn nummer: ", "call ", "", "app me ff op "])


@settings(max_examples=150, deadline=None)
@given(prefix=PREFIXES, number=DUTCH_MOBILE, separator=SEPARATORS)
def test_generated_phone_numbers_never_survive(prefix, number, separator):
    written = number[:2] + separator + number[2:]
    redacted = redact(f"{prefix}{written} doei")
    assert re.sub(r"\D", "", number) not in re.sub(r"\D", "", redacted)


@settings(max_examples=150, deadline=None)
@given(number=valid_bsns(), prefix=st.sampled_from(["bsn ", "mijn nummer is ", "", "burgerservicenummer: "]))
def test_generated_bsns_never_survive(number, prefix):
    assert number not in redact(f"{prefix}{number}")


@settings(max_examples=100, deadline=None)
@given(number=valid_ibans())
def test_generated_ibans_never_survive(number):
    assert iban_module.is_valid(number)
    assert number not in redact(f"maak het over naar {number} aub")


@settings(max_examples=100, deadline=None)
@given(user=st.from_regex(r"[a-z]{3,10}(\.[a-z]{2,8})?", fullmatch=True), domain=st.sampled_from(["gmail.com", "hotmail.nl", "example.org"]))
def test_generated_emails_never_survive(user, domain):
    assert f"{user}@{domain}" not in redact(f"mail {user}@{domain}")


def test_stored_events_are_redacted_and_bot_replies_kept(tmp_path):
    store = RedactingSQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(tmp_path / "tracker.db"))
    tracker = DialogueStateTracker.from_events(
        "s1",
        [
            UserUttered("bel me op 0612345678, ik heet Piet", {"name": "greet", "confidence": 0.9},
                        parse_data={"text": "bel me op 0612345678, ik heet Piet", "intent": {"name": "greet"}},
                        metadata={"note": "piet@example.com"}),
            BotUttered("Bel 0800-0432 voor hulp."),
            SlotSet("hl1_contact", "☎ 0800-0432"),
        ],
        slots=[TextSlot("hl1_contact", mappings=[{"type": "custom"}])],
    )
    asyncio.run(store.save(tracker))
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'tracker.db'}")
    with engine.connect() as connection:
        events = [json.loads(row[0]) for row in connection.execute(sa.text("SELECT data FROM events"))]
    engine.dispose()
    stored = json.dumps(events, ensure_ascii=False)
    assert "0612345678" not in stored and "Piet" not in stored and "piet@example.com" not in stored
    assert "Bel 0800-0432 voor hulp." in stored  # the bot's own words are kept
    assert {"hl1_contact": "☎ 0800-0432"} in [{e["name"]: e["value"]} for e in events if e["event"] == "slot"]
    assert "0612345678" in tracker.events[0].text  # the live tracker is untouched


def test_ids_the_system_made_are_kept_but_typed_text_is_not():
    from bot.privacy.tracker_store import redact_event

    event = {
        "event": "user", "timestamp": 1763800000.123, "text": "bel me op 0612345678",
        "message_id": "5b9ae06198327741af00", "metadata": {"model_id": "20261122-1803451234", "note": "0612345678"},
        "parse_data": {"text": "bel me op 0612345678", "intent": {"name": "faq_police", "confidence": 0.9}},
    }
    redacted = redact_event(event)
    assert redacted["message_id"] == event["message_id"]
    assert redacted["metadata"]["model_id"] == event["metadata"]["model_id"]
    assert redacted["timestamp"] == event["timestamp"]
    assert "0612345678" not in json.dumps(redacted)
