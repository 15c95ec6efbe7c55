"""Products on deals: opportunity lines, and deal amounts as the sum of their lines."""
from __future__ import annotations

import numpy as np
import pandas as pd

from etl.demo.frames import contract_frame, group_positions
from etl.demo.catalog import PRODUCTS

SEATS_BY_SEGMENT = np.array([7.0, 17.0, 30.0])
# Core licence mix by segment over (Starter, Professional, Enterprise).
CORE_MIX = np.array([[0.6, 0.4, 0.0], [0.0, 0.8, 0.2], [0.0, 0.3, 0.7]])
EXTRA_WEIGHTS = np.array([0, 0, 0, 3, 2, 1, 2, 2, 1, 3, 1, 0.6, 1, 1.5, 2, 1.2])
DISCOUNTS = np.array([0.0, 0.05, 0.10, 0.15, 0.20, 0.25, 0.30])
DISCOUNT_MIX = np.array([[0.60, 0.28, 0.10, 0.02, 0, 0, 0],
                         [0.30, 0.25, 0.22, 0.13, 0.10, 0, 0],
                         [0.05, 0.15, 0.20, 0.22, 0.18, 0.12, 0.08]])


def plan_lines(rng: np.random.Generator, segment: np.ndarray, deal_ids: np.ndarray):
    """Lines for each deal and the deal amounts.

    Returns (lines frame in contract shape, amount per deal = Σ quantity × unit_price
    × (1 − discount), each line rounded to cents).
    """
    n = segment.size
    counts = np.minimum(1 + rng.poisson(0.8, n), 4)
    deal, pos = group_positions(counts)
    seats = np.maximum(np.round(SEATS_BY_SEGMENT[segment] * np.exp(rng.normal(0, 0.35, n))), 1)
    product = _products(rng, segment[deal], pos)
    quantity = _quantities(rng, product, seats[deal])
    list_price = np.array([p[3] for p in PRODUCTS], dtype=float)
    negotiated = rng.random(deal.size) < 0.2
    price = np.round(list_price[product] * np.where(negotiated, rng.uniform(0.9, 1.05, deal.size), 1), 2)
    cdf = np.cumsum(DISCOUNT_MIX[segment], axis=1)
    discount = DISCOUNTS[(rng.random(n)[:, None] > cdf).sum(axis=1)][deal]
    revenue = np.round(quantity * price * (1 - discount), 2)
    amount = np.round(np.bincount(deal, weights=revenue, minlength=n), 2)
    frame = contract_frame("opportunity_lines", {
        "opportunity_id": deal_ids[deal],
        "product_id": np.array([p[0] for p in PRODUCTS], dtype=object)[product],
        "quantity": quantity, "unit_price": price, "discount": discount,
        "unit_cost": np.array([p[4] for p in PRODUCTS], dtype=float)[product]})
    return frame, amount, product[pos == 0]


def _products(rng, segment: np.ndarray, pos: np.ndarray) -> np.ndarray:
    """First line: a core licence fitting the segment; further lines: add-ons, services..."""
    cdf = np.cumsum(CORE_MIX[segment], axis=1)
    core = (rng.random(segment.size)[:, None] > cdf).sum(axis=1)
    extras = np.cumsum(EXTRA_WEIGHTS) / EXTRA_WEIGHTS.sum()
    extra = np.minimum(np.searchsorted(extras, rng.random(segment.size), side="right"),
                       len(PRODUCTS) - 1)
    return np.where(pos == 0, core, extra)


def _quantities(rng, product: np.ndarray, seats: np.ndarray) -> np.ndarray:
    """Units per line, by how the product is counted."""
    kind = pd.Index(["seat", "device", "room", "day", "trainee", "one"]).get_indexer(
        np.array([p[5] for p in PRODUCTS], dtype=object)[product])
    share = rng.uniform(0.3, 1.0, product.size)
    options = np.stack([
        seats * np.where(product < 3, 1.0, share),     # licences: all seats; add-ons: some
        seats * share,                                 # devices
        1 + np.floor(seats / 25 * share),              # meeting rooms
        2 + np.round(seats / 6 * share * 2),           # consultant days
        1 + np.round(seats * share * 0.4),             # trainees
        np.ones(product.size),                         # packages, yearly plans
    ])
    return np.maximum(np.round(options[kind, np.arange(product.size)]), 1.0)
