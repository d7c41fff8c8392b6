"""The floors: minimal servers each benchmark is measured against, in the same run, by the same load generators.

A floor answers the part of the app's HTTP surface a benchmark drives (`/healthz`, `GET /api/products` with one
product, `PATCH /api/admin/products/{id}` renaming it), and pushes each rename the bare way its transport allows:
`sse_asgi` (a bare ASGI app on uvicorn) and `sse_node.js` (Node's `http` module) write one pre-encoded frame to
every open `/api/cache-events` stream; `socketio_bare` (python-socketio as NiceGUI sets it up) emits one message
per connected shopper; `nicegui_bare` is a NiceGUI page with one label per client; `websocket_echo` answers a
browser's WebSocket messages. Each runs as a subprocess on a free port, like the app (`Floor`).
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

from bench.harness import Server

FLOORS = Path(__file__).resolve().parent
NODE = shutil.which('node') or '/usr/bin/node'


class Floor(Server):
    """`with Floor('sse_asgi', '512') as floor:` starts `python -m bench.floors.sse_asgi PORT 512` (a `.js` name
    runs under Node) and stops it afterwards; `floor.url`, `cpu_seconds()`, `rss()` and `admin()` as for the app."""

    def __init__(self, name: str, *args: str) -> None:
        super().__init__(name=name.removesuffix('.js'))
        self.floor = name
        self.args = args

    def command(self) -> list[str]:
        if self.floor.endswith('.js'):
            return [NODE, str(FLOORS / self.floor), str(self.port), *self.args]
        return [sys.executable, '-m', f'bench.floors.{self.floor}', str(self.port), *self.args]

    def _spawn(self) -> None:
        env = {k: v for k, v in os.environ.items() if k != 'PYTEST_CURRENT_TEST' and not k.startswith('NICEGUI')}
        env.update(PYTHONUNBUFFERED='1', PYTHONPATH=str(FLOORS.parent.parent))
        with self.log_path.open('ab') as log:
            self.process = subprocess.Popen(
                self.command(), cwd=self.folder, env=env, stdout=log, stderr=subprocess.STDOUT
            )
