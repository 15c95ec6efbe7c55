"""The users page through /_dash-update-component, on both databases: every action as the admin,
each refusal with its reason and nothing changed, every change audited with the acting admin,
and every other role refused (403, audited, nothing changed)."""
from __future__ import annotations

import json

import pytest

from app.auth import users as domain
from app.auth.passwords import verify_password
from app.data import users as store
from app.data.tokens import fetch_tokens
from layouts.pages import admin_users as page
from tests.dash_client import login
from tests.integration.admin_client import call, events, outputs, text_of, users_action
from tests.integration.web_fixture import LOGINS, PASSWORD, web  # noqa: F401  (fixture)

GOOD_PASSWORD = "blue kettle morning 7"


def user(web, username):
    with web.engine.connect() as conn:
        return store.fetch_user(conn, username)


def message(resp) -> tuple[str, str]:
    """(colour, text) of the page's message."""
    alert = outputs(resp)[page.MESSAGE]["children"]
    return alert["props"]["color"], text_of(alert)


def create(web, client, username, role="executive", rep=None, password=GOOD_PASSWORD, name=None):
    return users_action(web, client, page.CREATE, new_username=username, new_name=name, new_role=role, new_rep=rep,
                        new_password=password)


def test_the_list_shows_every_login_and_the_reps_without_any_secret(web):
    resp = call(web, web.client("admin"), page.TABLE, "children", {(page.CHANGED, "data"): 0})
    shown = outputs(resp)
    table = json.dumps(shown[page.TABLE]["children"], ensure_ascii=False)
    for username in LOGINS.values():
        assert username in table
    assert "argon2" not in table and "session_epoch" not in table
    assert web.rep_name("rep") in table                 # the linked rep's name is shown
    from app.data.schema import reps
    with web.engine.connect() as conn:
        rep_count = len(conn.execute(reps.select()).all())
    assert len(shown[page.NEW_REP]["options"]) == rep_count == len(shown[page.REP]["options"])
    assert {o["value"] for o in shown[page.SELECTED]["options"]} >= set(LOGINS.values())


def test_choosing_a_login_shows_its_role_rep_and_status(web):
    client = web.client("admin")
    resp = call(web, client, page.MANAGE, "hidden", {(page.SELECTED, "value"): LOGINS["rep"], (page.CHANGED, "data"): 0})
    shown = outputs(resp)
    assert shown[page.MANAGE]["hidden"] is False
    assert shown[page.ROLE]["value"] == "rep" and shown[page.REP]["value"] == web.user("rep")["rep_id"]
    assert shown[page.DEACTIVATE]["disabled"] is False and shown[page.ACTIVATE]["disabled"] is True
    assert shown[page.VIEW_AS]["disabled"] is False
    admin = outputs(call(web, client, page.MANAGE, "hidden", {(page.SELECTED, "value"): "admin"}))
    assert admin[page.VIEW_AS]["disabled"] is True        # nobody views as an admin
    none = outputs(call(web, client, page.MANAGE, "hidden", {(page.SELECTED, "value"): "nobody-such"}))
    assert none[page.MANAGE]["hidden"] is True


def test_creating_a_login_with_a_typed_password(web):
    client = web.client("admin")
    resp = create(web, client, "new.manager", "manager", web.user("other_rep")["rep_id"], name="New Manager")
    assert message(resp) == ("success", "User new.manager created.")
    shown = outputs(resp)
    assert shown[page.SECRET]["children"] is None                   # nothing to show: the admin typed it
    assert shown[page.NEW_PASSWORD]["value"] == "" and shown[page.CHANGED]["data"] == 1
    row = user(web, "new.manager")
    assert (row["role"], row["rep_id"], row["display_name"], row["active"]) == \
        ("manager", web.user("other_rep")["rep_id"], "New Manager", True)
    assert verify_password(row["password_hash"], GOOD_PASSWORD)
    event = events(web, "user_created", actor="admin")[-1]
    assert (event["role"], event["ip"], event["details"]["username"], event["details"]["new_role"]) == \
        ("admin", "127.0.0.1", "new.manager", "manager")
    assert GOOD_PASSWORD not in json.dumps(event["details"])


def test_a_generated_password_is_shown_once_and_works(web):
    resp = create(web, web.client("admin"), "new.exec", password="")
    secret = outputs(resp)[page.SECRET]["children"]
    password = next(c["props"]["children"] for c in secret["props"]["children"][1]["props"]["children"]
                    if c["props"].get("id") == page.SECRET_VALUE)
    assert len(password) >= 16 and verify_password(user(web, "new.exec")["password_hash"], password)
    assert login(web.server.test_client(), "new.exec", password).status_code == 302
    assert password not in json.dumps(events(web, "user_created", actor="admin"), default=str)


@pytest.mark.parametrize("form, reason", [
    (dict(username="x1", password="short"), "password must be at least 8 characters"),
    (dict(username="x1", password="password123"), "this password is too common; choose another"),
    (dict(username="admin"), "user 'admin' already exists"),
    (dict(username=""), "username must be 1 to 64 characters"),
    (dict(username="x1", role="rep"), "a rep must be linked to a rep"),
    (dict(username="x1", role="manager", rep="NOPE"), "no rep with rep_id 'NOPE' (import reps first)"),
    (dict(username="x1", role="boss"), "unknown role 'boss'; roles are admin, executive, manager, rep"),
])
def test_a_refused_creation_says_why_and_creates_nothing(web, form, reason):
    before = len(events(web, "user_created"))
    resp = create(web, web.client("admin"), form["username"], form.get("role", "executive"), form.get("rep"),
                  form.get("password", GOOD_PASSWORD))
    assert message(resp) == ("danger", reason)
    shown = outputs(resp)
    assert page.CHANGED not in shown and page.NEW_PASSWORD not in shown      # the form keeps what was typed
    assert user(web, "x1") is None and len(events(web, "user_created")) == before


def test_role_and_rep_changes_follow_the_rules_and_are_audited(web):
    client = web.client("admin")
    create(web, client, "role.change")
    rep_id = web.user("rep")["rep_id"]
    act = lambda button, **form: message(users_action(web, client, button, selected="role.change", **form))  # noqa: E731
    assert act(page.ROLE_SAVE, role="manager") == ("danger", "link role.change to a rep first: a manager sees data "
                                                             "through their rep")
    assert act(page.REP_SAVE, rep=None) == ("danger", "choose a rep to link")
    assert act(page.REP_SAVE, rep=rep_id) == ("success", f"role.change is linked to rep {rep_id}.")
    assert act(page.ROLE_SAVE, role="manager") == ("success", "role.change now has the role Manager.")
    assert act(page.REP_UNLINK) == ("danger", "a manager must stay linked to a rep; change the role first")
    assert act(page.ROLE_SAVE, role="executive") == ("success", "role.change now has the role Executive.")
    assert act(page.REP_UNLINK) == ("success", "role.change is no longer linked to a rep.")
    assert act(page.REP_UNLINK) == ("danger", "role.change is not linked to a rep")
    assert (user(web, "role.change")["role"], user(web, "role.change")["rep_id"]) == ("executive", None)
    roles = [(e["details"]["old"], e["details"]["new"]) for e in events(web, "user_role_changed", actor="admin")
             if e["details"]["username"] == "role.change"]
    links = [(e["details"]["old"], e["details"]["new"]) for e in events(web, "user_rep_linked", actor="admin")
             if e["details"]["username"] == "role.change"]
    assert roles == [("executive", "manager"), ("manager", "executive")]
    assert links == [(None, rep_id), (rep_id, None)]


def test_deactivating_ends_sessions_and_tokens_and_activating_lets_the_user_back(web):
    admin = web.client("admin")
    create(web, admin, "leaver")
    own = web.server.test_client()
    assert login(own, "leaver", GOOD_PASSWORD).status_code == 302
    assert own.get("/api/v1/kpis/catalogue").status_code == 200
    token = next(c for c in text_of(outputs(users_action(web, admin, page.TOKEN_CREATE, selected="leaver",
                                                         token_name="BI"))[page.SECRET]["children"]).split()
                 if c.startswith("spd_"))
    assert message(users_action(web, admin, page.DEACTIVATE, selected="leaver")) == (
        "success", "leaver is deactivated: their sessions have ended and their API tokens are revoked.")
    assert own.get("/api/v1/kpis/catalogue").status_code == 401          # the open session is over
    bearer = {"Authorization": f"Bearer {token}"}
    assert web.server.test_client().get("/api/v1/kpis/catalogue", headers=bearer).status_code == 401
    assert message(users_action(web, admin, page.DEACTIVATE, selected="leaver")) == (
        "danger", "leaver is already deactivated")
    assert message(users_action(web, admin, page.TOKEN_CREATE, selected="leaver", token_name="x")) == (
        "danger", "leaver is deactivated; activate the login before creating tokens")
    assert login(web.server.test_client(), "leaver", GOOD_PASSWORD).status_code == 401
    assert message(users_action(web, admin, page.ACTIVATE, selected="leaver")) == ("success", "leaver is active again.")
    assert login(web.server.test_client(), "leaver", GOOD_PASSWORD).status_code == 302
    assert web.server.test_client().get("/api/v1/kpis/catalogue", headers=bearer).status_code == 401  # stays revoked
    assert [e["details"]["username"] for e in events(web, "user_deactivated", actor="admin")][-1:] == ["leaver"]
    assert [e["details"]["username"] for e in events(web, "user_activated", actor="admin")][-1:] == ["leaver"]


def test_an_admin_cannot_deactivate_or_demote_themselves(web):
    client = web.client("admin")
    reason = "you cannot remove your own administrator access; ask another administrator"
    assert message(users_action(web, client, page.DEACTIVATE, selected="admin")) == ("danger", reason)
    assert message(users_action(web, client, page.ROLE_SAVE, selected="admin", role="executive")) == ("danger", reason)
    assert (user(web, "admin")["role"], user(web, "admin")["active"]) == ("admin", True)
    assert client.get("/api/v1/kpis/catalogue").status_code == 200      # still signed in


def test_the_last_active_admin_stays_one_whoever_asks(web):
    with web.engine.begin() as conn:
        with pytest.raises(domain.UserError, match="admin is the last active administrator"):
            domain.deactivate(conn, "admin", actor="cli")
        with pytest.raises(domain.UserError, match="admin is the last active administrator"):
            domain.set_role(conn, "admin", "executive", actor="cli")
    # With a second admin, one may demote the other (but still not themselves).
    client = web.client("admin")
    create(web, client, "second.admin", "admin")
    assert message(users_action(web, client, page.ROLE_SAVE, selected="second.admin", role="executive"))[0] == "success"
    assert user(web, "second.admin")["role"] == "executive"


def test_resetting_a_password_ends_the_users_sessions(web):
    admin = web.client("admin")
    create(web, admin, "forgetful")
    own = web.server.test_client()
    assert login(own, "forgetful", GOOD_PASSWORD).status_code == 302
    assert message(users_action(web, admin, page.RESET, selected="forgetful", password="123")) == (
        "danger", "password must be at least 8 characters")
    assert own.get("/api/v1/kpis/catalogue").status_code == 200          # the refusal changed nothing
    resp = users_action(web, admin, page.RESET, selected="forgetful", password="green river stone 9")
    assert message(resp) == ("success", "Password of forgetful reset; their open sessions have ended.")
    assert outputs(resp)[page.PASSWORD]["value"] == "" and outputs(resp)[page.SECRET]["children"] is None
    assert own.get("/api/v1/kpis/catalogue").status_code == 401
    assert verify_password(user(web, "forgetful")["password_hash"], "green river stone 9")
    generated = text_of(outputs(users_action(web, admin, page.RESET, selected="forgetful"))[page.SECRET]["children"])
    new = generated.split("cannot be shown again.")[1].strip().split()[0]
    assert login(web.server.test_client(), "forgetful", new).status_code == 302
    assert [e["details"]["username"] for e in events(web, "user_password_reset", actor="admin")][-2:] == \
        ["forgetful", "forgetful"]


def test_api_tokens_are_shown_once_listed_without_the_secret_and_revoked(web):
    admin = web.client("admin")
    create(web, admin, "scripted")
    resp = users_action(web, admin, page.TOKEN_CREATE, selected="scripted", token_name="Nightly export")
    assert message(resp)[0] == "success" and message(resp)[1].startswith("API token #")
    token = next(w for w in text_of(outputs(resp)[page.SECRET]["children"]).split() if w.startswith("spd_"))
    assert outputs(resp)[page.TOKEN_NAME]["value"] == ""
    bearer = {"Authorization": f"Bearer {token}"}
    assert web.server.test_client().get("/api/v1/kpis/catalogue", headers=bearer).status_code == 200

    listed = outputs(call(web, admin, page.MANAGE, "hidden", {(page.SELECTED, "value"): "scripted"}))
    tokens_html = json.dumps(listed[page.TOKENS]["children"])
    assert "Nightly export" in tokens_html and token not in tokens_html
    with web.engine.connect() as conn:
        (row,) = fetch_tokens(conn, user(web, "scripted")["user_id"])
    assert row["last_used_at"] is not None and row["revoked_at"] is None

    # A token is revoked only through its owner's row: naming another login refuses.
    assert message(users_action(web, admin, None, token_id=row["token_id"], selected=LOGINS["rep"])) == (
        "danger", f"{LOGINS['rep']} has no live token #{row['token_id']}")
    assert message(users_action(web, admin, None, token_id=row["token_id"], selected="scripted")) == (
        "success", f"API token #{row['token_id']} of scripted revoked.")
    assert web.server.test_client().get("/api/v1/kpis/catalogue", headers=bearer).status_code == 401
    created, revoked = events(web, "api_token_created", actor="admin")[-1], events(web, "api_token_revoked")[-1]
    assert (created["details"]["name"], revoked["details"]["token_id"], revoked["actor"]) == \
        ("Nightly export", row["token_id"], "admin")
    assert token not in json.dumps(created, default=str)


@pytest.mark.parametrize("who", ["executive", "manager", "rep"])
def test_other_roles_forging_the_users_page_get_403_and_change_nothing(web, who):
    client = web.client(who)
    before = len(events(web, "authorization_denied", actor=LOGINS[who]))
    for button, form in [(page.CREATE, dict(new_username="forged", new_role="admin", new_password=GOOD_PASSWORD)),
                         (page.ROLE_SAVE, dict(selected=LOGINS[who], role="admin")),
                         (page.RESET, dict(selected="admin", password=GOOD_PASSWORD)),
                         (page.TOKEN_CREATE, dict(selected="admin", token_name="mine now")),
                         (page.DEACTIVATE, dict(selected="admin"))]:
        resp = users_action(web, client, button, **form)
        assert resp.status_code == 403 and "spd_" not in resp.get_data(as_text=True)
    for output, prop in [(page.TABLE, "children"), (page.MANAGE, "hidden")]:
        assert call(web, client, output, prop, {(page.SELECTED, "value"): "admin"}).status_code == 403
    assert user(web, "forged") is None and user(web, LOGINS[who])["role"] == web.user(who)["role"]
    assert verify_password(user(web, "admin")["password_hash"], PASSWORD)
    with web.engine.connect() as conn:
        assert fetch_tokens(conn, user(web, "admin")["user_id"]) == []
    assert len(events(web, "authorization_denied", actor=LOGINS[who])) == before + 7
