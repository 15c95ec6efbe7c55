"""The login and session settings from the environment: defaults, overrides, clear refusals."""
import pytest

from app.config import Config, ConfigError

NAMES = ("LOGIN_LIMIT_ACCOUNT", "LOGIN_LIMIT_IP", "LOGIN_LIMIT_MINUTES", "SESSION_IDLE_MINUTES",
         "SESSION_MAX_HOURS", "REMEMBER_DAYS", "TRUSTED_PROXIES", "REDIS_KEY_PREFIX")


@pytest.fixture(autouse=True)
def clean_env(monkeypatch):
    for name in NAMES:
        monkeypatch.delenv(name, raising=False)


def test_defaults():
    c = Config()
    assert (c.login_limit_account, c.login_limit_ip, c.login_limit_minutes) == (5, 20, 15)
    assert (c.session_idle_minutes, c.session_max_hours, c.remember_days) == (30, 12, 14)
    assert (c.trusted_proxies, c.redis_prefix) == (0, "spd:")


def test_values_from_the_environment(monkeypatch):
    for name, value in (("LOGIN_LIMIT_ACCOUNT", " 8 "), ("SESSION_IDLE_MINUTES", "0"), ("TRUSTED_PROXIES", "2"),
                        ("REDIS_KEY_PREFIX", "acme:")):
        monkeypatch.setenv(name, value)
    c = Config()
    assert (c.login_limit_account, c.session_idle_minutes, c.trusted_proxies, c.redis_prefix) == (8, 0, 2, "acme:")


@pytest.mark.parametrize("name, value, message", [
    ("LOGIN_LIMIT_ACCOUNT", "five", "LOGIN_LIMIT_ACCOUNT must be a whole number, not 'five'"),
    ("LOGIN_LIMIT_IP", "0", "LOGIN_LIMIT_IP must be at least 1, not 0"),
    ("REMEMBER_DAYS", "1.5", "REMEMBER_DAYS must be a whole number, not '1.5'"),
    ("SESSION_IDLE_MINUTES", "-1", "SESSION_IDLE_MINUTES must be at least 0, not -1"),
])
def test_a_bad_value_names_the_variable(monkeypatch, name, value, message):
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError) as error:
        Config()
    assert str(error.value) == message
