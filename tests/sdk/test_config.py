"""The user's settings file: where it lives, who can read it, what wins."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from sdk import config
from sdk.cli import main
from sdk.errors import AppstoreError


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in (config.CONFIG_ENV, config.REGISTRY_ENV, config.TOKEN_ENV):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))


def test_default_path_is_under_the_xdg_config_dir(tmp_path: Path) -> None:
    assert config.config_path() == tmp_path / "xdg" / "appstore" / "config.json"


def test_appstore_config_overrides_the_path(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(config.CONFIG_ENV, str(tmp_path / "elsewhere.json"))
    assert config.config_path() == tmp_path / "elsewhere.json"


def test_login_stores_the_token_readable_only_by_the_user(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["login", "--registry", "https://apps.example/", "--token", "s3cret"])
    assert result.exit_code == 0, result.output
    path = config.config_path()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    settings = config.resolve()
    assert settings == config.Settings("https://apps.example", "s3cret", str(path))
    assert "s3cret" not in result.output


def test_login_reads_the_token_from_stdin() -> None:
    result = CliRunner().invoke(main, ["login", "--registry", "https://apps.example"], input="from-stdin\n")
    assert result.exit_code == 0, result.output
    assert config.resolve("https://apps.example").token == "from-stdin"


def test_logout_forgets_the_token() -> None:
    config.store_token("https://apps.example", "t")
    assert CliRunner().invoke(main, ["logout", "--registry", "https://apps.example"]).exit_code == 0
    assert config.resolve("https://apps.example").token is None


def test_flags_beat_environment_beat_file(monkeypatch: pytest.MonkeyPatch) -> None:
    config.store_token("https://a.example", "from-file")
    config.store_token("https://b.example", "file-b")
    assert config.resolve() == config.Settings("https://b.example", "file-b", str(config.config_path()))
    monkeypatch.setenv(config.REGISTRY_ENV, "https://a.example")
    assert config.resolve().token == "from-file"
    monkeypatch.setenv(config.TOKEN_ENV, "from-env")
    assert config.resolve().token == "from-env"
    assert config.resolve("https://c.example", "from-flag") == config.Settings(
        "https://c.example", "from-flag", "--token")


def test_default_registry_without_any_settings() -> None:
    assert config.resolve() == config.Settings(config.DEFAULT_REGISTRY, None, "")


def test_a_broken_settings_file_is_one_clear_error() -> None:
    path = config.config_path()
    path.parent.mkdir(parents=True)
    path.write_text("{not json")
    with pytest.raises(AppstoreError, match="not valid JSON"):
        config.resolve()


def test_registry_url_needs_a_scheme() -> None:
    with pytest.raises(AppstoreError, match="not a registry URL"):
        config.resolve("apps.example")
