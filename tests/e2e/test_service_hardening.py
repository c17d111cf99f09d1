"""Keys, request ids, metrics and private logs through real HTTP (`docent serve` under uvicorn)."""

import hashlib
import json

import httpx

from tests.e2e.conftest import running_server

CHAT_KEY = "e2e-chat-key-7f3a"


def test_keys_file_request_ids_metrics_and_no_message_text_in_logs(bundled_index, tmp_path):
    keys = tmp_path / "keys.txt"
    keys.write_text(f"# role:sha256hex\nchat:{hashlib.sha256(CHAT_KEY.encode()).hexdigest()}\n")
    log_file = tmp_path / "server.log"
    secret = "my cousin Ottoline Vantongeren wheezes at night, is that asthma?"
    env = {"DOCENT_RELOAD_INTERVAL_S": "0", "DOCENT_API_KEYS_FILE": str(keys)}
    with running_server(bundled_index, log_file=log_file, **env) as base:
        assert httpx.post(f"{base}/v1/chat", json={"message": secret}).status_code == 401
        headers = {"Authorization": f"Bearer {CHAT_KEY}", "X-Request-ID": "e2e-trace-1"}
        answered = httpx.post(f"{base}/v1/chat", json={"message": secret}, headers=headers, timeout=30)
        assert answered.status_code == 200 and answered.headers["X-Request-ID"] == "e2e-trace-1"
        cid = answered.json()["conversation_id"]
        turns = httpx.get(f"{base}/v1/conversations/{cid}", headers=headers).json()["turns"]
        assert turns[0]["content"] == secret
        metrics = httpx.get(f"{base}/metrics").text
        assert 'docent_http_requests_total{method="POST",route="/v1/chat",status="200"} 1.0' in metrics
        assert 'docent_http_requests_total{method="POST",route="/v1/chat",status="401"} 1.0' in metrics
    lines = [json.loads(line) for line in log_file.read_text().splitlines() if line.startswith("{")]
    chat_lines = [e for e in lines if e.get("http", {}).get("route") == "/v1/chat"]
    assert {e["http"]["status"] for e in chat_lines} == {200, 401}
    assert any(e.get("request_id") == "e2e-trace-1" for e in chat_lines)
    assert "Ottoline" not in log_file.read_text()
