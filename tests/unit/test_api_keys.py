"""API keys are configured as role:sha256hex and compared as hashes."""

import hashlib

import pytest

from ragcore.errors import ConfigError
from ragcore.settings import Settings
from service.auth import KeyRing


def sha(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def test_roles_come_from_settings_the_keys_file_and_the_legacy_admin_key(tmp_path):
    keys = tmp_path / "keys"
    keys.write_text(f"# comment\n\nchat:{sha('alice')}\n  admin:{sha('ops').upper()}  \n")
    ring = KeyRing.from_settings(
        Settings(api_keys=f"chat:{sha('bob')}", api_keys_file=keys, admin_api_key="legacy-admin")
    )
    assert [ring.role_of(k) for k in ("alice", "bob", "ops", "legacy-admin", "mallory")] == [
        "chat", "chat", "admin", "admin", None,
    ]  # fmt: skip
    assert ring.has_role("chat") and ring.has_role("admin")
    assert not KeyRing.from_settings(Settings(admin_api_key="x")).has_role("chat")  # chat stays open


@pytest.mark.parametrize("line", ["chat:abc", "root:" + "a" * 64, "chat " + "a" * 64, "plain-secret-key"])
def test_a_malformed_key_line_fails_at_start_up_naming_the_line(tmp_path, line):
    keys = tmp_path / "keys"
    keys.write_text(f"chat:{sha('alice')}\n{line}\n")
    with pytest.raises(ConfigError, match=r"keys line 2"):
        KeyRing.from_settings(Settings(api_keys_file=keys))


def test_a_missing_keys_file_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match="cannot read"):
        KeyRing.from_settings(Settings(api_keys_file=tmp_path / "nope"))
