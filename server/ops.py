"""Operator endpoints: `/healthz` (liveness with the state of database and stream) and `/metrics` (Prometheus)."""

from typing import Any

from fastapi import APIRouter, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text
from starlette.concurrency import run_in_threadpool

from models.db import Database
from server.services import ServicesDep

router = APIRouter(tags=['operations'])


@router.get('/healthz')
async def healthz(services: ServicesDep, response: Response) -> dict[str, Any]:
    """`ok` when database and stream work; `degraded` (still 200: writes commit) when the stream does not."""
    bus = services.bus
    database = await run_in_threadpool(_database_answers, services.db)
    status = 'ok' if database and bus.healthy else 'degraded'
    if not database:
        response.status_code = 503
    return {
        'status': status,
        'database': 'ok' if database else 'down',
        'stream': 'ok' if bus.healthy else 'degraded',
        'log': bus.log.engine.dialect.name,
        'subscribers': bus.subscriber_count,
        'origin': bus.origin,
    }


@router.get('/metrics', response_class=Response)
def metrics() -> Response:
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)


def _database_answers(db: Database) -> bool:
    try:
        with db.engine.connect() as connection:
            connection.execute(text('SELECT 1'))
        return True
    except Exception:
        return False
