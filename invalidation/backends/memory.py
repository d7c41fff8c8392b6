"""The in-process backend: ids are `<boot id>-<sequence>`, so an id from before a restart is unknown."""

import asyncio
import secrets
from collections import deque

from invalidation.backends.base import Message


class MemoryBackend:
    def __init__(self, history_size: int) -> None:
        self.epoch = secrets.token_hex(4)
        self._sequence = 0
        self._history: deque[Message] = deque(maxlen=history_size)
        self._published: asyncio.Queue[Message] = asyncio.Queue()

    async def connect(self) -> None:
        pass

    async def disconnect(self) -> None:
        pass

    async def publish(self, data: str) -> str:
        self._sequence += 1
        message = (f'{self.epoch}-{self._sequence}', data)
        self._history.append(message)
        self._published.put_nowait(message)
        return message[0]

    async def next_published(self) -> Message:
        return await self._published.get()

    async def history_after(self, last_id: str) -> list[Message] | None:
        sequence = self._sequence_of(last_id)
        oldest = self._sequence - len(self._history)  # the last id whose successor is still retained
        if sequence is None or not oldest <= sequence <= self._sequence:
            return None
        return list(self._history)[sequence - oldest :]

    async def head_id(self) -> str:
        return f'{self.epoch}-{self._sequence}'

    def order_key(self, event_id: str) -> tuple[int, ...]:
        return (int(event_id.rpartition('-')[2]),)

    @property
    def healthy(self) -> bool:
        return True

    def _sequence_of(self, event_id: str) -> int | None:
        epoch, _, sequence = event_id.partition('-')
        if epoch != self.epoch or not sequence.isdigit() or len(sequence) > 18:
            return None
        return int(sequence)
