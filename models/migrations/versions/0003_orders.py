"""orders: what shoppers bought, at the prices they paid

Revision ID: 0003
Revises: 0002

Two tables and no change-log trigger: an order is no catalog change, and customers never appear in events.
What an order does to the catalog (its stock movements, reason `order <number>`) goes through `variant` and
`stockmovement`, whose triggers (0002) log it like any other stock change. A line keeps the variant's SKU and
names as they were, so it still reads right once the variant is renamed or deleted (`variant_id` then NULL).
"""

import sqlalchemy as sa
from alembic import op

import models.tables

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'customer_order',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('number', sa.String(length=16), nullable=False),
        sa.Column('token', sa.String(length=64), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('customer_name', sa.String(length=200), nullable=False),
        sa.Column('customer_email', sa.String(length=254), nullable=False),
        sa.Column('customer_address', sa.String(length=1000), nullable=False),
        sa.Column('total', sa.Integer(), nullable=False),
        sa.Column('placed_at', models.tables.UTCDateTime(), nullable=False),
        sa.Column('cancelled_at', models.tables.UTCDateTime(), nullable=True),
        sa.CheckConstraint("status IN ('placed', 'cancelled')", name='order_status_known'),
        sa.CheckConstraint('total >= 0', name='order_total_not_negative'),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('customer_order', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_customer_order_number'), ['number'], unique=True)
        batch_op.create_index(batch_op.f('ix_customer_order_token'), ['token'], unique=True)
        batch_op.create_index(batch_op.f('ix_customer_order_placed_at'), ['placed_at'], unique=False)

    op.create_table(
        'order_line',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('order_id', sa.Integer(), nullable=False),
        sa.Column('variant_id', sa.Integer(), nullable=True),
        sa.Column('sku', sa.String(length=64), nullable=False),
        sa.Column('product_name', sa.String(length=200), nullable=False),
        sa.Column('variant_name', sa.String(length=200), nullable=False),
        sa.Column('price', sa.Integer(), nullable=False),
        sa.Column('quantity', sa.Integer(), nullable=False),
        sa.CheckConstraint('price >= 0', name='line_price_not_negative'),
        sa.CheckConstraint('quantity > 0', name='line_quantity_positive'),
        sa.ForeignKeyConstraint(['order_id'], ['customer_order.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['variant_id'], ['variant.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('order_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_order_line_order_id'), ['order_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_order_line_variant_id'), ['variant_id'], unique=False)


def downgrade() -> None:
    op.drop_table('order_line')
    op.drop_table('customer_order')
