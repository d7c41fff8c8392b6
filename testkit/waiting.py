"""Waiting for a condition with a deadline: the one way tests wait, instead of sleeping as synchronisation."""

import asyncio
import inspect
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar('T')
POLL_SECONDS = 0.05


def eventually(condition: Callable[[], T], timeout: float = 10, *, what: str | Callable[[], str] = '') -> T:
    """Calls `condition` until it returns something truthy, and returns that.

    Raises `TimeoutError` naming `what` (a text, or a function that describes the state at the deadline) if the
    deadline passes first; an exception from `condition` ends the wait at once.
    """
    deadline = time.monotonic() + timeout
    while not (result := condition()):
        _check(deadline, timeout, what)
        time.sleep(POLL_SECONDS)
    return result


async def eventually_async(
    condition: Callable[[], T | Awaitable[T]], timeout: float = 10, *, what: str | Callable[[], str] = ''
) -> T:
    """`eventually` for asyncio code: the event loop runs between calls, and `condition` may be a coroutine."""
    deadline = time.monotonic() + timeout
    while not (result := await _value(condition())):
        _check(deadline, timeout, what)
        await asyncio.sleep(POLL_SECONDS)
    return result


async def _value(result: T | Awaitable[T]) -> T:
    return await result if inspect.isawaitable(result) else result


def _check(deadline: float, timeout: float, what: str | Callable[[], str]) -> None:
    if time.monotonic() >= deadline:
        described = what() if callable(what) else what
        raise TimeoutError(f'not within {timeout} s: {described or "condition"}')
