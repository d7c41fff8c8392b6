"""Work for other processes (multiprocessing's spawn imports this small module, not a test module)."""

import httpx
from sqlmodel import Session

from models import catalog
from models.db import create_db_engine
from models.errors import Invalid


def adjust_over_http(url: str, token: str, variant_id: int, deltas: list[int]) -> list[int]:
    """Posts each delta to the admin API; returns the deltas that were acknowledged with 200."""
    acknowledged = []
    with httpx.Client(base_url=url, headers={'Authorization': f'Bearer {token}'}, timeout=60) as admin:
        for delta in deltas:
            response = admin.post(f'/api/admin/variants/{variant_id}/stock', json={'delta': delta, 'reason': 'race'})
            assert response.status_code in {200, 422}, response.text
            if response.status_code == 200:
                acknowledged.append(delta)
    return acknowledged


def adjust_in_database(database_url: str, variant_id: int, deltas: list[int]) -> list[int]:
    """Calls `catalog.adjust_stock` directly on the shared database; returns the deltas that committed."""
    engine = create_db_engine(database_url)
    committed = []
    try:
        with Session(engine, expire_on_commit=False) as session:
            for delta in deltas:
                try:
                    catalog.adjust_stock(session=session, variant_id=variant_id, delta=delta, reason='race')
                except Invalid:
                    continue
                committed.append(delta)
    finally:
        engine.dispose()
    return committed
