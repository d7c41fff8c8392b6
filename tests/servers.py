"""Real servers for tests: `python app.py` in a subprocess on a free port, its own database, its log kept.

Like py-shiny's playwright conftest: start, wait until it answers, dump the log when a test fails.
"""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
STARTUP_SECONDS = 45


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(('127.0.0.1', 0))
        return int(probe.getsockname()[1])


class AppServer:
    def __init__(self, folder: Path, env: dict[str, str] | None = None, name: str = 'app') -> None:
        self.folder = folder
        self.port = free_port()
        self.url = f'http://127.0.0.1:{self.port}'
        self.log_path = folder / f'{name}-{self.port}.log'
        self.env = {'STOREFRONT_DATABASE_URL': f'sqlite:///{folder / "storefront.db"}', **(env or {})}
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def token(self) -> str:
        return self.env.get('STOREFRONT_ADMIN_TOKEN') or os.environ['STOREFRONT_ADMIN_TOKEN']

    def start(self) -> 'AppServer':
        env = {k: v for k, v in os.environ.items() if k != 'PYTEST_CURRENT_TEST' and not k.startswith('NICEGUI')}
        env.update(self.env, STOREFRONT_PORT=str(self.port), STOREFRONT_HOST='127.0.0.1', PYTHONUNBUFFERED='1')
        log = self.log_path.open('ab')
        self.process = subprocess.Popen(
            [sys.executable, str(ROOT / 'app.py')], cwd=self.folder, env=env, stdout=log, stderr=subprocess.STDOUT
        )
        log.close()
        self._wait_until_ready()
        return self

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 15) -> int | None:
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

    def admin(self, timeout: float = 10) -> httpx.Client:
        return httpx.Client(base_url=self.url, headers={'Authorization': f'Bearer {self.token}'}, timeout=timeout)

    def client(self, timeout: float = 10) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=timeout)

    def _wait_until_ready(self) -> None:
        assert self.process is not None
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f'app exited with {self.process.returncode} during start:\n{self.log()}')
            try:
                if httpx.get(f'{self.url}/healthz', timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.05)  # polling a condition with a deadline, not a synchronisation sleep
        self.stop()
        raise RuntimeError(f'app did not answer within {STARTUP_SECONDS} s:\n{self.log()}')
