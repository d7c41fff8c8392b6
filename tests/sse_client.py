"""A small, strict SSE reader for tests: sees comments (`: connected`, `: ping`) that EventSource clients hide."""

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx


@dataclass
class Frame:
    id: str | None = None
    event: str | None = None
    data: str = ''
    retry: int | None = None
    comments: list[str] = field(default_factory=list)

    @property
    def payload(self) -> dict[str, Any]:
        return json.loads(self.data)


class Stream:
    def __init__(self, response: httpx.Response) -> None:
        self.response = response
        self._lines = response.iter_lines()

    def next_frame(self) -> Frame:
        """The next dispatched event or comment block (the client's read timeout bounds the wait)."""
        frame = Frame()
        for line in self._lines:
            if line == '':
                if frame.data or frame.comments or frame.retry is not None:
                    return frame
                continue
            name, _, value = line.partition(':')
            value = value.removeprefix(' ')
            if name == '':
                frame.comments.append(value)
            elif name == 'data':
                frame.data = f'{frame.data}\n{value}' if frame.data else value
            elif name == 'retry':
                frame.retry = int(value)
            elif name in {'id', 'event'}:
                setattr(frame, name, value)
        raise EOFError('stream closed')

    def next_event(self) -> Frame:
        while not (frame := self.next_frame()).data:
            pass
        return frame

    def events(self, count: int) -> list[Frame]:
        return [self.next_event() for _ in range(count)]


@contextmanager
def open_stream(
    base_url: str,
    params: list[tuple[str, str]] | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = 10,
) -> Iterator[Stream]:
    """An open `/api/cache-events` stream that is already subscribed (its `: connected` comment was read)."""
    with (
        httpx.Client(base_url=base_url, timeout=timeout) as client,
        client.stream('GET', '/api/cache-events', params=params or [], headers=headers or {}) as response,
    ):
        response.raise_for_status()
        stream = Stream(response)
        hello = stream.next_frame()
        assert 'connected' in hello.comments, hello
        yield stream
