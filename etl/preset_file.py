"""A preset as data: its model, and reading it from etl/presets/<name>.toml.

Everything is checked when a preset is loaded (tables and columns against the
contract, transform/derivation/value-map names against their registries), so a
typo in a preset fails the preset's own test rather than silently mapping
nothing in a user's import.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from etl import contract, transforms
from etl.derivations import DERIVATIONS

DATE_ORDERS = (None, "DMY", "MDY", "YMD")


class PresetError(ValueError):
    """A preset file is malformed: a bug in etl/presets/*.toml, not in the user's export."""


@dataclass(frozen=True)
class ColumnSpec:
    """How one contract column (or helper field) is read from a file."""
    sources: tuple[str, ...] = ()       # candidate headers, normalised; per row the first non-blank wins
    transforms: tuple[str, ...] = ()    # names in transforms.TRANSFORMS, "name" or "name:arg"
    values: str | None = None           # a value map of the preset
    default: str | None = None          # fills what is still blank after derivations


@dataclass(frozen=True)
class TableMap:
    """One kind of export file (e.g. Salesforce Opportunity) mapped onto one contract table."""
    table: str
    patterns: tuple[str, ...]           # lower-case globs on the file name without extension
    columns: dict[str, ColumnSpec]      # contract column → spec (the output)
    fields: dict[str, ColumnSpec]       # helper inputs of derivations (not output)
    derive: tuple[str, ...] = ()
    signature: tuple[str, ...] = ()     # columns/fields whose presence identifies an unnamed file
    keep_if: tuple[str, frozenset[str]] | None = None   # (field, values): other rows are not data

    def spec(self, name: str) -> ColumnSpec | None:
        return self.columns.get(name) or self.fields.get(name)


@dataclass(frozen=True)
class Stage:
    name: str
    probability: float
    category: str                       # open / won / lost


@dataclass(frozen=True)
class Preset:
    """A CRM's export format: locale, file mappings, vocabularies, stage list, fallbacks."""
    name: str
    label: str
    encoding: str = "utf-8"
    delimiter: str | None = None        # None: the reader sniffs it
    decimal: str = "."
    thousands: str = ""
    date_order: str | None = None       # None: ISO dates only
    tables: tuple[TableMap, ...] = ()
    values: dict[str, dict[str, str]] = field(default_factory=dict)   # keys case-folded
    stages: tuple[Stage, ...] = ()
    default_team: str = "Sales"
    territory_fallback: str = "UNASSIGNED"
    fallback_country: str = "USA"

    def stage_categories(self) -> dict[str, str]:
        """Case-folded stage name → open/won/lost, from the preset's stage list."""
        return {s.name.casefold(): s.category for s in self.stages}


def normalise_header(header: str) -> str:
    """Header as compared: BOM and surrounding space removed, inner space collapsed, case-folded."""
    return " ".join(str(header).replace("\ufeff", "").split()).casefold()


def build_preset(key: str, data: dict, file_name: str) -> Preset:
    """The Preset described by parsed TOML `data`; PresetError names the file and the problem."""
    try:
        return _build(key, data)
    except (KeyError, TypeError, ValueError) as exc:
        raise PresetError(f"{file_name}: {exc}") from None


_TOP = {"name", "label", "encoding", "delimiter", "decimal", "thousands", "date_order",
        "default_team", "territory", "stage", "values", "file"}
_FILE = {"table", "patterns", "columns", "fields", "derive", "signature", "keep_if"}
_COLUMN = {"from", "transform", "values", "default"}


def _build(key: str, data: dict) -> Preset:
    _only(data, _TOP, "top level")
    if data.get("name") != key:
        raise ValueError(f"name must be {key!r} (the file name)")
    if data.get("date_order") not in DATE_ORDERS:
        raise ValueError("date_order must be one of DMY, MDY, YMD or absent")
    values = {n: {k.strip().casefold(): v for k, v in m.items()} for n, m in data.get("values", {}).items()}
    stages = tuple(Stage(s["name"], float(s["probability"]), s["category"]) for s in data.get("stage", []))
    if bad := [s.name for s in stages
               if s.category not in contract.STAGE_CATEGORIES or not 0 <= s.probability <= 1]:
        raise ValueError(f"stage {bad[0]!r}: category must be open/won/lost, probability 0..1")
    territory = data.get("territory", {})
    return Preset(
        name=key, label=data["label"], encoding=data.get("encoding", "utf-8"),
        delimiter=data.get("delimiter"), decimal=data.get("decimal", "."),
        thousands=data.get("thousands", ""), date_order=data.get("date_order"),
        tables=tuple(_table_map(f, values) for f in data["file"]), values=values, stages=stages,
        default_team=data.get("default_team", "Sales"),
        territory_fallback=territory.get("fallback", "UNASSIGNED"),
        fallback_country=territory.get("fallback_country", "USA"))


def _table_map(raw: dict, values: dict) -> TableMap:
    _only(raw, _FILE, f"file for {raw.get('table')}")
    table = contract.spec(raw["table"])                     # KeyError names an unknown table
    columns = {n: _column_spec(s, values, f"{table.name}.{n}") for n, s in raw.get("columns", {}).items()}
    fields = {n: _column_spec(s, values, f"{table.name} field {n}") for n, s in raw.get("fields", {}).items()}
    if unknown := set(columns) - set(table.column_names):
        raise ValueError(f"{table.name}: not contract columns: {sorted(unknown)}")
    if clash := set(fields) & set(table.column_names):
        raise ValueError(f"{table.name}: fields named like contract columns: {sorted(clash)}")
    if unknown := [d for d in raw.get("derive", []) if d not in DERIVATIONS]:
        raise ValueError(f"{table.name}: unknown derivations {unknown}")
    signature = tuple(raw.get("signature", []))
    if missing := [c for c in signature if c not in columns and c not in fields]:
        raise ValueError(f"{table.name}: signature names unmapped columns {missing}")
    for name, spec in columns.items():
        allowed = table.col(name).allowed
        # A value map must land in the contract's vocabulary ("" = leave blank).
        if spec.values and allowed and (wrong := set(values[spec.values].values()) - set(allowed) - {""}):
            raise ValueError(f"{table.name}.{name}: value map {spec.values!r} gives {sorted(wrong)}")
    keep_if = raw.get("keep_if")
    if keep_if and keep_if["field"] not in fields:
        raise ValueError(f"{table.name}: keep_if names an unmapped field {keep_if['field']!r}")
    return TableMap(
        table=table.name, patterns=tuple(p.lower() for p in raw["patterns"]), columns=columns,
        fields=fields, derive=tuple(raw.get("derive", [])), signature=signature,
        keep_if=(keep_if["field"], frozenset(v.casefold() for v in keep_if["values"])) if keep_if else None)


def _column_spec(raw, values: dict, where: str) -> ColumnSpec:
    if isinstance(raw, (str, list)):
        raw = {"from": raw}
    _only(raw, _COLUMN, where)
    sources, steps = _strings(raw.get("from", [])), _strings(raw.get("transform", []))
    if unknown := [t for t in steps if t.partition(":")[0] not in transforms.TRANSFORMS]:
        raise ValueError(f"{where}: unknown transforms {unknown}")
    if raw.get("values") is not None and raw["values"] not in values:
        raise ValueError(f"{where}: no value map {raw['values']!r}")
    if not sources and raw.get("default") is None:
        raise ValueError(f"{where}: needs source headers or a default")
    return ColumnSpec(tuple(normalise_header(h) for h in sources), steps,
                      raw.get("values"), raw.get("default"))


def _strings(value) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else tuple(value)


def _only(raw: dict, allowed: set[str], where: str) -> None:
    if unknown := set(raw) - allowed:
        raise ValueError(f"{where}: unknown keys {sorted(unknown)}")
