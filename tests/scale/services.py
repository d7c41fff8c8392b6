"""What the scale-out tests run besides the app: nginx from the README, SSE readers."""

import os
import queue
import re
import shutil
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from httpx_sse import ServerSentEvent, connect_sse

from testkit.waiting import eventually
from tests.servers import ROOT, free_port

NGINX = shutil.which('nginx') or '/usr/sbin/nginx'
README = ROOT / 'README.md'
TIMEOUT = 15


class Nginx:
    """nginx in the foreground on a free port, with the README's configuration pointed at `backends`."""

    def __init__(self, folder: Path, backends: list[int]) -> None:
        if not Path(NGINX).exists():
            pytest.skip('nginx is not installed (apt-get install nginx)')
        self.folder = folder
        self.port = free_port()
        self.url = f'http://127.0.0.1:{self.port}'
        self.config = folder / 'nginx.conf'
        self.config.write_text(main_config(folder, site_config(backends, self.port)))
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> 'Nginx':
        log = (self.folder / 'nginx-error.log').open('ab')
        self.process = subprocess.Popen(
            [NGINX, '-p', str(self.folder), '-c', str(self.config), '-e', str(self.folder / 'nginx-error.log')],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        eventually(self._answers, TIMEOUT, what=f'nginx on port {self.port}')
        return self

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)

    def log(self) -> str:
        return (self.folder / 'nginx-error.log').read_text(errors='replace')

    def _answers(self) -> bool:
        assert self.process is not None
        if self.process.poll() is not None:
            raise RuntimeError(f'nginx exited with {self.process.returncode}:\n{self.log()}')
        try:
            return httpx.get(f'{self.url}/healthz', timeout=1).status_code == 200
        except httpx.HTTPError:
            return False


def site_config(backends: list[int], listen: int) -> str:
    """The README's nginx block with its example ports replaced: upstream servers and the listen port."""
    block = re.search(r'```nginx\n(.*?)```', README.read_text(), re.S)
    assert block is not None, 'README.md has no nginx block'
    template = block[1]
    servers = ''.join(f'    server 127.0.0.1:{port};\n' for port in backends)
    template = re.sub(r'(    server 127\.0\.0\.1:\d+;\n)+', servers, template, count=1)
    return re.sub(r'listen \d+;', f'listen 127.0.0.1:{listen};', template)


def main_config(folder: Path, site: str) -> str:
    """What /etc/nginx/nginx.conf provides on a server: here a foreground process whose files stay in `folder`."""
    user = 'user root;\n' if os.geteuid() == 0 else ''  # root's workers would run as nobody, who cannot use tmp
    temp = ''.join(
        f'    {name}_temp_path {folder / name};\n' for name in ('client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi')
    )
    return (
        f'{user}daemon off;\nworker_processes 1;\npid {folder / "nginx.pid"};\n'
        f'events {{ worker_connections 1024; }}\n'
        f'http {{\n    access_log off;\n{temp}{site}\n}}\n'
    )


class EventStream:
    """An SSE client on a thread: events land in a queue, so a test can hold several streams and wait on each."""

    def __init__(self, url: str, headers: dict[str, str] | None = None) -> None:
        self.events: queue.Queue[ServerSentEvent] = queue.Queue()
        self._client = httpx.Client(timeout=httpx.Timeout(10, read=None))
        self._url = url
        self._headers = headers or {}
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def next(self, timeout: float = TIMEOUT) -> ServerSentEvent:
        try:
            return self.events.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError(f'no event from {self._url} within {timeout} s') from None

    def next_matching(self, predicate: Callable[[ServerSentEvent], bool], timeout: float = TIMEOUT) -> ServerSentEvent:
        deadline = time.monotonic() + timeout
        while True:
            event = self.next(max(0.01, deadline - time.monotonic()))
            if predicate(event):
                return event

    def close(self) -> None:
        self._client.close()

    def _read(self) -> None:
        try:
            with connect_sse(self._client, 'GET', self._url, headers=self._headers) as source:
                for event in source.iter_sse():
                    self.events.put(event)
        except (httpx.HTTPError, RuntimeError):
            pass  # closed by the test
