"""The fan-out floor a NiceGUI user would write: one page, one label per client, renamed for every client.

`python -m bench.floors.nicegui_bare PORT`. Each page subscribes its label's `set_text` to a `nicegui.Event`;
a rename emits the new name to every subscriber. `ui.run` as NiceGUI's docs start an app (its uvicorn runs
wsproto too), with NiceGUI's own middleware in front of every route, the API routes included.
"""

import sys
from typing import Any

from nicegui import Event, app, ui

from bench.floors.http import PRODUCT_ID

renamed: Event[[str]] = Event()
product: dict[str, Any] = {'id': PRODUCT_ID, 'name': 'Floor product', 'version': 1}


@ui.page('/')
def index() -> None:
    label = ui.label(str(product['name']))
    renamed.subscribe(label.set_text)


@app.get('/healthz')
async def healthz() -> dict[str, str]:
    return {'status': 'ok'}


@app.get('/api/products')
async def products() -> dict[str, Any]:
    return {'items': [product], 'total': 1, 'page': 1, 'page_size': 24}


@app.patch('/api/admin/products/{product_id}')
async def rename(product_id: int, change: dict[str, Any]) -> dict[str, Any]:
    product.update(name=change['name'], version=product['version'] + 1)
    renamed.emit(change['name'])
    return product


if __name__ in {'__main__', '__mp_main__'}:
    ui.run(
        host='127.0.0.1',
        port=int(sys.argv[1]),
        reload=False,
        show=False,
        show_welcome_message=False,
        uvicorn_logging_level='warning',
    )
