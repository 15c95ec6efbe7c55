"""Write the KPI glossary of docs/kpis.md from the KPI registry.

    .venv/bin/python tools/gen_kpi_docs.py           # rewrite the glossary in docs/kpis.md
    .venv/bin/python tools/gen_kpi_docs.py --check   # exit 1 when docs/kpis.md is out of date

Only the text between the `<!-- kpi-glossary -->` and `<!-- /kpi-glossary -->`
markers is replaced; everything around it is written by hand.

Each KPI is listed under the group of the definitions module that registers it
(the module whose source calls `Kpi("<id>", …)`; `compute.__module__` would
name `target_periods` for the KPIs wrapped in `whole_period`). The breakdowns
column is not guessed from the subject alone: every KPI is asked once per
dimension, over one day, on an empty in-memory SQLite database, and the
dimensions it answers without a QueryError are listed. That catches the rules
that live in the definitions (whole-period KPIs refuse `weekday`, a ratio
inherits the narrower dimensions of its parts) as well as the subject's.
"""
from __future__ import annotations

import argparse
import ast
import sys
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:   # run as a script: make `app` importable
    sys.path.insert(0, str(ROOT))

import app.kpi.definitions  # noqa: E402  (fills the registry)
from app.kpi.query import FILTER_KEYS, TIME_DIMENSIONS  # noqa: E402
from app.kpi.registry import KPIS, TABLE  # noqa: E402

DOC = ROOT / "docs" / "kpis.md"
START, END = "<!-- kpi-glossary -->", "<!-- /kpi-glossary -->"
DEFINITIONS = Path(app.kpi.definitions.__file__).parent

# (heading, definitions modules) in the order the glossary shows them. A new
# definitions module must be added here; the generator refuses to guess its group.
GROUPS = (
    ("Sales outcome", ("sales",)),
    ("Quota, pay and projections", ("quota", "quota_projection")),
    ("Pipeline", ("pipeline", "pipeline_funnel")),
    ("Leads", ("leads",)),
    ("Activity and telephony", ("activity",)),
    ("Customers", ("customers", "customer_value")),
    ("Team and development", ("team",)),
    ("Forecasting", ("forecasting",)),
)
PROBE_DAY = date(2025, 1, 15)


class GlossaryError(RuntimeError):
    """The registry and this tool disagree (a KPI or module it cannot place)."""


def defining_modules() -> dict[str, str]:
    """{kpi id: definitions module name}, read from the source of app/kpi/definitions/."""
    found: dict[str, str] = {}
    for path in sorted(DEFINITIONS.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Kpi" and node.args
                    and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
                found[node.args[0].value] = path.stem
    return found


def grouped() -> list[tuple[str, list[str], list]]:
    """[(heading, modules, [Kpi, …])] in glossary order; KPIs in registration order."""
    modules = defining_modules()
    known = {m for _, ms in GROUPS for m in ms}
    missing = [k for k in KPIS if k not in modules]
    if missing:
        raise GlossaryError(f"cannot find the Kpi(...) call of {', '.join(missing)} in "
                            f"{DEFINITIONS.relative_to(ROOT)}/")
    strays = sorted({modules[k] for k in KPIS} - known)
    if strays:
        raise GlossaryError(f"definitions module(s) {', '.join(strays)} have no group: add them to "
                            "GROUPS in tools/gen_kpi_docs.py")
    return [(heading, list(ms), [k for k in KPIS.values() if modules[k.id] in ms])
            for heading, ms in GROUPS]


def breakdowns() -> dict[str, list[str]]:
    """{kpi id: dimensions a breakdown by which is answered}, asked of an empty database."""
    from app.data.engine import make_engine
    from app.data.schema import metadata as crm
    from app.data.settings import SETTINGS
    from app.data.system_schema import metadata as system
    from app.kpi.evaluate import evaluate
    from app.kpi.query import DIMENSIONS, KpiQuery, QueryError, Scope

    engine = make_engine("sqlite://")
    crm.create_all(engine)
    system.create_all(engine)
    settings = {key: s.default for key, s in SETTINGS.items()}
    out: dict[str, list[str]] = {}
    try:
        with engine.connect() as conn:
            for kpi in KPIS.values():
                out[kpi.id] = []
                for dim in DIMENSIONS:
                    query = KpiQuery.build(PROBE_DAY, PROBE_DAY, by=dim)
                    try:
                        evaluate(conn, [kpi.id], query, Scope.everything(), settings=settings)
                    except QueryError:
                        continue
                    out[kpi.id].append(dim)
    finally:
        engine.dispose()
    return out


def describe_breakdowns(kpi, dims: list[str]) -> str:
    if kpi.kind == TABLE:
        return "none (a table; `by` is ignored)"
    if set(dims) >= set(FILTER_KEYS) | set(TIME_DIMENSIONS):
        return "all"
    plain = [d for d in FILTER_KEYS if d in dims]
    times = [d for d in TIME_DIMENSIONS if d in dims]
    if set(times) == set(TIME_DIMENSIONS):
        time_text = "time"
    elif set(times) == set(TIME_DIMENSIONS) - {"weekday"}:
        time_text = "time except weekday"
    else:
        time_text = ", ".join(times)
    return "; ".join(part for part in (", ".join(plain), time_text) if part) or "none"


def cell(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return " ".join(str(text).split()).replace("|", "\\|")


def glossary() -> str:
    """The generated text between the markers (without them)."""
    dims = breakdowns()
    lines = ["<!-- generated by tools/gen_kpi_docs.py from app.kpi.registry; edit the definitions, "
             "not this table -->", ""]
    for heading, modules, kpis in grouped():
        sources = ", ".join(f"`app/kpi/definitions/{m}.py`" for m in modules)
        lines += [f"### {heading}", "", f"Defined in {sources}.", "",
                  "| id | label | unit | better | kind | additive | breakdowns | description |",
                  "|---|---|---|---|---|---|---|---|"]
        for k in kpis:
            additive = "—" if k.kind == TABLE else ("yes" if k.additive else "no")
            lines.append(f"| `{k.id}` | {cell(k.label)} | {k.unit} | {k.better} | {k.kind} | {additive} "
                         f"| {describe_breakdowns(k, dims[k.id])} | {cell(k.description)} |")
        lines.append("")
    return "\n".join(lines)


def replace_region(document: str, generated: str) -> str:
    """`document` with the text between the glossary markers replaced by `generated`."""
    if document.count(START) != 1 or document.count(END) != 1:
        raise GlossaryError(f"docs/kpis.md must hold exactly one {START} and one {END}")
    head, rest = document.split(START)
    _, tail = rest.split(END)
    return f"{head}{START}\n{generated.strip()}\n{END}{tail}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report whether docs/kpis.md is current")
    args = parser.parse_args(argv)
    current = DOC.read_text(encoding="utf-8")
    fresh = replace_region(current, glossary())
    if args.check:
        if fresh != current:
            print("docs/kpis.md is out of date; run: .venv/bin/python tools/gen_kpi_docs.py",
                  file=sys.stderr)
            return 1
        print("docs/kpis.md is up to date")
        return 0
    if fresh != current:
        DOC.write_text(fresh, encoding="utf-8")
        print(f"rewrote the glossary in {DOC.relative_to(ROOT)} ({len(KPIS)} KPIs)")
    else:
        print(f"{DOC.relative_to(ROOT)} already up to date ({len(KPIS)} KPIs)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
