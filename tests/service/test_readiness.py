import threading

from fastapi.testclient import TestClient

from ragcore.settings import Settings
from service.app import create_app


def test_readyz_is_503_with_a_json_error_until_the_index_loads(pipeline, tmp_path):
    release = threading.Event()

    def slow_factory(_settings):
        release.wait(30)
        return pipeline

    app = create_app(Settings(index_dir=tmp_path, reload_interval_s=0), pipeline_factory=slow_factory)
    with TestClient(app) as client:
        response = client.get("/readyz")
        assert response.status_code == 503 and response.json()["error"]["code"] == "not_ready"
        chat = client.post("/v1/chat", json={"message": "How is asthma treated?"})
        assert chat.status_code == 503
        assert client.get("/healthz").status_code == 200
        release.set()
        assert app.state.holder.ready.wait(30)
        assert client.get("/readyz").status_code == 200


def test_an_index_that_fails_to_load_is_reported_not_crashed(tmp_path):
    app = create_app(Settings(index_dir=tmp_path / "missing", reload_interval_s=0))
    with TestClient(app) as client:
        assert app.state.holder.ready.wait(30)
        body = client.get("/readyz").json()
        assert "no index" in body["error"]["message"]
