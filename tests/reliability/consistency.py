"""What a consistent catalog database looks like, checked from outside the app (it may be running, or dead)."""

from sqlalchemy import func, text
from sqlmodel import Session, select

from models.db import create_db_engine
from models.tables import StockMovement, Variant


def assert_consistent(database_url: str) -> dict[int, int]:
    """The file passes SQLite's integrity check, and every variant's stock is the sum of its movements.

    Returns the stock of every variant.
    """
    engine = create_db_engine(database_url)
    try:
        with Session(engine) as session:
            if engine.dialect.name == 'sqlite':
                assert session.exec(text('PRAGMA integrity_check')).one()[0] == 'ok'  # type: ignore[call-overload]
                assert not session.exec(text('PRAGMA foreign_key_check')).all()  # type: ignore[call-overload]
            logged = dict(
                session.exec(
                    select(StockMovement.variant_id, func.sum(StockMovement.delta)).group_by(StockMovement.variant_id)
                ).all()
            )
            stock = {v.id: v.stock_on_hand for v in session.exec(select(Variant)).all() if v.id is not None}
    finally:
        engine.dispose()
    for variant_id, on_hand in stock.items():
        assert on_hand == logged.get(variant_id, 0), f'variant {variant_id}: {on_hand} on hand, log says {logged}'
    return stock
