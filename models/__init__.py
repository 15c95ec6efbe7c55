"""Forecasting and scoring models, in scikit-learn's fit/predict style.

Feature frames are built from the KPI layer's queries, estimators are fitted and
evaluated here, and their forecasts and deal scores are written back to the
model_runs, model_forecasts and deal_scores tables (app/data/system_schema.py),
with each run's evaluation. Domain code only: no Dash, no web requests.
"""
