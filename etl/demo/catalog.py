"""What is sold and how deals progress: the product catalogue and the default stages."""
from __future__ import annotations

import numpy as np
import pandas as pd

from etl import contract
from etl.demo.frames import contract_frame

# product_id, name, category, list price, unit cost, how quantity is counted
PRODUCTS = (
    ("PRD-CRM-S", "Sales Cloud Starter (seat/year)", "Software", 600, 70, "seat"),
    ("PRD-CRM-P", "Sales Cloud Professional (seat/year)", "Software", 1200, 130, "seat"),
    ("PRD-CRM-E", "Sales Cloud Enterprise (seat/year)", "Software", 2400, 260, "seat"),
    ("PRD-ADD-AN", "Analytics Add-on (seat/year)", "Add-ons", 480, 60, "seat"),
    ("PRD-ADD-TEL", "Telephony Add-on (seat/year)", "Add-ons", 300, 95, "seat"),
    ("PRD-ADD-MKT", "Marketing Automation (year)", "Add-ons", 9000, 1400, "one"),
    ("PRD-HW-PHONE", "IP Desk Phone", "Hardware", 180, 115, "device"),
    ("PRD-HW-HEAD", "Headset Pro", "Hardware", 120, 70, "device"),
    ("PRD-HW-ROOM", "Conference Room Kit", "Hardware", 2500, 1650, "room"),
    ("PRD-SVC-DAY", "Implementation (consultant day)", "Services", 1100, 620, "day"),
    ("PRD-SVC-MIG", "Data Migration Package", "Services", 6000, 3300, "one"),
    ("PRD-SVC-INT", "Custom Integration", "Services", 15000, 8800, "one"),
    ("PRD-TRN-ADM", "Administrator Training (seat)", "Training", 450, 140, "trainee"),
    ("PRD-TRN-USR", "End-User Training (seat)", "Training", 150, 40, "trainee"),
    ("PRD-SUP-STD", "Standard Support (year)", "Support", 1000, 280, "one"),
    ("PRD-SUP-PRM", "Premium Support (year)", "Support", 3500, 950, "one"),
)


def product_frame() -> pd.DataFrame:
    """The products table (fixed catalogue)."""
    cols = list(zip(*PRODUCTS))
    return contract_frame("products", {
        "product_id": np.array(cols[0], dtype=object), "name": np.array(cols[1], dtype=object),
        "category": np.array(cols[2], dtype=object), "list_price": np.array(cols[3], dtype=float),
        "unit_cost": np.array(cols[4], dtype=float)})


def stage_frame() -> pd.DataFrame:
    """The contract's default stages, as the stages table."""
    stage, position, probability, category = zip(*contract.DEFAULT_STAGES)
    return contract_frame("stages", {
        "stage": np.array(stage, dtype=object), "position": np.array(position),
        "probability": np.array(probability), "category": np.array(category, dtype=object)})
