"""A rollup of deal lines by product

Closed-deal sums per local month, product, owner and account territory at the grain of deal
lines, so revenue by product (the Overview's treemap) and one product's figures need not
join a million deals to their lines. Empty after the upgrade; KPIs read the CRM tables
until the next import or `python -m app db refresh-rollups` builds it.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 18:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

SUMS = ("closed_rows", "closed_revenue", "closed_won", "closed_lost", "closed_cycle_sum", "closed_cycle_n",
        "first_won_rows", "first_won_revenue", "margin_rows", "margin_margin", "margin_revenue")


def upgrade() -> None:
    op.create_table('rollup_deal_products_monthly',
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('product_id', sa.String(length=64), nullable=True),
    sa.Column('rep_id', sa.String(length=64), nullable=False),
    sa.Column('territory_id', sa.String(length=64), nullable=True),
    *(sa.Column(name, sa.Float(), nullable=True) for name in SUMS)
    )
    with op.batch_alter_table('rollup_deal_products_monthly', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rollup_deal_products_monthly_month'), ['month'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('rollup_deal_products_monthly', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rollup_deal_products_monthly_month'))
    op.drop_table('rollup_deal_products_monthly')
