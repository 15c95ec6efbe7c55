"""Uploaded exports waiting to be imported: var/uploads/<token>/ holds the files and a record.

The record (upload.json) is written by the web request that received the files: the
acting admin comes from the session, the language from the request. The background job
that imports the upload is given only the token and reads both from here, so nothing
the browser sends can name the actor. Tokens are random and unguessable; uploads older
than a day are removed when a new one arrives. The worker reads the same files, so a
deployment with separate worker hosts shares VAR_DIR between them.
"""
from __future__ import annotations

import base64
import binascii
import json
import re
import secrets
import shutil
import time
from dataclasses import dataclass
from pathlib import Path, PurePath

from app.config import var_dir
from app.data.clock import utcnow

KEEP_SECONDS = 24 * 3600
TOKEN = re.compile(r"^[A-Za-z0-9_-]{32,64}$")
RECORD, FILES, CANCEL = "upload.json", "files", "cancel"


class UploadRefused(ValueError):
    """The files cannot be taken; `code` names why, `names` the files concerned."""

    def __init__(self, code: str, **details):
        super().__init__(code)
        self.code, self.details = code, details


@dataclass(frozen=True)
class Upload:
    token: str
    actor: str
    locale: str
    ip: str | None
    files: list[str]        # the stored file names
    ignored: list[str]      # uploaded but not stored (not CSV/.zip/.xlsx)
    kind: str               # "csv" (a folder of CSV files), "zip" or "xlsx"
    size: int = 0           # bytes stored

    @property
    def path(self) -> Path:
        """What to hand to the import: the folder of CSV files, or the one archive/workbook."""
        folder = upload_dir(self.token) / FILES
        return folder if self.kind == "csv" else folder / self.files[0]


def root() -> Path:
    return var_dir() / "uploads"


def upload_dir(token: str) -> Path:
    if not isinstance(token, str) or not TOKEN.match(token):
        raise UploadRefused("unknown")
    return root() / token


def decode(contents: str) -> bytes:
    """A dcc.Upload value ("data:<type>;base64,<data>") → bytes."""
    if not isinstance(contents, str) or "," not in contents:
        raise UploadRefused("unreadable")
    try:
        return base64.b64decode(contents.split(",", 1)[1], validate=True)
    except (binascii.Error, ValueError):
        raise UploadRefused("unreadable") from None


def encoded_size(contents: str) -> int:
    """The decoded size of a data URL, without decoding it."""
    data = contents.split(",", 1)[1] if isinstance(contents, str) and "," in contents else ""
    return len(data) * 3 // 4 - data[-2:].count("=")


def sort_files(names: list[str]) -> tuple[str, list[str], list[str]]:
    """(kind, names to store, names ignored) for the uploaded file names.

    One .zip or one .xlsx is taken alone; otherwise the CSV files are, as a folder, and
    other files are ignored. Raises UploadRefused for a mix, duplicates or nothing usable.
    """
    clean = [safe_name(n) for n in names]
    lower = [n.lower() for n in clean]
    if len(set(lower)) != len(lower):
        raise UploadRefused("duplicate", names=sorted({n for n in clean if lower.count(n.lower()) > 1}))
    archives = [n for n in clean if n.lower().endswith((".zip", ".xlsx"))]
    csvs = [n for n in clean if n.lower().endswith(".csv")]
    if archives and (len(archives) > 1 or csvs):
        raise UploadRefused("mixed")
    if archives:
        return ("zip" if archives[0].lower().endswith(".zip") else "xlsx"), archives, \
            [n for n in clean if n not in archives]
    if not csvs:
        raise UploadRefused("nothing", names=clean)
    return "csv", csvs, [n for n in clean if n not in csvs]


def safe_name(name) -> str:
    """The file's own name (no folders); refuses names that could escape the upload folder."""
    text = PurePath(str(name or "").replace("\\", "/")).name.strip()
    if not text or text.startswith(".") or text in ("..", RECORD) or "\x00" in text:
        raise UploadRefused("bad_name", names=[str(name)[:80]])
    return text[:200]


def store(files: dict[str, bytes], kind: str, ignored: list[str], actor: str, locale: str,
          ip: str | None) -> Upload:
    """Write the files and the record; returns the Upload (with its new token)."""
    remove_old()
    token = secrets.token_urlsafe(32)
    folder = upload_dir(token)
    (folder / FILES).mkdir(parents=True)
    for name, data in files.items():
        (folder / FILES / name).write_bytes(data)
    upload = Upload(token, actor, locale, ip, sorted(files), ignored, kind, sum(len(d) for d in files.values()))
    record = {"actor": actor, "locale": locale, "ip": ip, "files": upload.files, "ignored": ignored,
              "kind": kind, "size": upload.size, "created_at": utcnow().isoformat()}
    (folder / RECORD).write_text(json.dumps(record))
    return upload


def load(token) -> Upload | None:
    """The upload of a token, or None (unknown, malformed or removed)."""
    try:
        record = json.loads((upload_dir(token) / RECORD).read_text())
    except (UploadRefused, OSError, ValueError):
        return None
    return Upload(token, record["actor"], record["locale"], record.get("ip"), record["files"],
                  record.get("ignored", []), record["kind"], record.get("size", 0))


def request_cancel(token) -> bool:
    """Ask the job importing this upload to stop; False when there is no such upload."""
    if load(token) is None:
        return False
    (upload_dir(token) / CANCEL).touch()
    return True


def cancel_requested(token: str) -> bool:
    return (upload_dir(token) / CANCEL).exists()


def clear_cancel(token: str) -> None:
    (upload_dir(token) / CANCEL).unlink(missing_ok=True)


def remove_old(now: float | None = None) -> None:
    """Delete uploads older than KEEP_SECONDS."""
    now = now or time.time()
    if not root().is_dir():
        return
    for folder in root().iterdir():
        try:
            if folder.is_dir() and now - folder.stat().st_mtime > KEEP_SECONDS:
                shutil.rmtree(folder, ignore_errors=True)
        except OSError:
            continue
