"""Guarantee 1 and 2 at the source: the database records every committed write, once per transaction, in order.

Every test runs on SQLite and on PostgreSQL. Writers include this app's catalog functions, bulk statements, raw
SQL on a connection of its own (as psql or the sqlite3 shell would write) and racing threads and processes.
"""

import asyncio
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Callable

import pytest
from sqlalchemy import Engine, text, update
from sqlmodel import Session

from invalidation.bus import Bus, Subscription
from invalidation.events import Event, of_transaction
from models import catalog
from models.changelog import ChangeLog
from models.errors import Invalid
from models.tables import Product, ProductPublic, ProductUpdate, Variant, VariantUpdate
from tests.factories import make_category, make_product, variant_in
from tests.invalidation.conftest import Writer

TIMEOUT = 5


def events_after(engine: Engine, position: int) -> list[Event]:
    change_log = ChangeLog(engine)
    return [of_transaction(each, f'{change_log.log_id}-{each.position}') for each in change_log.read(position)]


def committed(engine: Engine, work: Callable[[Session], object]) -> list[Event]:
    """The events of what `work` commits, read straight from the log."""
    head = ChangeLog(engine).head()
    with Session(engine, expire_on_commit=False) as session:
        work(session)
    return events_after(engine, head)


@pytest.fixture
def product(log_engine: Engine) -> ProductPublic:
    with Session(log_engine) as session:
        return make_product(session, variants=[variant_in(), variant_in()])


def test_an_edit_is_one_event_with_the_new_version(log_engine: Engine, product: ProductPublic) -> None:
    (event,) = committed(
        log_engine,
        lambda s: catalog.update_product(
            session=s, product_id=product.id, version=product.version, changes=ProductUpdate(name='Renamed')
        ),
    )
    assert (event.type, event.product_ids, event.versions) == ('product-updated', (product.id,), {product.id: 2})
    assert event.origin == 'test'


def test_stock_changes_are_their_own_kind_and_name_the_variant(log_engine: Engine, product: ProductPublic) -> None:
    variant = product.variants[0]
    (event,) = committed(
        log_engine, lambda s: catalog.adjust_stock(session=s, variant_id=variant.id, delta=-1, reason='sold')
    )
    assert (event.type, event.product_ids, event.variant_ids) == ('stock-changed', (product.id,), (variant.id,))


def test_a_variant_edit_is_a_product_update_with_the_bumped_product_version(
    log_engine: Engine, product: ProductPublic
) -> None:
    variant = product.variants[1]
    (event,) = committed(
        log_engine,
        lambda s: catalog.update_variant(
            session=s, variant_id=variant.id, version=product.version, changes=VariantUpdate(price=1)
        ),
    )
    assert (event.type, event.variant_ids, event.versions) == ('product-updated', (variant.id,), {product.id: 2})


def test_create_and_delete_are_their_own_kinds(log_engine: Engine) -> None:
    with Session(log_engine) as session:
        category = make_category(session).slug
    (created,) = committed(log_engine, lambda s: make_product(s, category=category))
    assert created.type == 'product-created'
    (deleted,) = committed(log_engine, lambda s: catalog.delete_product(session=s, product_id=created.product_ids[0]))
    assert (deleted.type, deleted.product_ids) == ('product-deleted', created.product_ids)


def test_one_transaction_over_twenty_products_is_one_event(log_engine: Engine) -> None:
    with Session(log_engine) as session:
        category = make_category(session).slug
        ids = [make_product(session, category=category).id for _ in range(20)]

    def rename_all(session: Session) -> None:
        for product_id in ids:
            product = session.get(Product, product_id)
            assert product is not None
            product.name = f'{product.name} (new)'
        session.commit()

    (event,) = committed(log_engine, rename_all)
    assert (event.type, event.product_ids) == ('product-updated', tuple(sorted(ids)))
    assert all(event.versions[product_id] == 2 for product_id in ids)


def test_a_transaction_that_mixes_kinds_lists_each_products_own(log_engine: Engine, product: ProductPublic) -> None:
    with Session(log_engine) as session:
        other = make_product(session)

    def mixed(session: Session) -> None:
        session.get(Variant, product.variants[0].id).stock_on_hand = 0  # type: ignore[union-attr]
        session.get(Product, other.id).name = 'Other, renamed'  # type: ignore[union-attr]
        session.commit()

    (event,) = committed(log_engine, mixed)
    assert event.type == 'product-updated'
    assert event.kinds == {product.id: 'stock-changed', other.id: 'product-updated'}
    assert event.has_type({'stock-changed'})


def test_a_rollback_records_nothing(log_engine: Engine, product: ProductPublic) -> None:
    def rolled_back(session: Session) -> None:
        session.get(Product, product.id).name = 'Never'  # type: ignore[union-attr]
        session.flush()
        session.rollback()

    assert committed(log_engine, rolled_back) == []


def test_a_refused_write_records_nothing(log_engine: Engine, product: ProductPublic) -> None:
    def refused(session: Session) -> None:
        with pytest.raises(Invalid):
            catalog.adjust_stock(session=session, variant_id=product.variants[0].id, delta=-100, reason='x')
        with pytest.raises(Invalid):
            catalog.update_variant(
                session=session, variant_id=product.variants[0].id, version=None, changes=VariantUpdate(sku='dup')
            )
            catalog.update_variant(
                session=session, variant_id=product.variants[1].id, version=None, changes=VariantUpdate(sku='dup')
            )

    events = committed(log_engine, refused)
    assert [event.type for event in events] == ['product-updated']  # the first SKU change committed, alone


def test_a_savepoint_rollback_keeps_the_outer_changes_in_one_event(log_engine: Engine, product: ProductPublic) -> None:
    def outer_and_inner(session: Session) -> None:
        session.get(Product, product.id).name = 'Outer'  # type: ignore[union-attr]
        with session.begin_nested() as inner:
            session.get(Variant, product.variants[0].id).price = 1  # type: ignore[union-attr]
            session.flush()
            inner.rollback()
        session.get(Variant, product.variants[1].id).stock_on_hand = 9  # type: ignore[union-attr]
        session.commit()

    (event,) = committed(log_engine, outer_and_inner)
    assert event.variant_ids == (product.variants[1].id,)
    assert event.kinds == {} and event.type == 'product-updated'


def test_a_bulk_statement_names_every_row_it_changed(log_engine: Engine) -> None:
    with Session(log_engine) as session:
        category = make_category(session).slug
        ids = [make_product(session, category=category).id for _ in range(3)]

    def bulk(session: Session) -> None:
        session.execute(update(Variant).values(price=Variant.price + 1))
        session.commit()

    (event,) = committed(log_engine, bulk)
    assert set(ids) <= set(event.product_ids)


def test_a_category_rename_tells_everyone_to_refetch(log_engine: Engine, product: ProductPublic) -> None:
    def rename(session: Session) -> None:
        session.execute(text("UPDATE category SET name = 'Renamed'"))
        session.commit()

    (event,) = committed(log_engine, rename)
    assert (event.type, event.reason) == ('global-update', 'category')


def test_a_write_by_another_program_is_recorded(log_engine: Engine, product: ProductPublic) -> None:
    """No app code runs: a connection of its own, as psql or the sqlite3 shell would write."""
    head = ChangeLog(log_engine).head()
    outside_sql(log_engine, f'UPDATE variant SET price = 4321 WHERE id = {product.variants[0].id}')
    outside_sql(log_engine, f"UPDATE product SET name = 'By hand' WHERE id = {product.id}")
    events = events_after(log_engine, head)
    # SQLite cannot tell another program's transactions apart: what one read finds is one event
    expected = 2 if log_engine.dialect.name == 'postgresql' else 1
    assert [(event.type, event.product_ids) for event in events] == [('product-updated', (product.id,))] * expected
    assert events[0].variant_ids == (product.variants[0].id,)
    assert all(event.origin in {'sqlite', 'outside'} for event in events)


def outside_sql(engine: Engine, statement: str) -> None:
    if engine.dialect.name == 'sqlite':
        connection = sqlite3.connect(engine.url.database or '')
        with connection:
            connection.execute(statement)
        connection.close()
    else:
        import psycopg

        conninfo = engine.url.set(drivername='postgresql').render_as_string(hide_password=False)
        with psycopg.connect(conninfo, application_name='outside') as connection:
            connection.execute(statement)


def test_racing_threads_each_transaction_read_once_in_an_order_no_later_entry_contradicts(
    log_engine: Engine, writer: Writer
) -> None:
    """A reader follows the log while four threads commit: it must end with exactly the committed set, having
    never been handed a position at or below one it had already passed."""
    head = ChangeLog(log_engine).head()
    written: list[int] = []
    seen: list[int] = []
    stop = threading.Event()

    def write() -> None:
        for _ in range(15):
            written.append(writer())

    def read() -> None:
        position = head
        change_log = ChangeLog(log_engine)
        while not stop.is_set() or change_log.head() > position:
            for transaction in change_log.read(position):
                assert transaction.position > position
                position = transaction.position
                seen.extend(change.product_id for change in transaction.changes if change.kind == 'created')

    reader = threading.Thread(target=read)
    reader.start()
    threads = [threading.Thread(target=write) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    stop.set()
    reader.join(30)
    assert sorted(seen) == sorted(written) and len(seen) == len(set(seen)) == 60


@pytest.mark.postgres
def test_racing_processes_on_postgresql_are_read_once_each_in_commit_order(log_engine: Engine) -> None:
    """Four processes commit while a reader follows: positions come in commit order, so no committed transaction
    ever shows up below a position the reader has passed (sequence order alone would break this)."""
    if log_engine.dialect.name != 'postgresql':
        pytest.skip('processes racing on one SQLite file serialise anyway; threads cover SQLite')
    with Session(log_engine) as session:
        product = make_product(session, variants=[variant_in() for _ in range(4)])
    head = ChangeLog(log_engine).head()
    url = log_engine.url.render_as_string(hide_password=False)
    writers = [subprocess.Popen([sys.executable, '-c', RACER, url, str(variant.id)]) for variant in product.variants]
    seen: list[int] = []
    position = head
    change_log = ChangeLog(log_engine)
    while any(process.poll() is None for process in writers) or change_log.head() > position:
        for transaction in change_log.read(position):
            assert transaction.position > position
            position = transaction.position
            seen.append(transaction.position)
    assert all(process.wait(60) == 0 for process in writers)
    with log_engine.connect() as connection:
        committed_positions = (
            connection.execute(
                text('SELECT position FROM changelog_commit WHERE position > :head ORDER BY position'), {'head': head}
            )
            .scalars()
            .all()
        )
    assert seen == committed_positions and len(seen) == 4 * 25


RACER = """
import random, sys, time
from sqlalchemy import create_engine, text
engine = create_engine(sys.argv[1])
for n in range(25):
    with engine.begin() as connection:
        connection.execute(text('UPDATE variant SET price = price + 1 WHERE id = :id'), {'id': int(sys.argv[2])})
        time.sleep(random.random() / 200)  # each process its own row: commits race with each other and the reader
"""


async def test_the_tailer_delivers_an_outside_write_without_any_app_commit(
    bus: Bus, log_engine: Engine, product: ProductPublic
) -> None:
    """Woken by PostgreSQL's NOTIFY or SQLite's data_version, not by a commit of this process."""
    async with bus.subscribe() as subscription:
        await asyncio.to_thread(outside_sql, log_engine, f"UPDATE product SET name = 'Outside' WHERE id = {product.id}")
        event = await asyncio.wait_for(anext(subscription), TIMEOUT)
    assert event.product_ids == (product.id,)
    assert isinstance(subscription, Subscription)
