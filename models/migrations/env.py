"""Alembic environment: runs on the connection `models.schema.upgrade` hands over."""

from alembic import context
from sqlmodel import SQLModel

import models.order_tables
import models.tables  # noqa: F401  (each registers its tables on SQLModel.metadata)

connection = context.config.attributes['connection']
context.configure(connection=connection, target_metadata=SQLModel.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
