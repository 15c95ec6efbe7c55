"""CRM export presets: turn a CRM's own export files into contract tables.

A preset is data, one TOML file per CRM in etl/presets/ (model and checks in
etl/preset_file.py): which files it knows, which source headers feed each
contract column, the CRM's vocabularies, defaults, and which named transforms
(etl/transforms.py) and derivations (etl/derivations.py) to run. This module
loads presets and applies them to raw frames from the reader; etl/synthesis.py
then adds the reference tables a CRM export lacks. Values stay text throughout:
the validator parses them with the preset's number and date locale
(`decimal`, `thousands`, `date_order`).
"""
from __future__ import annotations

import tomllib
from fnmatch import fnmatchcase
from functools import cache
from pathlib import Path, PurePosixPath

import pandas as pd

from etl import contract, synthesis, transforms
from etl.derivations import DERIVATIONS, column
from etl.preset_file import (ColumnSpec, Preset, PresetError, Stage, TableMap,  # noqa: F401 (API)
                             build_preset, normalise_header)
from etl.transforms import Context

PRESET_DIR = Path(__file__).with_name("presets")
_SHEET_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx")


class UnknownPreset(ValueError):
    """No preset of that name; the message lists the valid names."""

    def __init__(self, name: str):
        self.name = name
        super().__init__(f"unknown preset {name!r}; valid presets: {', '.join(available_presets())}")


def available_presets() -> list[str]:
    """Names of the presets shipped in etl/presets/ (one *.toml file each), sorted."""
    return sorted(p.stem for p in PRESET_DIR.glob("*.toml"))


def load_preset(name: str) -> Preset:
    """The preset called `name` (case-insensitive). Raises UnknownPreset, or PresetError for a bad file."""
    key = name.strip().lower()
    if key not in available_presets():
        raise UnknownPreset(name)
    return _load(key)


@cache
def _load(key: str) -> Preset:
    path = PRESET_DIR / f"{key}.toml"
    with path.open("rb") as fh:
        return build_preset(key, tomllib.load(fh), path.name)


def apply_preset(preset: Preset, raw: dict[str, pd.DataFrame]) -> tuple[dict[str, pd.DataFrame], list[str]]:
    """Map raw export frames onto contract tables.

    `raw`: source name (file basename or sheet name) → frame of text, original
    headers, index = source line number. Returns (contract table → frame with
    contract columns only, text values, the same index, attrs["source"] = the
    source name), in load order, plus warnings. Several files of one table are
    stacked: attrs["source"] joins their names with " + " and attrs["parts"]
    lists (name, row count) in order. Reference tables the export lacks
    (stages, reps, territories) are synthesised; their attrs["source"] says so.
    """
    warnings: list[str] = []
    pieces: dict[str, list[pd.DataFrame]] = {}
    for source, frame in raw.items():
        tmap = _match_file(preset, source, frame, warnings)
        if tmap is not None:
            pieces.setdefault(tmap.table, []).append(_map_file(preset, tmap, source, frame, warnings))
    tables = {name: _stack(frames) for name, frames in pieces.items()}
    synthesis.add_reference_tables(preset, tables, warnings)
    return {t: tables[t] for t in contract.LOAD_ORDER if t in tables}, warnings


def split_parts(frame: pd.DataFrame) -> list[pd.DataFrame]:
    """A stacked table (attrs["parts"]) back into one frame per source file, each with its own
    attrs["source"]; any other frame as a one-element list. Line numbers repeat across parts."""
    parts = frame.attrs.get("parts")
    if not parts:
        return [frame]
    pieces, start = [], 0
    for source, rows in parts:
        piece = frame.iloc[start:start + rows].copy()
        piece.attrs = {"source": source}
        pieces.append(piece)
        start += rows
    return pieces


def _stem(source: str) -> str:
    name = PurePosixPath(source.replace("\\", "/")).name.strip().lower()
    return name.rsplit(".", 1)[0] if name.endswith(_SHEET_SUFFIXES) else name


def _match_file(preset: Preset, source: str, frame: pd.DataFrame, warnings: list[str]) -> TableMap | None:
    stem = _stem(source)
    for tmap in preset.tables:
        if any(fnmatchcase(stem, p) for p in tmap.patterns):
            return tmap
    # Report exports and Data Loader extracts carry arbitrary names (report1712…, extract.csv).
    headers = {normalise_header(h) for h in frame.columns}
    for tmap in preset.tables:
        if tmap.signature and all(set(tmap.spec(c).sources) & headers for c in tmap.signature):
            warnings.append(f"{source}: recognised as {preset.label} {tmap.table} by its columns")
            return tmap
    warnings.append(f"{source}: not a file the {preset.label} preset knows; ignored")
    return None


def _map_file(preset: Preset, tmap: TableMap, source: str, frame: pd.DataFrame,
              warnings: list[str]) -> pd.DataFrame:
    ctx = Context(preset, source, warnings, tmap.table)
    headers = {normalise_header(h): h for h in reversed(list(frame.columns))}
    work = pd.DataFrame(index=frame.index)
    used: set[str] = set()
    for name, spec in {**tmap.fields, **tmap.columns}.items():
        series = _read(spec, frame, headers, used)
        if series is None:
            continue
        for name_of_transform in spec.transforms:
            series = transforms.run_transform(name_of_transform, series, ctx)
        if spec.values:
            series = _translate(series, preset.values[spec.values], ctx, name)
        work[name] = series
    if tmap.keep_if:
        work = _keep(work, tmap.keep_if, ctx)
    for name in tmap.derive:
        DERIVATIONS[name](work, ctx)
    for name, spec in tmap.columns.items():
        if spec.default is not None:
            work[name] = column(work, name).replace("", spec.default)
    ignored = [h for h in frame.columns if h not in used and str(h).strip()]
    if ignored:
        more = f" and {len(ignored) - 8} more" if len(ignored) > 8 else ""
        ctx.warn(f"columns not used by the {preset.label} preset: {', '.join(map(str, ignored[:8]))}{more}")
    out = work[[c for c in contract.spec(tmap.table).column_names if c in work.columns]].copy()
    out.attrs["source"] = source
    return out


def _read(spec: ColumnSpec, frame: pd.DataFrame, headers: dict[str, str], used: set[str]) -> pd.Series | None:
    hits = [headers[h] for h in spec.sources if h in headers]
    if not hits:
        return None
    used.update(hits)
    series = _text(frame[hits[0]])
    for header in hits[1:]:
        series = series.mask(series == "", _text(frame[header]))
    return series


def _text(series: pd.Series) -> pd.Series:
    return series.fillna("").astype(str).str.strip()


def _translate(series: pd.Series, vmap: dict[str, str], ctx: Context, name: str) -> pd.Series:
    """CRM vocabulary → contract vocabulary; the map's "*" entry, if any, takes unknown values."""
    mapped = series.str.casefold().map(lambda v: vmap.get(v))
    unknown = mapped.isna() & (series != "")
    if unknown.any():
        fallback = vmap.get("*")
        outcome = "kept as they are" if fallback is None else f"set to {fallback!r}"
        ctx.warn(f"{name}: values the preset does not know, {outcome}: {transforms.sample(series[unknown])}")
        mapped = mapped.mask(unknown, series if fallback is None else fallback)
    return mapped.fillna("").astype(str)


def _keep(work: pd.DataFrame, keep_if: tuple[str, frozenset[str]], ctx: Context) -> pd.DataFrame:
    name, wanted = keep_if
    keep = column(work, name).str.casefold().isin(wanted)
    if (~keep).any():
        ctx.warn(f"{int((~keep).sum())} rows about other fields skipped")
    return work[keep]


def _stack(frames: list[pd.DataFrame]) -> pd.DataFrame:
    if len(frames) == 1:
        return frames[0]
    stacked = pd.concat(frames).fillna("")
    stacked.attrs["source"] = " + ".join(f.attrs["source"] for f in frames)
    stacked.attrs["parts"] = [(f.attrs["source"], len(f)) for f in frames]
    return stacked
