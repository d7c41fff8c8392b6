"""`python app.py` in a subprocess, as an operator starts it: a free port, its own folder, environment and
database, its log kept in that folder; started when it answers `/healthz`, stopped by SIGTERM or killed.

Like py-shiny's playwright conftest. The child does not inherit `PYTEST_CURRENT_TEST` or `NICEGUI_*`: NiceGUI
would think it runs under pytest.
"""

import os
import signal
import socket
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Self

import httpx

from testkit.waiting import eventually

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / 'app.py'
STARTUP_SECONDS = 45
PORT_ATTEMPTS = 3  # another process may take a free port between the probe and the app's bind


class AppProcess:
    """The app on 127.0.0.1; `env` overrides the inherited environment (the database defaults to a SQLite file
    in `folder`). Without a `port`, a free one is picked, and another one if it was taken before the app bound it.
    """

    def __init__(self, folder: Path, env: Mapping[str, str] | None = None, *, name: str = 'app', port: int = 0):
        self.folder = folder
        self.name = name
        self.env = {'STOREFRONT_DATABASE_URL': f'sqlite:///{folder / "storefront.db"}', **(env or {})}
        self.port_given = port != 0
        self.port = port or free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f'http://127.0.0.1:{self.port}'

    @property
    def log_path(self) -> Path:
        return self.folder / f'{self.name}-{self.port}.log'

    def start(self, timeout: float = STARTUP_SECONDS, *, attempts: int = PORT_ATTEMPTS) -> Self:
        """Starts the app and returns once it answers; raises with its log if it exits or stays silent."""
        self._spawn()
        try:
            eventually(self._answers, timeout, what=lambda: f'app on port {self.port} did not answer:\n{self.log()}')
        except PortTaken:
            if self.port_given or attempts <= 1:
                raise
            self.port = free_port()
            return self.start(timeout, attempts=attempts - 1)
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 15) -> int | None:
        """Sends `sig` and returns the exit status; kills the process if it has not exited within `timeout`."""
        if self.process is None or self.process.poll() is not None:
            return self.process.returncode if self.process else None
        self.process.send_signal(sig)
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return self.process.wait(5)

    def kill(self) -> None:
        self.stop(signal.SIGKILL)

    def log(self) -> str:
        return self.log_path.read_text(errors='replace') if self.log_path.exists() else ''

    def _spawn(self) -> None:
        env = {k: v for k, v in os.environ.items() if k != 'PYTEST_CURRENT_TEST' and not k.startswith('NICEGUI')}
        env.update(self.env, STOREFRONT_PORT=str(self.port), STOREFRONT_HOST='127.0.0.1', PYTHONUNBUFFERED='1')
        with self.log_path.open('ab') as log:
            self.process = subprocess.Popen(
                [sys.executable, str(APP)], cwd=self.folder, env=env, stdout=log, stderr=subprocess.STDOUT
            )

    def _answers(self) -> bool:
        assert self.process is not None
        if self.process.poll() is not None:
            log = self.log()
            error = PortTaken if 'address already in use' in log else RuntimeError
            raise error(f'app exited with {self.process.returncode} during start:\n{log}')
        try:
            return httpx.get(f'{self.url}/healthz', timeout=1).status_code == 200
        except httpx.HTTPError:
            return False


class PortTaken(RuntimeError):
    """The app could not bind its port: another process holds it."""


def free_port() -> int:
    """A port no socket holds at this moment (the kernel's pick for port 0)."""
    with socket.socket() as probe:
        probe.bind(('127.0.0.1', 0))
        return int(probe.getsockname()[1])
