"""Translation catalogues: extract, check, list what is missing, fill it in, compile.

    .venv/bin/python tools/i18n.py extract          # update messages.pot, merge it into every .po
    .venv/bin/python tools/i18n.py check            # exit 1: missing/fuzzy translation, bad placeholder
    .venv/bin/python tools/i18n.py missing [-l pl]  # untranslated ids per locale (--json: a file to fill)
    .venv/bin/python tools/i18n.py fill todo.json   # {"pl": {"msgid": "msgstr", …}, …} into the .po files
    .venv/bin/python tools/i18n.py compile          # .po → .mo now (the app also does it on start)

Strings are extracted from the sources named in babel.cfg (app/, layouts/, callbacks/),
never read from a possibly stale .pot. English is the source language: it has no catalogue.
"""
from __future__ import annotations

import argparse
import io
import json
import re
import sys
from datetime import datetime, timezone
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:   # run as a script: make `app` importable
    sys.path.insert(0, str(ROOT))

from app.catalogues import DOMAIN, TRANSLATIONS_DIR, compile_catalogues  # noqa: E402
from app.i18n import DEFAULT_LOCALE, LOCALES  # noqa: E402

PROJECT = "Sales Performance Dashboard"
POT = TRANSLATIONS_DIR / f"{DOMAIN}.pot"
TARGET_LOCALES = tuple(loc for loc in LOCALES if loc != DEFAULT_LOCALE)
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "N_": None}
WIDTH = 100
_PRINTF = re.compile(r"%%|%(?:\((\w+)\))?[-+#0]*\d*(?:\.\d+)?([diouxXeEfFgGcrs])")
_BRACES = re.compile(r"\{\{|\}\}|\{(\w*)(?:[!:][^{}]*)?\}")


# ---- extraction and catalogues ---------------------------------------------------------------------

def extract_template(root: Path = ROOT) -> Catalog:
    """Every message marked in the sources babel.cfg names, as a template catalogue."""
    with open(root / "babel.cfg", encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle, filename=str(root / "babel.cfg"))
    tops = {pattern.split("/")[0] for pattern, _method in method_map}

    def wanted(path: str) -> bool:
        parts = Path(path).relative_to(root).parts
        return parts[0] in tops and not any(p.startswith((".", "_")) for p in parts)

    template = _tidy(Catalog(charset="utf-8", fuzzy=False))
    for filename, lineno, message, comments, context in extract_from_dir(
            root, method_map, options_map, keywords=KEYWORDS, comment_tags=("TRANSLATORS:",),
            strip_comment_tags=True, directory_filter=wanted):
        template.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return template


def po_path(locale: str) -> Path:
    return TRANSLATIONS_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po"


def read_catalogue(locale: str) -> Catalog:
    """The locale's .po file as committed (an empty catalogue when there is none yet)."""
    path = po_path(locale)
    if not path.exists():
        return _tidy(Catalog(locale=locale, charset="utf-8", fuzzy=False))
    with path.open("rb") as handle:
        return _tidy(read_po(handle, locale=locale))


def _tidy(catalog: Catalog) -> Catalog:
    """The same header on every catalogue, instead of Babel's placeholders."""
    language = catalog.locale.english_name if catalog.locale else None
    catalog.header_comment = (f"# {language or 'Template of the'} translations of the {PROJECT}.\n"
                              "# Kept in step with the code by `python tools/i18n.py extract`;\n"
                              "# translate the msgstr lines (docs/i18n.md).\n#")
    catalog.project, catalog.version = PROJECT, "1"
    catalog.msgid_bugs_address = "see docs/i18n.md"
    catalog.copyright_holder = catalog.last_translator = f"the {PROJECT} contributors"
    catalog.language_team = language or "none"
    return catalog


def merged(locale: str, template: Catalog) -> Catalog:
    """The .po brought up to date with the template: new ids added, gone ids dropped,
    changed ids pre-filled from a close old one and marked fuzzy (fuzzy counts as missing)."""
    catalog = read_catalogue(locale)
    catalog.update(template, update_creation_date=False)
    catalog.obsolete.clear()
    return catalog


def write_catalogue(path: Path, catalog: Catalog) -> bool:
    """Write a .po/.pot when its content (ignoring the creation date) changed; True if written."""
    out = io.BytesIO()
    write_po(out, catalog, width=WIDTH, include_lineno=False, ignore_obsolete=True)
    new = out.getvalue()
    stamp = re.compile(rb'^"POT-Creation-Date: .*\\n"\n', re.M)
    if path.exists() and stamp.sub(b"", path.read_bytes()) == stamp.sub(b"", new):
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(new)
    return True


# ---- checks ---------------------------------------------------------------------------------------

def placeholders(text: str) -> list[str]:
    """%(name)s, %s and {name} placeholders of a message, sorted (translations may reorder them)."""
    found = [m.group(0) for m in _PRINTF.finditer(text) if m.group(0) != "%%"]
    found += [m.group(0) for m in _BRACES.finditer(text) if m.group(0) not in ("{{", "}}")]
    return sorted(found)


def _key(message) -> str:
    return message.id[0] if isinstance(message.id, tuple) else message.id


def missing(template: Catalog, catalog: Catalog) -> list[str]:
    """Ids of template messages with no usable translation: absent, empty, partly empty or fuzzy."""
    out = []
    for message in template:
        if not message.id:
            continue
        found = catalog.get(message.id, message.context)
        strings = found.string if found else None
        strings = list(strings) if isinstance(strings, (tuple, list)) else [strings]
        if not found or found.fuzzy or not all(s and s.strip() for s in strings):
            out.append(_key(message))
    return out


def placeholder_error(msgid, string) -> str | None:
    """Why a translation's placeholders do not fit its source, or None when they do."""
    if isinstance(msgid, tuple):
        allowed = set(placeholders(msgid[0])) | set(placeholders(msgid[1]))
        for form in string:
            # A plural form may leave the count out ("один день"), never add or rename one.
            extra = set(placeholders(form or "")) - allowed
            if form and extra:
                return f"{msgid[0]!r}: unknown placeholder(s) {sorted(extra)} in {form!r}"
        return None
    if placeholders(msgid) != placeholders(string):
        return f"{msgid!r}: {placeholders(msgid)} in the source, {placeholders(string)} in {string!r}"
    return None


def placeholder_errors(template: Catalog, catalog: Catalog) -> list[str]:
    """Translations whose placeholders differ from the source's."""
    errors = []
    for message in template:
        found = catalog.get(message.id, message.context) if message.id else None
        if found and found.string:
            error = placeholder_error(message.id, found.string)
            if error:
                errors.append(error)
    return errors


# ---- commands -------------------------------------------------------------------------------------

def cmd_extract(args) -> int:
    template = extract_template()
    wrote = write_catalogue(POT, template)
    print(f"{POT.relative_to(ROOT)}: {len(template)} messages{' (updated)' if wrote else ''}")
    for locale in TARGET_LOCALES:
        catalog = merged(locale, template)
        write_catalogue(po_path(locale), catalog)
        print(f"{locale}: {len(missing(template, catalog))} to translate")
    return 0


def cmd_check(args) -> int:
    template, failed = extract_template(), False
    for locale in TARGET_LOCALES:
        catalog = read_catalogue(locale)
        gaps, errors = missing(template, catalog), placeholder_errors(template, catalog)
        failed |= bool(gaps or errors)
        print(f"{locale}: {len(template) - len(gaps)}/{len(template)} translated"
              + (f", {len(errors)} placeholder error(s)" if errors else ""))
        for error in errors:
            print(f"  {error}")
    if failed:
        print("run `python tools/i18n.py missing` for the ids to translate", file=sys.stderr)
    return 1 if failed else 0


def cmd_missing(args) -> int:
    template = extract_template()
    todo = {}
    for locale in args.locale or TARGET_LOCALES:
        catalog = merged(locale, template)
        todo[locale] = {}
        for msgid in missing(template, catalog):
            message = catalog.get(_find(template, msgid).id, _find(template, msgid).context)
            plural = isinstance(message.id, tuple)
            todo[locale][msgid] = [""] * catalog.num_plurals if plural else ""
            if not args.json:
                hint = f"   (fuzzy: {message.string!r})" if message.fuzzy and message.string else ""
                print(f"{locale}\t{msgid}{hint}")
    if args.json:
        json.dump(todo, sys.stdout, ensure_ascii=False, indent=2)
        print()
    return 0


def cmd_fill(args) -> int:
    """Write translations from JSON; a placeholder mismatch or an unknown id is refused."""
    template, refused = extract_template(), 0
    data = json.loads(Path(args.file).read_text(encoding="utf-8"))
    for locale, strings in data.items():
        if locale not in TARGET_LOCALES:
            print(f"{locale}: not a target locale, skipped", file=sys.stderr)
            refused += 1
            continue
        catalog, filled = merged(locale, template), 0
        for msgid, string in strings.items():
            source = _find(template, msgid)
            string = tuple(string) if isinstance(string, list) else string
            if source is None:
                print(f"{locale}: unknown id {msgid!r}", file=sys.stderr)
            elif string and all(string):
                error = placeholder_error(source.id, string)
                if not error:
                    entry = catalog.get(source.id, source.context)
                    entry.string, entry.previous_id = string, []
                    entry.flags.discard("fuzzy")
                    filled += 1
                    continue
                print(f"{locale}: {error}", file=sys.stderr)
            else:
                continue        # left empty: still to translate
            refused += 1
        if filled:
            catalog.revision_date = datetime.now(timezone.utc)
        write_catalogue(po_path(locale), catalog)
        print(f"{locale}: {filled} filled, {len(missing(template, catalog))} still to translate")
    return 1 if refused else 0


def cmd_compile(args) -> int:
    for mo in TRANSLATIONS_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.mo"):
        mo.unlink()
    print(f"compiled into {compile_catalogues()}")
    return 0


def _find(template: Catalog, msgid: str):
    for message in template:
        if message.id and _key(message) == msgid:
            return message
    return None


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("extract", help="update the .pot and merge it into every .po")
    commands.add_parser("check", help="fail on missing translations or placeholder mismatches")
    cmd = commands.add_parser("missing", help="list untranslated ids per locale")
    cmd.add_argument("-l", "--locale", action="append", choices=TARGET_LOCALES)
    cmd.add_argument("--json", action="store_true", help="print a JSON file to fill in and pass to `fill`")
    cmd = commands.add_parser("fill", help="write translations from a JSON file into the .po files")
    cmd.add_argument("file")
    commands.add_parser("compile", help="compile every .po into a .mo now")
    args = parser.parse_args(argv)
    return {"extract": cmd_extract, "check": cmd_check, "missing": cmd_missing, "fill": cmd_fill,
            "compile": cmd_compile}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
