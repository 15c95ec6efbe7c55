"""Contract codes are shown by name, in the viewer's language; unknown values as they are."""
from __future__ import annotations

from flask import Flask

from app import vocabulary
from app.i18n import init_i18n


def test_codes_are_named_and_unknown_values_pass_through():
    assert vocabulary.label("channel", "wholesale") == "Wholesale"
    assert vocabulary.label("segment", "SMB") == "Small business"
    assert vocabulary.label("channel", "telepathy") == "telepathy"
    assert vocabulary.label("territory", "online") == "online"
    assert vocabulary.label("channel", None) == ""


def test_names_follow_the_language_and_options_are_resorted():
    server = Flask(__name__)
    init_i18n(server)
    with server.test_request_context("/?lang=pl"):
        assert vocabulary.label("channel", "online") == "Online"      # Polish borrows the word
        assert vocabulary.label("channel", "wholesale") == "Hurt"
    with server.test_request_context("/?lang=ru"):
        options = vocabulary.labelled_options({
            "channel": [{"value": "online", "label": "online"}, {"value": "agency", "label": "agency"}],
            "team": [{"value": "t1", "label": "Team 1"}]})
    assert options["channel"] == [{"value": "agency", "label": "Агентство"},
                                  {"value": "online", "label": "Онлайн"}]
    assert options["team"] == [{"value": "t1", "label": "Team 1"}]
