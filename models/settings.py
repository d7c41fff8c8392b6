"""Runtime configuration: one `Settings`, read from `STOREFRONT_*` variables or a `.env` file."""

import secrets
from functools import lru_cache
from typing import Literal, Self

from pydantic import ValidationError, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEVELOPMENT_PASSWORD = 'admin'


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix='STOREFRONT_', env_file='.env', extra='ignore')

    env: Literal['development', 'production'] = 'development'
    host: str = '127.0.0.1'
    port: int = 8080
    database_url: str = 'sqlite:///data/storefront.db'
    demo_products: int = 120
    admin_user: str = 'admin'
    admin_password: str = DEVELOPMENT_PASSWORD
    admin_token: str = ''
    storage_secret: str = ''
    log_retention_count: int = 100_000
    log_retention_hours: float = 168.0
    subscriber_queue_size: int = 1_000
    max_sse_streams: int = 10_000
    sse_ping_seconds: float = 15.0
    sse_send_timeout_seconds: float = 10.0
    update_window_ms: float = 50.0  # open pages get at most one update per window (0: one per transaction)

    @model_validator(mode='after')
    def _secrets(self) -> Self:
        """Development invents what is missing; production refuses to start without real secrets."""
        if self.env == 'production':
            missing = [name for name in ('admin_token', 'storage_secret') if len(getattr(self, name)) < 16]
            if self.admin_password == DEVELOPMENT_PASSWORD or len(self.admin_password) < 8:
                missing.append('admin_password')
            if missing:
                names = ', '.join(f'STOREFRONT_{name.upper()}' for name in missing)
                raise ValueError(f'production needs real secrets: set {names} (16+ characters for token and secret)')
        self.admin_token = self.admin_token or secrets.token_urlsafe(24)
        self.storage_secret = self.storage_secret or secrets.token_urlsafe(32)
        return self


@lru_cache
def get_settings() -> Settings:
    """The process's settings; refused ones end the process with one line that names the variables to set."""
    try:
        return Settings()
    except ValidationError as error:
        raise SystemExit(f'storefront: {explain(error)}') from None


def explain(error: ValidationError) -> str:
    """One line for a person: each problem, prefixed with its environment variable when it has one."""
    problems = []
    for problem in error.errors():
        message = problem['msg'].removeprefix('Value error, ')
        names = [f'STOREFRONT_{str(part).upper()}' for part in problem['loc']]
        problems.append(f'{".".join(names)}: {message}' if names else message)
    return '; '.join(problems)
