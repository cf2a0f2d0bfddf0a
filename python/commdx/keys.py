"""Pseudonym keys, one per ward, kept outside every export folder (DESIGN.md, "Rules of the house":
exported lists carry keyed pseudonyms, HMAC with a key the ward keeps outside every export).

A key is 32 random bytes from :mod:`secrets`. The plan shows each household or business as
``P-`` + 20 hex digits of HMAC-SHA-256(key, id): without the key, hashing every candidate id
(household ids are sequential) recovers nothing; with it, the same household keeps the same
pseudonym in every month's plan, so a ward keeps one key for as long as it plans.

The store is a folder only its owner can enter (0700) holding one file per ward (0600):
``$COMMDX_KEY_STORE``, else ``$XDG_CONFIG_HOME/commdx/keys``, else ``~/.config/commdx/keys``.
A key file readable by others is refused (:func:`repair` fixes the permissions), and a store inside
or around a command's output folder is refused, so a key is never handed out with an export.

>>> path = create("26506")            # once, on the ward's machine
>>> key = load("26506")               # every month: commdx.plan_outreach(..., key=key)
"""
from __future__ import annotations

import datetime as _dt
import hashlib
import os
import re
import secrets
import stat
from pathlib import Path
from typing import Any, Optional, Union

from . import _core

__all__ = ["KEY_BYTES", "ENV_STORE", "default_store", "key_path", "create", "load", "load_file",
           "fingerprint", "list_keys", "repair", "check_outside", "looks_like_output"]

KEY_BYTES = 32
ENV_STORE = "COMMDX_KEY_STORE"
_SUFFIX = ".key"
_WARD = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")
# Files only a commdx command leaves in its output folder (plan, report, the atomic manifest,
# the key file older versions of `commdx plan` wrote there).
_OUTPUT_MARKERS = ("plan.json", "manifest.json", ".plan-secret")
_OUTPUT_GLOBS = ("report-*.json",)

_MSG = {
    "bad_ward": ("mã đơn vị {ward!r} không hợp lệ: chỉ dùng chữ, số, '-' và '_' (ví dụ 26506)",
                 "unit code {ward!r} is not valid: use letters, digits, '-' and '_' (e.g. 26506)"),
    "exists": ("đã có khóa cho {ward} tại {path}. Khóa giữ mã ẩn danh của các hộ không đổi qua các tháng; "
               "chỉ xóa tệp này nếu thật sự muốn đổi mọi mã ẩn danh",
               "a key for {ward} already exists at {path}. It keeps the households' pseudonyms the same "
               "across months; delete that file only if you really mean to change every pseudonym"),
    "missing": ("chưa có khóa ẩn danh cho {ward} (tìm tại {path}). Tạo khóa bằng: commdx keys create --ward {ward}",
                "no pseudonym key for {ward} (looked for {path}). Create one with: commdx keys create --ward {ward}"),
    "no_file": ("{path}: không có tệp khóa này", "{path}: no such key file"),
    "open": ("{path}: người khác đọc được tệp khóa (quyền {mode}). Khóa có thể đã lộ; sửa quyền bằng "
             "`commdx keys repair` (hoặc chmod 600 {path}) và cân nhắc tạo khóa mới",
             "{path}: others can read this key file (mode {mode}). The key may have leaked; fix the "
             "permissions with `commdx keys repair` (or chmod 600 {path}) and consider a new key"),
    "open_dir": ("{path}: người khác vào được thư mục khóa (quyền {mode}). Sửa bằng `commdx keys repair` "
                 "(hoặc chmod 700 {path})",
                 "{path}: others can enter the key folder (mode {mode}). Fix it with `commdx keys repair` "
                 "(or chmod 700 {path})"),
    "not_key": ("{path}, dòng {line}: không phải tệp khóa commdx ({why})",
                "{path}, line {line}: not a commdx key file ({why})"),
    "other_ward": ("{path}: tệp này là khóa của {found}, không phải của {ward}",
                   "{path}: this file is the key of {found}, not of {ward}"),
    "in_output": ("{path}: không để khóa trong thư mục kết quả {out} (thư mục đó được gửi đi cùng dữ liệu); "
                  "dùng kho khóa mặc định hoặc --store/--key-store ở ngoài",
                  "{path}: a key must not live inside the output folder {out} (that folder is handed out with "
                  "the data); use the default key store or a --store/--key-store outside it"),
    "holds_output": ("{path}: thư mục này chứa thư mục kết quả {out}; kho khóa phải nằm ngoài mọi thư mục kết quả",
                     "{path}: this folder contains the output folder {out}; the key store must lie outside "
                     "every output folder"),
}


def _say(code: str, lang: str, **kw: object) -> str:
    vi, en = _MSG[code]
    return (vi if lang == "vi" else en).format(**kw)


def default_store() -> Path:
    """``$COMMDX_KEY_STORE``, else ``$XDG_CONFIG_HOME/commdx/keys``, else ``~/.config/commdx/keys``."""
    if os.environ.get(ENV_STORE):
        return Path(os.environ[ENV_STORE])
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "commdx" / "keys"


def _store(store: Union[str, Path, None]) -> Path:
    return Path(store) if store is not None else default_store()


def _check_ward(ward: str, lang: str) -> str:
    if not isinstance(ward, str) or not _WARD.match(ward):
        raise _core.ConfigError(_say("bad_ward", lang, ward=ward))
    return ward


def key_path(ward: str, store: Union[str, Path, None] = None, *, lang: str = "en") -> Path:
    """Where the key of ``ward`` lives in the store (whether or not it exists yet)."""
    return _store(store) / (_check_ward(ward, lang) + _SUFFIX)


def looks_like_output(folder: Union[str, Path]) -> bool:
    """True when ``folder`` holds what a commdx command writes into its output folder."""
    d = Path(folder)
    try:
        if not d.is_dir():
            return False
        if any((d / m).exists() for m in _OUTPUT_MARKERS):
            return True
        return any(True for g in _OUTPUT_GLOBS for _ in d.glob(g))
    except OSError:
        return False


def _output_below(folder: Path, depth: int) -> Optional[Path]:
    """The first output folder at most ``depth`` levels below ``folder`` (a bounded walk: the store
    may be a large folder such as the home directory)."""
    if depth < 0:
        return None
    try:
        children = sorted(p for p in folder.iterdir() if p.is_dir() and not p.is_symlink())
    except OSError:
        return None
    for c in children:
        if looks_like_output(c):
            return c
        found = _output_below(c, depth - 1)
        if found is not None:
            return found
    return None


def check_outside(path: Union[str, Path], outputs: tuple = (), *, lang: str = "en") -> None:
    """Refuse (ConfigError) a key file or key store ``path`` that lies inside an output folder:
    any of ``outputs`` (the folders a command is about to write) or any folder that already looks
    like one; and a store that contains an output folder."""
    p = Path(path).resolve()
    for out in outputs:
        o = Path(out).resolve()
        if p == o or o in p.parents:
            raise _core.ConfigError(_say("in_output", lang, path=path, out=out))
    for anc in (p, *p.parents):
        if looks_like_output(anc):
            raise _core.ConfigError(_say("in_output", lang, path=path, out=anc))
    if p.is_dir():
        below = _output_below(p, 3)
        if below is not None:
            raise _core.ConfigError(_say("holds_output", lang, path=path, out=below))


def _mode(p: Path) -> int:
    return stat.S_IMODE(p.stat().st_mode)


def _check_private(p: Path, lang: str) -> None:
    d = p.parent
    if _mode(d) & 0o077:
        raise _core.ConfigError(_say("open_dir", lang, path=d, mode=oct(_mode(d))))
    if _mode(p) & 0o077:
        raise _core.ConfigError(_say("open", lang, path=p, mode=oct(_mode(p))))


def create(ward: str, store: Union[str, Path, None] = None, *, outputs: tuple = (), lang: str = "en") -> Path:
    """Create the key of ``ward``: 32 bytes from :func:`secrets.token_bytes`, in a 0600 file of a
    0700 store. Refuses a ward that already has a key (its pseudonyms would change) and a store
    inside or around an output folder (``outputs``: folders about to be written). Returns the path."""
    path = key_path(ward, store, lang=lang)
    d = path.parent
    check_outside(d, outputs, lang=lang)
    if path.exists():
        raise _core.ConfigError(_say("exists", lang, ward=ward, path=path))
    d.mkdir(parents=True, exist_ok=True, mode=0o700)
    if _mode(d) & 0o077:
        raise _core.ConfigError(_say("open_dir", lang, path=d, mode=oct(_mode(d))))
    key = secrets.token_bytes(KEY_BYTES)
    created = _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    text = ("# commdx pseudonym key: keep it private, never copy it into an export folder\n"
            f"ward={ward}\ncreated={created}\nkey={key.hex()}\n")
    # Written under a temporary name with owner-only permissions from the first byte, then linked
    # to its final name: a crash leaves no half-written key, and two concurrent creates cannot both win.
    tmp = d / f".{ward}{_SUFFIX}.{secrets.token_hex(4)}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        try:
            os.link(tmp, path)
        except FileExistsError:
            raise _core.ConfigError(_say("exists", lang, ward=ward, path=path)) from None
    finally:
        tmp.unlink(missing_ok=True)
    return path


def _parse(path: Path, lang: str) -> dict:
    fields: dict = {}
    try:
        text = path.read_text(encoding="ascii")
    except UnicodeDecodeError:
        raise _core.ConfigError(_say("not_key", lang, path=path, line=1, why="not ASCII text")) from None
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        name, eq, value = line.partition("=")
        if not eq:
            raise _core.ConfigError(_say("not_key", lang, path=path, line=n, why="expected name=value"))
        fields[name.strip()] = (value.strip(), n)
    if "key" not in fields:
        raise _core.ConfigError(_say("not_key", lang, path=path, line=len(text.splitlines()) or 1, why="no 'key=' line"))
    hexkey, n = fields["key"]
    if not re.fullmatch(r"[0-9a-f]{%d}" % (2 * KEY_BYTES), hexkey):
        raise _core.ConfigError(_say("not_key", lang, path=path, line=n, why=f"key must be {2 * KEY_BYTES} hex digits"))
    return {"key": bytes.fromhex(hexkey), "ward": fields.get("ward", ("", 0))[0],
            "created": fields.get("created", ("", 0))[0]}


def load_file(path: Union[str, Path], *, ward: Optional[str] = None, lang: str = "en") -> bytes:
    """The key bytes in ``path`` (a file made by :func:`create`), after checking that only its
    owner can read it (and, when ``ward`` is given, that it is that ward's key)."""
    p = Path(path)
    if not p.is_file():
        raise _core.ConfigError(_say("no_file", lang, path=p))
    _check_private(p, lang)
    rec = _parse(p, lang)
    if ward is not None and rec["ward"] and rec["ward"] != ward:
        raise _core.ConfigError(_say("other_ward", lang, path=p, found=rec["ward"], ward=ward))
    return rec["key"]


def load(ward: str, store: Union[str, Path, None] = None, *, lang: str = "en") -> bytes:
    """The key of ``ward`` from the store; a ConfigError saying how to create it when there is none."""
    path = key_path(ward, store, lang=lang)
    if not path.is_file():
        raise _core.ConfigError(_say("missing", lang, ward=ward, path=path))
    return load_file(path, ward=ward, lang=lang)


def fingerprint(key: bytes) -> str:
    """A short public name of a key (16 hex digits of a domain-separated SHA-256), to check that two
    machines or two months use the same key without showing it. It reveals nothing usable: the
    pseudonyms are HMACs under the key itself, which the fingerprint does not give back."""
    h = hashlib.sha256(b"commdx key fingerprint\x00" + bytes(key)).hexdigest()[:16]
    return "-".join(h[i:i + 4] for i in range(0, 16, 4))


def list_keys(store: Union[str, Path, None] = None) -> list:
    """One dict per key file in the store: ward, path, fingerprint, created, private (owner-only)."""
    d = _store(store)
    rows: list[dict[str, Any]] = []
    if not d.is_dir():
        return rows
    for p in sorted(d.glob("*" + _SUFFIX)):
        private = not (_mode(p) & 0o077) and not (_mode(d) & 0o077)
        try:
            rec = _parse(p, "en")
            fp, created, ward = fingerprint(rec["key"]), rec["created"], rec["ward"] or p.stem
        except _core.ConfigError:
            fp, created, ward = "", "", p.stem
        rows.append({"ward": ward, "path": p, "fingerprint": fp, "created": created, "private": private})
    return rows


def repair(store: Union[str, Path, None] = None) -> list:
    """Make the store 0700 and every key file 0600; returns the paths whose permissions changed."""
    d = _store(store)
    fixed: list[Path] = []
    if not d.is_dir():
        return fixed
    if _mode(d) != 0o700:
        os.chmod(d, 0o700)
        fixed.append(d)
    for p in sorted(d.glob("*" + _SUFFIX)):
        if _mode(p) != 0o600:
            os.chmod(p, 0o600)
            fixed.append(p)
    return fixed
