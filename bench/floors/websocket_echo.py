"""The freshness floor for the browser's side: a bare WebSocket round trip on our stack (uvicorn, wsproto).

`python -m bench.floors.websocket_echo PORT`. `GET /` is an empty page; `/ws` sends back every message it
receives. `bench.freshness` opens the page in Chromium and times round trips on the browser's clock.
"""

import sys
from typing import Any

import uvicorn
from starlette.types import Receive, Send

from bench.floors.http import Catalog, not_found

PAGE = b'<!DOCTYPE html><html><head><title>floor</title></head><body></body></html>'
ROUND_TRIPS = """async count => {
  const ws = new WebSocket(`ws://${location.host}/ws`);
  await new Promise((resolve, reject) => { ws.onopen = resolve; ws.onerror = reject; });
  const times = [];
  for (let i = 0; i <= count; i++) {
    const echoed = new Promise(resolve => { ws.onmessage = resolve; });
    const sent = performance.now();
    ws.send(`round trip ${i}`);
    await echoed;
    times.push(performance.now() - sent);
  }
  ws.close();
  return times.slice(1);  // the first one warms up
}"""


async def app(scope: dict[str, Any], receive: Receive, send: Send) -> None:
    if scope['type'] == 'websocket':
        await echo(receive, send)
    elif scope['type'] == 'http' and scope['path'] == '/':
        await send({'type': 'http.response.start', 'status': 200, 'headers': [(b'content-type', b'text/html')]})
        await send({'type': 'http.response.body', 'body': PAGE})
    elif scope['type'] == 'http' and not await catalog.route(scope, receive, send):
        await not_found(send)


async def echo(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message['type'] == 'websocket.connect':
            await send({'type': 'websocket.accept'})
        elif message['type'] == 'websocket.receive':
            await send({'type': 'websocket.send', 'text': message.get('text'), 'bytes': message.get('bytes')})
        else:
            return


catalog = Catalog(lambda _name: None)  # `/healthz`, for the start

if __name__ == '__main__':
    uvicorn.run(app, host='127.0.0.1', port=int(sys.argv[1]), log_level='warning', ws='wsproto', lifespan='off')
