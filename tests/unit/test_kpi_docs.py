"""docs/kpis.md keeps up with the KPI registry: its glossary is generated, and this fails
when someone adds or changes a KPI without regenerating it."""
from __future__ import annotations

import difflib
import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
REGENERATE = ".venv/bin/python tools/gen_kpi_docs.py"


def _load_tool():
    spec = importlib.util.spec_from_file_location("gen_kpi_docs", ROOT / "tools" / "gen_kpi_docs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


gen = _load_tool()


@pytest.fixture(scope="module")
def generated() -> str:
    return gen.glossary()


@pytest.fixture(scope="module")
def dims() -> dict:
    return gen.breakdowns()


def test_the_glossary_in_docs_matches_the_registry(generated):
    current = gen.DOC.read_text(encoding="utf-8")
    fresh = gen.replace_region(current, generated)
    if fresh != current:
        diff = "".join(list(difflib.unified_diff(current.splitlines(True), fresh.splitlines(True),
                                                 "docs/kpis.md", "from the registry", n=0))[:40])
        pytest.fail(f"docs/kpis.md is out of date with the KPI registry. Regenerate the glossary "
                    f"with\n\n    {REGENERATE}\n\nand commit the result. First differences:\n{diff}")


def test_every_registered_kpi_has_one_glossary_row(generated):
    from app.kpi.registry import KPIS
    rows = [line for line in generated.splitlines() if line.startswith("| `")]
    ids = [line.split("`")[1] for line in rows]
    assert sorted(ids) == sorted(KPIS), "each KPI once, none invented"


def test_every_definitions_module_with_kpis_belongs_to_a_group():
    modules = set(gen.defining_modules().values())
    grouped = {m for _, ms in gen.GROUPS for m in ms}
    assert modules <= grouped, f"add {sorted(modules - grouped)} to GROUPS in tools/gen_kpi_docs.py"


def test_breakdowns_come_from_what_each_kpi_accepts(dims):
    # revenue: a deal KPI, every dimension; calls: an activity has a rep but no product;
    # churn_rate is evaluated per bucket, so a weekday is not a period for it.
    assert "product" in dims["revenue"] and "weekday" in dims["revenue"]
    assert "product" not in dims["calls"] and "rep" in dims["calls"]
    assert "month" in dims["churn_rate"] and "weekday" not in dims["churn_rate"]


def test_only_the_marked_region_is_rewritten():
    doc = "intro\n<!-- kpi-glossary -->\nold table\n<!-- /kpi-glossary -->\noutro\n"
    assert gen.replace_region(doc, "new table\n") == \
        "intro\n<!-- kpi-glossary -->\nnew table\n<!-- /kpi-glossary -->\noutro\n"


@pytest.mark.parametrize("doc", ["no markers at all\n",
                                 "<!-- kpi-glossary -->\n<!-- kpi-glossary -->\n<!-- /kpi-glossary -->\n"])
def test_missing_or_doubled_markers_are_refused(doc):
    with pytest.raises(gen.GlossaryError):
        gen.replace_region(doc, "x")


def test_table_cells_escape_pipes_and_fold_lines():
    assert gen.cell("1 − |a − b|\n/ b") == "1 − \\|a − b\\| / b"
