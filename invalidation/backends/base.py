"""The backend interface, as small as broadcaster's, plus what replay needs: history and an id order."""

from typing import Protocol

Message = tuple[str, str]  # (event id, encoded event)


class Backend(Protocol):
    async def connect(self) -> None: ...

    async def disconnect(self) -> None: ...

    async def publish(self, data: str) -> str:
        """Appends one encoded event; returns its id, totally ordered within this bus."""

    async def next_published(self) -> Message:
        """The next event, in publish order, as every process sees it."""

    async def history_after(self, last_id: str) -> list[Message] | None:
        """Retained events after `last_id`, or None when that id is malformed, unknown or evicted."""

    async def head_id(self) -> str:
        """The id of the newest event (or of the bus's empty start), to resume from after a resync."""

    def order_key(self, event_id: str) -> tuple[int, ...]:
        """Sort key of a well-formed id of this bus."""

    @property
    def healthy(self) -> bool: ...
