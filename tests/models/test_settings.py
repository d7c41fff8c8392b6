"""Settings: development invents its secrets; production refuses to start without real ones."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import ValidationError

from models.settings import Settings, explain
from tests.servers import ROOT

SECRETS = ('STOREFRONT_ADMIN_TOKEN', 'STOREFRONT_STORAGE_SECRET', 'STOREFRONT_ADMIN_PASSWORD')


@pytest.fixture(autouse=True)
def no_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in SECRETS:
        monkeypatch.delenv(name, raising=False)


def test_defaults_match_the_documented_table() -> None:
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert (settings.host, settings.port, settings.env) == ('127.0.0.1', 8080, 'development')
    assert settings.database_url == 'sqlite:///data/storefront.db'
    assert (settings.admin_user, settings.admin_password) == ('admin', 'admin')


def test_development_generates_token_and_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv('STOREFRONT_DEMO_PRODUCTS', '7')
    first, second = Settings(_env_file=None), Settings(_env_file=None)  # type: ignore[call-arg]
    assert len(first.admin_token) >= 16 and len(first.storage_secret) >= 16
    assert first.admin_token != second.admin_token
    assert first.storage_secret != second.storage_secret
    assert first.demo_products == 7


def test_production_refuses_missing_and_default_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv('STOREFRONT_ENV', 'production')
    monkeypatch.setenv('STOREFRONT_ADMIN_TOKEN', 'short')
    with pytest.raises(ValidationError) as refused:
        Settings(_env_file=None)  # type: ignore[call-arg]
    message = explain(refused.value)
    assert '\n' not in message
    assert all(name in message for name in SECRETS), message


def test_production_accepts_real_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv('STOREFRONT_ENV', 'production')
    monkeypatch.setenv('STOREFRONT_ADMIN_TOKEN', 't' * 16)
    monkeypatch.setenv('STOREFRONT_STORAGE_SECRET', 's' * 16)
    monkeypatch.setenv('STOREFRONT_ADMIN_PASSWORD', 'correct horse')
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert (settings.admin_token, settings.storage_secret) == ('t' * 16, 's' * 16)


def test_the_app_refuses_to_start_in_production_with_one_line(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in SECRETS and k != 'PYTEST_CURRENT_TEST'}
    env.update(STOREFRONT_ENV='production', STOREFRONT_DATABASE_URL=f'sqlite:///{tmp_path}/never.db')
    run = subprocess.run([sys.executable, str(ROOT / 'app.py')], env=env, capture_output=True, text=True, timeout=60)
    assert run.returncode == 1
    assert run.stderr.count('\n') == 1, run.stderr
    assert run.stderr.startswith('storefront: production needs real secrets: set STOREFRONT_ADMIN_TOKEN')
