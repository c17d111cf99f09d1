import pytest
from fastapi.testclient import TestClient

from ragcore.settings import Settings
from service.app import create_app


@pytest.fixture(scope="module")
def client(pipeline, bundled_index):
    settings = Settings(index_dir=bundled_index, reload_interval_s=0, limits={"rate_limiter": "off"})
    app = create_app(settings, pipeline_factory=lambda _: pipeline)
    with TestClient(app, raise_server_exceptions=False) as test_client:
        assert app.state.holder.ready.wait(60)
        yield test_client
