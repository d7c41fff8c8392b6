"""Catalog calls from async page handlers: each in a worker thread with a session of its own."""

import asyncio
from collections.abc import Callable
from typing import Any, TypeVar

from nicegui import core, run

from models.db import Database
from server.services import Services

T = TypeVar('T')


async def call(function: Callable[..., T], **kwargs: Any) -> T:
    """`function(session=..., **kwargs)` off the event loop; the catalog's errors propagate unchanged."""
    result = await run.io_bound(_in_session, Services.current().db, function, kwargs)
    if result is None and core.app.is_stopping:
        raise asyncio.CancelledError  # NiceGUI 3 returns None instead of the result while it shuts down
    return result  # type: ignore[return-value]


def _in_session(db: Database, function: Callable[..., T], kwargs: dict[str, Any]) -> T:
    with db.session() as session:
        return function(session=session, **kwargs)
