"""Catalog calls from async page handlers: each in a worker thread with a session of its own."""

from collections.abc import Callable
from typing import Any, TypeVar

from models.db import Database
from server.nicegui_fixes import io_bound
from server.services import Services

T = TypeVar('T')


async def call(function: Callable[..., T], **kwargs: Any) -> T:
    """`function(session=..., **kwargs)` off the event loop; the catalog's errors propagate unchanged."""
    return await io_bound(_in_session, Services.current().db, function, kwargs)


def _in_session(db: Database, function: Callable[..., T], kwargs: dict[str, Any]) -> T:
    with db.session() as session:
        return function(session=session, **kwargs)
