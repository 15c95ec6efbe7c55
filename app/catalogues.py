"""Translation catalogues: the .po files are in git, the .mo files are compiled on start.

Compiling takes a few tens of milliseconds, so a fresh clone (CI, a new developer, a
container) needs no build step and the repository holds no binaries. `tools/i18n.py`
extracts, checks and fills the .po files; docs/i18n.md says how.
"""
from __future__ import annotations

import os
import tempfile
from functools import lru_cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

from app.config import PROJECT_ROOT

TRANSLATIONS_DIR = PROJECT_ROOT / "translations"
DOMAIN = "messages"
_compiled_dir: list[Path] = []


def catalogue_dir() -> Path:
    """Where this process reads compiled catalogues from, compiling stale ones the first time."""
    if not _compiled_dir:
        _compiled_dir.append(compile_catalogues())
    return _compiled_dir[0]


@lru_cache(maxsize=None)
def translations_for(locale: str) -> Translations | NullTranslations:
    """The compiled catalogue of one locale (English, the source language, has none)."""
    return Translations.load(str(catalogue_dir()), [locale], DOMAIN)


def compile_catalogues(source: Path = TRANSLATIONS_DIR, target: Path | None = None) -> Path:
    """Compile each <locale>/LC_MESSAGES/messages.po whose .mo is missing or older than it.

    The .mo files go next to the .po files (git ignores them); when that directory
    is read-only (an installed image), into var/translations. Returns the directory used.
    """
    try:
        _compile_into(Path(source), Path(target or source))
        return Path(target or source)
    except OSError:
        if target is not None:
            raise
        from app.config import var_dir
        fallback = var_dir() / "translations"
        _compile_into(Path(source), fallback)
        return fallback


def _compile_into(source: Path, target: Path) -> None:
    for po_path in sorted(source.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
        mo_path = target / po_path.relative_to(source).with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as handle:
            catalog = read_po(handle, locale=po_path.parent.parent.name)
        mo_path.parent.mkdir(parents=True, exist_ok=True)
        # Write, then rename: workers starting together must never read half a file.
        fd, tmp = tempfile.mkstemp(dir=mo_path.parent, suffix=".mo.tmp")
        try:
            with os.fdopen(fd, "wb") as out:
                write_mo(out, catalog)
            os.replace(tmp, mo_path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
