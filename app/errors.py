"""Refusals that explain themselves, in English for the CLI and logs and in the viewer's
language on the web.

A refusal's message is a catalogue id (marked with N_) with named values, so the same
exception serves `python -m app` (str(exc): English) and the admin pages (exc.text():
translated when shown).
"""
from __future__ import annotations


class Explained(ValueError):
    """A request that cannot be done; the message says why and what to do instead."""

    def __init__(self, message: str, **values):
        self.message, self.values = message, values
        super().__init__(message % values if values else message)

    def text(self) -> str:
        """The message in the current request's language (English outside a request)."""
        from app.i18n import gettext
        return gettext(self.message, **self.values)
