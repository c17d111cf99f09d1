"""Bad input gets a 4xx with a JSON error body, never a 500."""

import pytest


def assert_error(response, status):
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body["error"]) == {"code", "message"} and body["error"]["message"]


@pytest.mark.parametrize(
    "payload",
    [
        {"message": ""},
        {"message": "   \n\t "},
        {"message": "x" * 4001},
        {},
        {"message": 42},
        {"message": "hi", "unexpected": True},
        {"message": "How is asthma treated?", "conversation_id": "../../etc"},
        ["not", "an", "object"],
    ],
)
def test_invalid_chat_bodies_are_rejected_with_422(client, payload):
    assert_error(client.post("/v1/chat", json=payload), 422)


def test_malformed_json_is_rejected(client):
    response = client.post(
        "/v1/chat", content=b'{"message": "unterminated', headers={"content-type": "application/json"}
    )
    assert_error(response, 422)


def test_a_message_at_the_limit_is_accepted(client):
    assert client.post("/v1/chat", json={"message": "asthma " + "a" * 3993}).status_code == 200


def test_unknown_document_is_404(client):
    assert_error(client.get("/v1/documents/healthcare/no-such-file.md"), 404)
    assert_error(client.get("/v1/documents/../../etc/passwd"), 404)


def test_unknown_conversation_is_404(client):
    assert_error(client.post("/v1/chat", json={"message": "How is asthma treated?", "conversation_id": "nope"}), 404)


def test_unknown_route_and_wrong_method_are_json_errors(client):
    assert_error(client.get("/v1/nothing-here"), 404)
    assert_error(client.get("/v1/chat"), 405)


def test_search_validates_its_body(client):
    assert_error(client.post("/v1/search", json={"query": " "}), 422)
    assert_error(client.post("/v1/search", json={"query": "asthma", "k": 0}), 422)
