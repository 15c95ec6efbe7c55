"""`python -m app users …` end to end on both databases, through app.cli.main."""
import sqlalchemy as sa

from app.auth.passwords import verify_password
from app.cli import main
from app.data import users as store
from app.data.engine import make_engine
from app.data.schema import reps, territories


def _seed_rep(url, rep_id="R1"):
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(territories.insert().values(territory_id="T1", name="Warsaw", region="Poland",
                                                 country="POL"))
        conn.execute(reps.insert().values(rep_id=rep_id, name="Anna", team="East", territory_id="T1"))
    return engine


def _user(engine, name):
    with engine.connect() as conn:
        return store.fetch_user(conn, name)


def _events(engine):
    with engine.connect() as conn:
        return [r[0] for r in conn.execute(sa.text("SELECT event FROM audit_log ORDER BY event_id"))]


def test_user_lifecycle(db_url, capsys):
    engine = _seed_rep(db_url)
    run = lambda *a: main(["--database-url", db_url, "users", *a])  # noqa: E731
    assert run("create", "anna", "--role", "rep", "--rep-id", "R1", "--password", "correct horse 42") == 0
    user = _user(engine, "anna")
    assert (user["role"], user["rep_id"], user["active"]) == ("rep", "R1", True)
    assert verify_password(user["password_hash"], "correct horse 42")
    assert not verify_password(user["password_hash"], "wrong horse 42")

    assert run("set-role", "anna", "manager") == 0
    assert _user(engine, "anna")["role"] == "manager"
    assert run("reset-password", "anna", "--password", "battery staple 7") == 0
    after = _user(engine, "anna")
    assert verify_password(after["password_hash"], "battery staple 7")
    assert after["session_epoch"] == user["session_epoch"] + 1   # old sessions end
    assert run("deactivate", "anna") == 0
    assert _user(engine, "anna")["active"] is False

    capsys.readouterr()
    assert run("list") == 0
    assert "anna" in capsys.readouterr().out
    assert _events(engine) == ["user_created", "user_role_changed", "user_password_reset",
                               "user_deactivated"]
    engine.dispose()


def test_generated_password_is_printed_once_and_works(db_url, capsys):
    engine = _seed_rep(db_url)
    assert main(["--database-url", db_url, "users", "create", "boss", "--role", "executive"]) == 0
    password = capsys.readouterr().out.strip().rsplit("password: ", 1)[1]
    assert verify_password(_user(engine, "boss")["password_hash"], password)
    engine.dispose()


def test_bad_requests_exit_2_with_one_line_reason_and_change_nothing(db_url, capsys):
    engine = _seed_rep(db_url)
    base = ["--database-url", db_url, "users", "create"]
    cases = [
        (["x", "--role", "boss", "--password", "long enough 1"], "unknown role 'boss'"),
        (["x", "--role", "rep", "--password", "long enough 1"], "must be linked to a rep"),
        (["x", "--role", "rep", "--rep-id", "NOPE", "--password", "long enough 1"], "no rep with rep_id 'NOPE'"),
        (["x", "--role", "admin", "--password", "short"], "at least 8 characters"),
        (["x", "--role", "admin", "--password", "password123"], "too common"),
        (["x", "--role", "admin", "--password", "long enough 1", "--locale", "de"], "unknown locale"),
    ]
    for args, reason in cases:
        assert main(base + args) == 2
        err = capsys.readouterr().err.strip()
        assert reason in err and "\n" not in err and "Traceback" not in err
    assert _user(engine, "x") is None
    assert main(base + ["x", "--role", "admin", "--password", "long enough 1"]) == 0
    assert main(base + ["x", "--role", "admin", "--password", "long enough 1"]) == 2
    assert "already exists" in capsys.readouterr().err
    assert main(["--database-url", db_url, "users", "set-role", "ghost", "rep"]) == 2
    assert main(["--database-url", db_url, "users", "set-role", "x", "rep"]) == 2  # no rep linked
    engine.dispose()
