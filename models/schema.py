"""Schema management with Alembic: the app upgrades an empty or older database to the newest revision at start."""

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

MIGRATIONS = Path(__file__).parent / 'migrations'


def upgrade(engine: Engine, revision: str = 'head') -> None:
    with engine.begin() as connection:
        config = _config()
        config.attributes['connection'] = connection
        command.upgrade(config, revision)


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str | None:
    return ScriptDirectory.from_config(_config()).get_current_head()


def _config() -> Config:
    config = Config()
    config.set_main_option('script_location', str(MIGRATIONS))
    return config
