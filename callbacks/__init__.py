"""Callbacks: plain functions wired in each module's `register(app)`, one module per page."""
