"""Every KPI of the catalogue (docs/kpis.md), one module per group. Importing this
package fills app.kpi.registry.KPIS."""
from app.kpi.definitions import (  # noqa: F401
    activity, customer_value, customers, forecasting, leads, pipeline, pipeline_funnel, quota, quota_projection, sales, team)
