"""initial catalog

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

import models.tables

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'category',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('slug', sa.String(length=120), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('category', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_category_slug'), ['slug'], unique=True)

    op.create_table(
        'product',
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('description', sa.String(length=5000), nullable=False),
        sa.Column('enabled', sa.Boolean(), nullable=False),
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('slug', sa.String(length=120), nullable=False),
        sa.Column('category_id', sa.Integer(), nullable=False),
        sa.Column('search_text', sa.String(length=20000), nullable=False),
        sa.Column('created_at', models.tables.UTCDateTime(), nullable=False),
        sa.Column('updated_at', models.tables.UTCDateTime(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ['category_id'],
            ['category.id'],
        ),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('product', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_product_category_id'), ['category_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_product_slug'), ['slug'], unique=True)

    op.create_table(
        'variant',
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('price', sa.Integer(), nullable=False),
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('product_id', sa.Integer(), nullable=False),
        sa.Column('sku', sa.String(length=64), nullable=False),
        sa.Column('stock_on_hand', sa.Integer(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.CheckConstraint('price >= 0', name='price_not_negative'),
        sa.CheckConstraint('stock_on_hand >= 0', name='stock_not_negative'),
        sa.ForeignKeyConstraint(['product_id'], ['product.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('variant', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_variant_product_id'), ['product_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_variant_sku'), ['sku'], unique=True)

    op.create_table(
        'stockmovement',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('variant_id', sa.Integer(), nullable=False),
        sa.Column('delta', sa.Integer(), nullable=False),
        sa.Column('stock_after', sa.Integer(), nullable=False),
        sa.Column('reason', sa.String(length=200), nullable=False),
        sa.Column('created_at', models.tables.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['variant_id'], ['variant.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('stockmovement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stockmovement_variant_id'), ['variant_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('stockmovement', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stockmovement_variant_id'))

    op.drop_table('stockmovement')
    with op.batch_alter_table('variant', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_variant_sku'))
        batch_op.drop_index(batch_op.f('ix_variant_product_id'))

    op.drop_table('variant')
    with op.batch_alter_table('product', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_product_slug'))
        batch_op.drop_index(batch_op.f('ix_product_category_id'))

    op.drop_table('product')
    with op.batch_alter_table('category', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_category_slug'))

    op.drop_table('category')
