"""Real servers for tests: `python app.py` in a subprocess on a free port, its own database, its log kept.

Like py-shiny's playwright conftest: start, wait until it answers, dump the log when a test fails.
"""

import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx

from bench.harness import free_port, wait_until_answering

ROOT = Path(__file__).resolve().parent.parent
STARTUP_SECONDS = 45


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
        try:
            wait_until_answering(self.process, self.url, self.log, STARTUP_SECONDS)
        except TimeoutError:
            self.stop()
            raise
