"""Forge Dash callback requests from the app's own callback map (tests call the endpoint as a
browser would, with any inputs they like)."""
from __future__ import annotations

import json
import re

from dash.dependencies import ALL

from callbacks.policy import is_clientside


def login(client, username: str, password: str):
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    return client.post("/login", data={"username": username, "password": password, "csrf_token": token})


def server_callbacks(dash_app) -> dict[str, dict]:
    """Every callback that runs on the server, by its output key."""
    return {key: entry for key, entry in dash_app.callback_map.items() if not is_clientside(entry)}


def _dep(dep: dict, values: dict, wildcard: dict):
    """One input/state of the request body; pattern-matching ids get one concrete component."""
    cid, prop = dep["id"], dep["property"]
    if cid.startswith("{"):
        pattern = json.loads(cid)
        concrete = {k: (wildcard.get(k, "x") if v == ["ALL"] else v) for k, v in pattern.items()}
        return [{"id": concrete, "property": prop, "value": values.get((pattern.get("type"), prop), 1)}]
    return {"id": cid, "property": prop, "value": values.get((cid, prop))}


def callback_body(dash_app, key: str, values: dict | None = None, wildcard: dict | None = None,
                  changed: str | None = None) -> dict:
    """The JSON a browser would POST for the callback `key`: inputs from `values`
    ({(id, property): value}; pattern ids by their "type"), everything else None."""
    values, wildcard = values or {}, wildcard or {}
    entry = dash_app.callback_map[key]
    outputs = entry["output"]
    specs = [{"id": o.component_id, "property": o.component_property}
             for o in (outputs if isinstance(outputs, (list, tuple)) else [outputs])]
    inputs = [_dep(d, values, wildcard) for d in entry["inputs"]]
    first = inputs[0][0] if isinstance(inputs[0], list) else inputs[0]
    trigger = changed or (json.dumps(first["id"], separators=(",", ":"), sort_keys=True)
                          if isinstance(first["id"], dict) else first["id"]) + "." + first["property"]
    return {"output": key, "outputs": specs if key.startswith("..") else specs[0], "inputs": inputs,
            "state": [_dep(d, values, wildcard) for d in entry["state"]], "changedPropIds": [trigger]}


def post_callback(client, dash_app, key: str, **kwargs):
    return client.post("/_dash-update-component", json=callback_body(dash_app, key, **kwargs))


def find_key(dash_app, output_id: str, prop: str) -> str:
    """The callback-map key of the (first) callback writing output_id.prop."""
    for key in dash_app.callback_map:
        parts = key.strip(".").split("...")
        if any(p.split("@")[0] == f"{output_id}.{prop}" for p in parts):
            return key
    raise KeyError(f"{output_id}.{prop}")


def open_page(client, dash_app, path: str, search: str = ""):
    """What the page router answers for `path` and `search`: the page, its parts filled in."""
    key = find_key(dash_app, "_pages_content", "children")
    return post_callback(client, dash_app, key, values={("_pages_location", "pathname"): path,
                                                         ("_pages_location", "search"): search})


def page_part(resp, component_id: str, prop: str, required: bool = True):
    """`prop` of the component `component_id` in a page router's answer, which must hold it
    (not the 403 page, not a redirect) unless not `required` (then None when absent)."""
    assert resp.status_code == 200, resp.get_data(as_text=True)[:300]
    found = _find(resp.get_json()["response"]["_pages_content"]["children"], component_id)
    assert found is not None or not required, f"{component_id} is not on the page"
    return None if found is None else found.get(prop)


def _find(tree, component_id: str):
    if isinstance(tree, list):
        return next((hit for child in tree if (hit := _find(child, component_id)) is not None), None)
    if not isinstance(tree, dict) or "props" not in tree:
        return None
    props = tree["props"]
    if props.get("id") == component_id:
        return props
    return next((hit for value in props.values() if (hit := _find(value, component_id)) is not None), None)
