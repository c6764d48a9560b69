"""The web tier's chat API: ids, input checks, rate limits, headers (Rasa stood in by a fake transport)."""

import copy
import json

import httpx
import pytest
from starlette.testclient import TestClient

from bot.rate_limit import RateLimiter
from bot.settings import settings
from bot.web.app import create_app


def rasa_reply(body: dict) -> httpx.Response:
    """Answer like Rasa's REST channel, with a reply that carries a phone number and a button."""
    return httpx.Response(200, json=[
        {"recipient_id": body["sender"], "text": "<b>Bel</b> De Kindertelefoon: 0800-0432 of kijk op kindertelefoon.nl",
         "buttons": [{"title": "Is het gratis?", "payload": "/ask_free"}, {"title": "x", "payload": "/evil{\"a\":1}"}]},
        {"recipient_id": body["sender"], "image": "https://example.com/x.png"},
    ])


def fake_rasa(request: httpx.Request) -> httpx.Response:
    """Stand in for Rasa, remembering nothing."""
    return rasa_reply(json.loads(request.content))


class RecordingRasa:
    """Stand in for Rasa and keep the bodies it was sent, for one client."""

    def __init__(self) -> None:
        self.seen: list[dict] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        self.seen.append(body)
        return rasa_reply(body)


def make_client(**web_overrides) -> TestClient:
    """Return a client of a web tier whose Rasa is a RecordingRasa (as `client.rasa`)."""
    config = copy.deepcopy(settings())
    config["web"].update(web_overrides)
    rasa = RecordingRasa()
    client = TestClient(create_app(config, rasa_transport=httpx.MockTransport(rasa)))
    client.rasa = rasa  # type: ignore[attr-defined]
    return client


@pytest.fixture
def client():
    with make_client() as test_client:
        yield test_client


def new_conversation(client):
    response = client.post("/api/conversations")
    assert response.status_code == 201
    return response.json()["conversation_id"]


@pytest.mark.parametrize("typed", ["/crisis", "/ /crisis", "//danger_now", " / / /seek_material", "/\t/restart", "\u200b/session_start",
                                   "/\n/crisis hallo", "/ / /child_victim{\"x\": 1}"])
def test_typed_text_is_never_read_as_an_intent(client, typed):
    conversation = new_conversation(client)
    response = client.post(f"/api/conversations/{conversation}/messages", json={"text": typed})
    forwarded = client.rasa.seen[-1]["message"]
    assert response.status_code == 200 and not forwarded.startswith("/") and forwarded.strip() == forwarded


def test_conversation_ids_are_made_by_the_server_and_unguessable(client):
    first, second = new_conversation(client), new_conversation(client)
    assert first != second and len(first) >= 64
    forged = first[:-1] + ("0" if first[-1] != "0" else "1")
    response = client.post(f"/api/conversations/{forged}/messages", json={"text": "hoi"})
    assert response.status_code == 404 and response.json()["error"]["code"] == "unknown_conversation"


def test_a_message_is_forwarded_and_replies_are_plain_text_with_known_links(client):
    conversation = new_conversation(client)
    response = client.post(f"/api/conversations/{conversation}/messages", json={"text": "  /crisis hallo\x00 "})
    assert response.status_code == 200
    assert client.rasa.seen[-1] == {"sender": conversation, "message": "crisis hallo"}  # no intent injection, no control chars
    replies = response.json()["replies"]
    assert len(replies) == 1  # the image reply is dropped
    assert replies[0]["links"] == [
        {"text": "0800-0432", "href": "tel:+318000432"},
        {"text": "kindertelefoon.nl", "href": "https://www.kindertelefoon.nl"},
    ]
    assert replies[0]["buttons"] == [{"title": "Is het gratis?", "payload": "/ask_free"}]
    assert "set-cookie" not in response.headers


def test_button_payloads_must_be_known(client):
    conversation = new_conversation(client)
    assert client.post(f"/api/conversations/{conversation}/messages", json={"payload": "/ask_free"}).status_code == 200
    bad = client.post(f"/api/conversations/{conversation}/messages", json={"payload": "/crisis{\"x\": 1}"})
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "invalid_payload"


@pytest.mark.parametrize(
    "body, headers, status, code",
    [
        (b"not json", {"Content-Type": "application/json"}, 400, "invalid_json"),
        (b"\xff\xfe\x00", {"Content-Type": "application/json"}, 400, "invalid_json"),
        (json.dumps({"text": ""}).encode(), {"Content-Type": "application/json"}, 422, "empty_message"),
        (json.dumps({"text": " \x01\x02 "}).encode(), {"Content-Type": "application/json"}, 422, "empty_message"),
        (json.dumps({"text": "a" * 2001}).encode(), {"Content-Type": "application/json"}, 422, "message_too_long"),
        (json.dumps({"text": 42}).encode(), {"Content-Type": "application/json"}, 422, "invalid_text"),
        (json.dumps(["hoi"]).encode(), {"Content-Type": "application/json"}, 422, "invalid_body"),
        (json.dumps({"text": "hoi", "sender": "x"}).encode(), {"Content-Type": "application/json"}, 422, "invalid_body"),
        (b"text=hoi", {"Content-Type": "application/x-www-form-urlencoded"}, 415, "unsupported_media_type"),
        (json.dumps({"text": "a" * 20000}).encode(), {"Content-Type": "application/json"}, 413, "body_too_large"),
        (b'{"text": "\\ud800 hoi"}', {"Content-Type": "application/json"}, 422, "invalid_text"),  # a lone surrogate
        (b'{"text": "\\udfff"}', {"Content-Type": "application/json"}, 422, "invalid_text"),
        (b"[" * 1000 + b"]" * 1000, {"Content-Type": "application/json"}, 400, "invalid_json"),  # nested 1,000 deep
        (b'{"text": ' + b"[" * 5000 + b"]" * 5000 + b"}", {"Content-Type": "application/json"}, 400, "invalid_json"),
        (b'{"text": "hoi"}', {"Content-Type": "application/json", "Content-Length": "99999999"}, 413, "body_too_large"),
    ],
)
def test_bad_input_gets_a_clear_json_error(client, body, headers, status, code):
    conversation = new_conversation(client)
    response = client.post(f"/api/conversations/{conversation}/messages", content=body, headers=headers)
    assert response.status_code == status
    assert response.json()["error"]["code"] == code
    assert "Traceback" not in response.text


def test_rate_limit_per_conversation():
    with make_client(rate_limit={"per_conversation": {"messages": 2, "per_seconds": 60},
                                 "per_client": {"messages": 100, "per_seconds": 60},
                                 "new_conversations_per_client": {"messages": 10, "per_seconds": 60}}) as client:
        conversation = new_conversation(client)
        codes = [client.post(f"/api/conversations/{conversation}/messages", json={"text": "hoi"}).status_code for _ in range(3)]
        assert codes == [200, 200, 429]


def test_rate_limiter_window_slides():
    now = [0.0]
    limiter = RateLimiter(2, 10, clock=lambda: now[0])
    assert limiter.allow("a") and limiter.allow("a") and not limiter.allow("a")
    assert limiter.allow("b")
    now[0] = 10.0
    assert limiter.allow("a")


def test_pages_have_a_strict_content_security_policy(client):
    response = client.get("/")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy and "frame-ancestors 'self'" in policy
    assert response.headers["x-content-type-options"] == "nosniff"
    assert client.get("/en").status_code == 200
    assert client.get("/widget.js").headers["cross-origin-resource-policy"] == "cross-origin"


def test_only_configured_origins_may_call_the_api():
    with make_client(allowed_origins=["https://help.example.org"]) as client:
        allowed = client.options("/api/conversations", headers={"Origin": "https://help.example.org", "Access-Control-Request-Method": "POST"})
        refused = client.options("/api/conversations", headers={"Origin": "https://evil.example.com", "Access-Control-Request-Method": "POST"})
        assert allowed.headers.get("access-control-allow-origin") == "https://help.example.org"
        assert "access-control-allow-origin" not in refused.headers


def test_unknown_routes_and_methods_answer_json(client):
    assert client.get("/nope").json()["error"]["code"] == "not_found"
    assert client.get("/api/conversations").json()["error"]["code"] == "method_not_allowed"


def test_sticky_routing_keeps_a_conversation_on_one_server_and_deals_new_ones_in_turn():
    config = copy.deepcopy(settings())
    config["rasa"].update(servers=3, routing="sticky")
    hosts = []

    def record(request: httpx.Request) -> httpx.Response:
        hosts.append((json.loads(request.content)["sender"], request.url.port))
        return fake_rasa(request)

    with TestClient(create_app(config, rasa_transport=httpx.MockTransport(record))) as client:
        conversations = [new_conversation(client) for _ in range(6)]
        for conversation in conversations:
            for text in ("hoi", "is het gratis", "dank je"):
                assert client.post(f"/api/conversations/{conversation}/messages", json={"text": text}).status_code == 200
    ports = {sender: {port for s, port in hosts if s == sender} for sender in conversations}
    assert all(len(used) == 1 for used in ports.values())  # every message of a conversation: one server
    first_ports = [ports[c].pop() for c in conversations]
    base = config["rasa"]["port"]
    assert first_ports == [base, base + 1, base + 2, base, base + 1, base + 2]  # new conversations in turn


def test_a_server_that_is_down_gets_no_conversations_and_its_conversations_move():
    config = copy.deepcopy(settings())
    config["rasa"].update(servers=2, routing="sticky")
    down_port, delivered = config["rasa"]["port"] + 1, []

    def one_server_down(request: httpx.Request) -> httpx.Response:
        if request.url.port == down_port:
            raise httpx.ConnectError("connection refused", request=request)
        delivered.append((json.loads(request.content)["sender"], request.url.port))
        return fake_rasa(request)

    with TestClient(create_app(config, rasa_transport=httpx.MockTransport(one_server_down))) as client:
        conversations = [new_conversation(client) for _ in range(6)]
        codes = [client.post(f"/api/conversations/{c}/messages", json={"text": "ik wil dood"}).status_code for c in conversations]
    assert codes == [200] * 6  # no message lost while one server lives
    assert {port for _, port in delivered} == {config["rasa"]["port"]}
    assert sorted(sender for sender, _ in delivered) == sorted(conversations)  # each message delivered once


def test_a_server_marked_down_is_tried_again_after_the_retry_time():
    from bot.web.chat import RasaServers

    now = [0.0]
    servers = RasaServers(["http://a/webhook", "http://b/webhook"], "sticky", retry_after=10, clock=lambda: now[0])
    servers.mark_down("http://a/webhook")
    assert all(servers.candidates(c) == ["http://b/webhook"] for c in ("x", "y", "z"))
    now[0] = 10.5
    assert "http://a/webhook" in servers.candidates("x")
    servers.mark_down("http://b/webhook")
    servers.mark_down("http://a/webhook")
    assert set(servers.candidates("x")) == {"http://a/webhook", "http://b/webhook"}  # all down: still try them all


def test_a_timeout_is_not_sent_twice():
    config = copy.deepcopy(settings())
    config["rasa"].update(servers=2, routing="sticky")
    calls = []

    def slow(request: httpx.Request) -> httpx.Response:
        calls.append(request.url.port)
        raise httpx.ReadTimeout("timed out", request=request)

    with TestClient(create_app(config, rasa_transport=httpx.MockTransport(slow))) as client:
        conversation = new_conversation(client)
        response = client.post(f"/api/conversations/{conversation}/messages", json={"text": "hoi"})
    assert response.status_code == 502 and len(calls) == 1  # it may have been handled: not repeated elsewhere


def test_round_robin_routing_spreads_the_messages_of_a_conversation():
    from bot.web.chat import RasaServers

    servers = RasaServers(["http://a/webhook", "http://b/webhook"], "round_robin")
    assert [servers.for_conversation("same") for _ in range(4)] == ["http://a/webhook", "http://b/webhook"] * 2
    with pytest.raises(ValueError):
        RasaServers(["http://a/webhook"], "random")


def test_a_huge_body_is_refused_while_it_is_being_read():
    import asyncio

    from starlette.requests import Request

    from bot.web.chat import ChatError, read_limited

    pulled = []

    async def receive():
        pulled.append(1)
        return {"type": "http.request", "body": b"a" * 16384, "more_body": len(pulled) < 4096}  # 64 MB if all read

    request = Request({"type": "http", "method": "POST", "headers": [(b"content-type", b"application/json")]}, receive)
    with pytest.raises(ChatError) as refused:
        asyncio.run(read_limited(request, 16384))
    assert refused.value.status == 413 and len(pulled) == 2  # stopped at the first chunk over the limit


def test_forwarded_for_is_believed_only_from_configured_proxies():
    from bot.runner import proxy_header_args

    assert proxy_header_args([]) == ["--no-proxy-headers"]  # the default: the peer address counts, whatever the header says
    assert proxy_header_args(["10.0.0.5", "10.0.0.6"]) == ["--proxy-headers", "--forwarded-allow-ips", "10.0.0.5,10.0.0.6"]
    assert settings()["web"]["trusted_proxies"] == []


def test_conversation_ids_stay_valid_across_restarts(tmp_path, monkeypatch):
    from bot.web.secret import web_secret

    monkeypatch.delenv("BOT_WEB_SECRET", raising=False)
    kept = tmp_path / "var" / "web-secret"
    first, again = web_secret("BOT_WEB_SECRET", kept), web_secret("BOT_WEB_SECRET", kept)
    assert first == again and len(first) == 64
    assert kept.stat().st_mode & 0o777 == 0o600
    monkeypatch.setenv("BOT_WEB_SECRET", "from-the-environment")
    assert web_secret("BOT_WEB_SECRET", kept) == b"from-the-environment"


def test_an_id_made_before_a_restart_still_works(tmp_path, monkeypatch):
    monkeypatch.delenv("BOT_WEB_SECRET", raising=False)
    with make_client(id_secret_file=str(tmp_path / "web-secret")) as before:
        conversation = new_conversation(before)
    with make_client(id_secret_file=str(tmp_path / "web-secret")) as after:
        response = after.post(f"/api/conversations/{conversation}/messages", json={"text": "hoi"})
    assert response.status_code == 200


def test_twelve_hundred_malformed_requests_get_json_errors_and_reach_nothing():
    import random

    rng = random.Random(16)
    unlimited = {name: {"messages": 10**9, "per_seconds": 1} for name in ("per_conversation", "per_client", "new_conversations_per_client")}
    makers = [
        lambda: bytes(rng.randrange(256) for _ in range(rng.randrange(1, 300))),  # random bytes
        lambda: b"[" * rng.randrange(500, 5000) + b"]" * rng.randrange(0, 5000),  # deep (or broken) nesting
        lambda: b'{"text": ' + b'{"a": ' * rng.randrange(200, 2000) + b"1" + b"}" * rng.randrange(0, 2000) + b"}",
        lambda: json.dumps({"text": "\\ud800" * rng.randrange(1, 5)}).encode().replace(b"\\\\", b"\\"),  # lone surrogates
        lambda: json.dumps({"text": "a" * rng.randrange(2001, 15000)}).encode(),  # too long
        lambda: json.dumps({"text": rng.choice([None, 1, 2.5, [], {}, True])}).encode(),  # not a string
        lambda: json.dumps({"text": "hoi", rng.choice(["sender", "metadata", "intent"]): "x"}).encode(),  # extra fields
        lambda: json.dumps({"payload": rng.choice(["/crisis{\"a\":1}", "/restart", "/session_start", "crisis", "/" + "a" * 60])}).encode(),
        lambda: json.dumps(rng.choice([[], "text", 42, None])).encode(),  # not an object
        lambda: "".join(chr(rng.randrange(0, 32)) for _ in range(20)).encode(),  # control characters
    ]
    with make_client(rate_limit=unlimited) as client:
        conversation = new_conversation(client)
        statuses = []
        for number in range(1200):
            body = makers[number % len(makers)]()
            response = client.post(f"/api/conversations/{conversation}/messages", content=body, headers={"Content-Type": "application/json"})
            statuses.append(response.status_code)
            assert response.headers["content-type"].startswith("application/json") and "error" in response.json()
    assert all(400 <= status < 500 for status in statuses), sorted(set(statuses))
    assert client.rasa.seen == []  # none of them reached Rasa, so none was stored


def test_the_page_language_goes_to_rasa_as_metadata(client):
    conversation = new_conversation(client)
    assert client.post(f"/api/conversations/{conversation}/messages", json={"payload": "/greet", "language": "en"}).status_code == 200
    assert client.rasa.seen[-1] == {"sender": conversation, "message": "/greet", "metadata": {"language": "en"}}
    assert client.post(f"/api/conversations/{conversation}/messages", json={"text": "hoi", "language": "nl"}).status_code == 200
    assert client.rasa.seen[-1]["metadata"] == {"language": "nl"}
    assert client.post(f"/api/conversations/{conversation}/messages", json={"text": "hoi"}).status_code == 200
    assert "metadata" not in client.rasa.seen[-1]  # no language given: none passed on


@pytest.mark.parametrize(
    "body, code",
    [
        ({"text": "hoi", "language": "fr"}, "invalid_language"),
        ({"text": "hoi", "language": "EN"}, "invalid_language"),
        ({"text": "hoi", "language": None}, "invalid_language"),
        ({"text": "hoi", "language": ["en"]}, "invalid_language"),
        ({"payload": "/greet", "language": {"x": 1}}, "invalid_language"),
        ({"language": "en"}, "invalid_body"),
        ({"text": "hoi", "payload": "/greet", "language": "en"}, "invalid_body"),
        ({"text": "hoi", "language": "en", "metadata": {"language": "en"}}, "invalid_body"),
    ],
)
def test_only_dutch_or_english_is_accepted_as_the_page_language(client, body, code):
    conversation = new_conversation(client)
    before = len(client.rasa.seen)
    response = client.post(f"/api/conversations/{conversation}/messages", json=body)
    assert response.status_code == 422 and response.json()["error"]["code"] == code
    assert len(client.rasa.seen) == before  # nothing reached Rasa


CARD = {"helpline_card": {"line": "kindertelefoon", "language": "nl", "status": "closed", "status_text": "Nu gesloten · weer open om 11:00"}}


def rasa_with(*messages):
    """Return a transport that answers every message with these REST channel messages."""
    return httpx.MockTransport(lambda request: httpx.Response(200, json=list(messages)))


def ask(transport, body=None):
    """Send one message through a web tier whose Rasa answers through `transport`; return the replies."""
    with TestClient(create_app(copy.deepcopy(settings()), rasa_transport=transport)) as client:
        conversation = new_conversation(client)
        response = client.post(f"/api/conversations/{conversation}/messages", json=body or {"text": "hoi"})
    assert response.status_code == 200
    return response.json()["replies"]


def test_a_help_line_card_payload_becomes_a_card_with_the_lines_own_actions():
    replies = ask(rasa_with({"text": "De Kindertelefoon: ☎ 0800-0432 · chat · kindertelefoon.nl. Nu gesloten; weer open om 11:00."},
                            {"custom": CARD}))
    assert len(replies) == 1
    card = replies[0]["card"]
    assert card["name"] == "De Kindertelefoon" and card["status"] == "closed" and card["status_text"].startswith("Nu gesloten")
    assert card["actions"] == [{"kind": "call", "href": "tel:+318000432", "text": "0800-0432"},
                               {"kind": "chat", "href": "https://www.kindertelefoon.nl", "text": "kindertelefoon.nl"}]
    assert card["audience"].startswith("Voor kinderen en jongeren") and card["free"] is True and card["anonymous"] == "yes"
    assert replies[0]["links"]  # the text keeps its links for any other use


def test_the_first_phone_is_the_main_action_and_the_others_are_behind_more():
    card = ask(rasa_with({"text": "113"}, {"custom": {"helpline_card": {**CARD["helpline_card"], "line": "zelfmoordpreventie_113", "status": "always"}}}))[0]["card"]
    assert [action["href"] for action in card["actions"]] == ["tel:113", "https://www.113.nl"]
    assert [action["href"] for action in card["more"]] == ["tel:+318000113"]


@pytest.mark.parametrize(
    "custom",
    [
        {"helpline_card": {**CARD["helpline_card"], "line": "evil_line"}},
        {"helpline_card": {**CARD["helpline_card"], "status": "sometimes"}},
        {"helpline_card": {**CARD["helpline_card"], "language": "fr"}},
        {"helpline_card": {**CARD["helpline_card"], "status_text": ""}},
        {"helpline_card": {**CARD["helpline_card"], "status_text": "x" * 500}},
        {"helpline_card": {**CARD["helpline_card"], "line": ["kindertelefoon"]}},
        {"helpline_card": "kindertelefoon"},
        {"something_else": 1},
        "helpline_card",
    ],
)
def test_a_bad_card_payload_is_dropped(custom):
    replies = ask(rasa_with({"text": "Hoi"}, {"custom": custom}))
    assert replies == [{"text": "Hoi", "links": [], "buttons": []}]


def test_a_card_payload_takes_no_link_from_the_payload_and_needs_a_text_before_it():
    injected = {"helpline_card": {**CARD["helpline_card"], "href": "javascript:alert(1)", "actions": [{"href": "https://evil.example"}]}}
    card = ask(rasa_with({"text": "x"}, {"custom": injected}))[0]["card"]
    assert all(action["href"].startswith(("tel:", "https://www.kindertelefoon.nl")) for action in card["actions"] + card["more"])
    assert ask(rasa_with({"custom": CARD}, {"text": "Hoi"})) == [{"text": "Hoi", "links": [], "buttons": []}]


def test_the_widget_settings_link_the_emergency_numbers_of_the_error_message(client):
    config = client.get("/api/widget").json()
    for language in ("nl", "en"):
        hrefs = [link["href"] for link in config["error_links"][language]]
        assert hrefs == ["tel:113", "tel:112"], language
