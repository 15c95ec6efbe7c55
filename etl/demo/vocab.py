"""Vocabularies and mixes shared by several demo generators (beyond the contract's own)."""
from __future__ import annotations

import numpy as np

from etl import contract

INDUSTRIES = ("Manufacturing", "Retail", "Financial Services", "Healthcare", "Technology",
              "Logistics", "Energy", "Education", "Public Sector", "Professional Services")
INDUSTRY_SHARE = (0.16, 0.12, 0.10, 0.09, 0.15, 0.10, 0.06, 0.06, 0.05, 0.11)

SEGMENTS = contract.SEGMENTS                      # SMB, Mid-Market, Enterprise
SEGMENT_SHARE = (0.56, 0.32, 0.12)
# Typical employees, sales-cycle days and touches per deal by segment.
SEGMENT_EMPLOYEES = np.array([25.0, 300.0, 4000.0])
SEGMENT_CYCLE_DAYS = np.array([21.0, 35.0, 60.0])
SEGMENT_TOUCHES = np.array([2.0, 3.3, 5.7])   # ∝ cycle: same pace in every segment
SEGMENT_WIN_SHIFT = np.array([0.25, 0.0, -0.35])

# Where a converted lead's account says it came from.
SOURCE_TO_CHANNEL = {
    "web_form": "organic_search", "phone": "paid_search", "chat": "organic_search",
    "callback_widget": "paid_search", "messenger": "social", "email_campaign": "email_campaign",
    "social": "social", "trade_show": "event", "referral": "referral", "partner": "partner",
    "outbound": "outbound",
}
CHANNEL_INDEX = {c: i for i, c in enumerate(contract.ACQUISITION_CHANNELS)}
SOURCE_CHANNEL = np.array([CHANNEL_INDEX[SOURCE_TO_CHANNEL[s]] for s in contract.LEAD_SOURCES])
