"""Follows the change log from this process: every committed transaction, once, in log order, whoever wrote it.

A read of the log is woken at once by this process's own commits (`wake`), by PostgreSQL's NOTIFY (sent by
the log's commit trigger) for every other writer, and on SQLite by a change of `PRAGMA data_version`, which
another connection's commit moves, checked every `poll_seconds`. A read every `fallback_seconds` whatever
happened bounds the delay should a notification be lost (the LISTEN connection dropped, say). Since the
database is the record, a writer that died right after its COMMIT loses nothing: its transaction is read
here like any other.
"""

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from invalidation import metrics
from invalidation.events import Event, of_transaction
from models.changelog import ChangeLog

log = logging.getLogger(__name__)
CHANNEL = 'storefront_changelog'
MAX_BACKOFF_SECONDS = 2.0


@dataclass(frozen=True)
class Retention:
    keep: int
    max_age: timedelta
    every_seconds: float = 60.0


class Tailer:
    def __init__(
        self,
        change_log: ChangeLog,
        deliver: Callable[[Event], None],
        *,
        retention: Retention,
        poll_seconds: float = 0.02,
        fallback_seconds: float = 1.0,
    ) -> None:
        self.log = change_log
        self.deliver = deliver
        self.retention = retention
        self.poll_seconds = poll_seconds
        self.fallback_seconds = fallback_seconds
        self.position = 0
        self.healthy = True
        self._woken = asyncio.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._tasks: list[asyncio.Task[None]] = []

    def event_id(self, position: int) -> str:
        return f'{self.log.log_id}-{position}'

    async def start(self) -> None:
        """Starts at the head: what was committed before this process started is no news to it."""
        self._loop = asyncio.get_running_loop()
        self.position = await asyncio.to_thread(self.log.head)
        self._tasks = [asyncio.create_task(self._follow(), name='changelog-follow')]
        self._tasks.append(asyncio.create_task(self._prune(), name='changelog-prune'))
        if self.log.postgres:
            self._tasks.append(asyncio.create_task(self._listen(), name='changelog-listen'))
        else:
            self._tasks.append(asyncio.create_task(self._watch_sqlite(), name='changelog-watch'))

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks.clear()

    def wake(self) -> None:
        """From any thread: something was committed, read the log now."""
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._woken.set)

    async def _follow(self) -> None:
        attempt = 0
        while True:
            with contextlib.suppress(TimeoutError):  # not `wait_for`: on 3.11 it can swallow a cancellation
                async with asyncio.timeout(self.fallback_seconds):
                    await self._woken.wait()
            self._woken.clear()
            try:
                more = await self._read()
                self.healthy, attempt = True, 0
            except Exception as error:
                self.healthy = False
                log.warning('reading the change log failed (%s); retrying', error)
                await asyncio.sleep(min(0.05 * 2**attempt, MAX_BACKOFF_SECONDS))
                attempt, more = attempt + 1, True
            if more:
                self._woken.set()

    async def _read(self) -> bool:
        """Delivers what was committed after the position; True when there may be more."""
        limit = 1_000
        transactions = await asyncio.to_thread(self.log.read, self.position, limit)
        for transaction in transactions:
            self.position = transaction.position
            self.deliver(of_transaction(transaction, self.event_id(transaction.position)))
        if transactions:
            metrics.LOG_LAG.set(max(0.0, time.time() - transactions[-1].committed_at.timestamp()))
        return len(transactions) == limit

    async def _watch_sqlite(self) -> None:
        """Other processes' commits (another app process, the sqlite3 shell) move `PRAGMA data_version`."""
        connection: Any = await asyncio.to_thread(self.log.engine.raw_connection)
        try:
            seen = None
            while True:
                version = connection.execute('PRAGMA data_version').fetchone()[0]
                if version != seen:
                    seen = version
                    self._woken.set()
                await asyncio.sleep(self.poll_seconds)
        finally:
            connection.close()

    async def _listen(self) -> None:
        """PostgreSQL: every commit of the log sends a NOTIFY naming its schema; ours wake the reader."""
        import psycopg

        schema = await asyncio.to_thread(self.log.schema)
        conninfo = self.log.engine.url.set(drivername='postgresql').render_as_string(hide_password=False)
        attempt = 0
        while True:
            try:
                async with await psycopg.AsyncConnection.connect(conninfo, autocommit=True) as connection:
                    await connection.execute(f'LISTEN {CHANNEL}')
                    self._woken.set()  # what was committed while not listening
                    attempt = 0
                    async for notice in connection.notifies():
                        if notice.payload == schema:
                            self._woken.set()
            except psycopg.Error as error:
                log.warning('LISTEN on the change log failed (%s); the reader polls meanwhile', error)
                await asyncio.sleep(min(0.05 * 2**attempt, MAX_BACKOFF_SECONDS))
                attempt += 1

    async def _prune(self) -> None:
        while True:
            await asyncio.sleep(self.retention.every_seconds)
            try:
                await asyncio.to_thread(self.log.prune, keep=self.retention.keep, max_age=self.retention.max_age)
            except Exception as error:  # another process pruning at the same moment, the database away
                log.warning('pruning the change log failed (%s)', error)
