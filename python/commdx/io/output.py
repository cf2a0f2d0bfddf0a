"""Atomic outputs with a manifest (issue 11; DESIGN.md: "a run leaves either its complete output
(with a manifest) or the previous one").

Three shapes of output, one rule: nothing is written under its final name until it is complete.

- ``atomic_directory(DIR)``: a folder a command owns (``synth --out``, ``plan --out``, ``demo --out``).
  Everything is written into a temporary sibling ``.DIR.part-<pid>-<token>``; when the body has
  finished, ``manifest.json`` is written into it last, every file and the folder are fsync'ed, and
  the folder is swapped into place.
- ``atomic_files(DIR, NAME)``: a set of files added to a folder shared with other outputs (``report
  --out .`` writes ``report-<unit>-<month>.*`` beside other months' reports). The files are written
  into a temporary folder inside DIR; on commit the set's previous manifest is removed first (so a
  half-replaced set never looks complete), the files are renamed in one by one, and the set's
  manifest ``NAME.manifest.json`` is written last.
- ``atomic_file(PATH)``: a single file (``-o out.xlsx``) written to a temporary file beside it,
  fsync'ed and ``os.replace``'d: a reader sees the old file or the new one, never a part. No
  manifest: the rename is the whole promise.

Failures (a full disk, a file-size limit, Ctrl-C) remove the temporary folder or file and leave the
previous output as it was. OS errors are re-raised as :class:`OutputError` (an ``OSError``) naming
the final path of the file that could not be written. ``verify(DIR)`` checks a folder (or a file
set's manifest) against its manifest: sizes and SHA-256 of every file, no file missing, no file
added. The manifest carries no time stamp and XLSX and DOCX files lose the ones openpyxl and
python-docx put in them (zip entry times, created/modified dates), so the same input gives the
same bytes and the same manifest.
"""
from __future__ import annotations

import contextlib
import ctypes
import errno
import gc
import hashlib
import io
import json
import os
import re
import secrets
import shutil
import signal
import sys
import threading
import zipfile
from pathlib import Path
from typing import Any, Iterable, Iterator, Optional, Sequence

__all__ = ["MANIFEST", "OutputError", "atomic_directory", "atomic_files", "atomic_file", "frame_json", "frame_records", "manifest",
           "verify", "sha256_file"]

MANIFEST = "manifest.json"
"""The manifest of an output folder; a file set's manifest is ``<name>.manifest.json``."""

_FORMAT = 1
_PART = ".part-"
_OLD = ".old-"


class OutputError(OSError):
    """An output could not be written. ``filename`` is the final path of the file (not the temporary
    one it was being written to); nothing under the final name was changed."""

    def __str__(self) -> str:
        return (f"{self.filename}: {self.strerror} — chưa ghi gì, kết quả trước (nếu có) giữ nguyên / "
                f"nothing written, the previous output (if any) is unchanged")


def sha256_file(path: str | os.PathLike) -> str:
    # chunked by hand: hashlib.file_digest is Python 3.11+, the package supports 3.9
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _entry(path: Path, name: str) -> dict[str, Any]:
    return {"path": name, "size": path.stat().st_size, "sha256": sha256_file(path)}


def _files_under(root: Path) -> list[Path]:
    """Regular files under ``root``, sorted by their POSIX relative path (deterministic order)."""
    found = [p for p in root.rglob("*") if p.is_file()]
    return sorted(found, key=lambda p: p.relative_to(root).as_posix())


def _inputs(inputs: Iterable[str | os.PathLike | None]) -> list[dict[str, Any]]:
    """Path (as given), size and SHA-256 of each input; a folder contributes each file in it."""
    rows = []
    for given in inputs:
        if given is None:
            continue
        p = Path(given)
        if p.is_dir():
            rows += [_entry(f, (Path(given) / f.relative_to(p)).as_posix()) for f in _files_under(p)]
        elif p.is_file():
            rows.append(_entry(p, Path(given).as_posix()))
    return rows


def manifest(root: str | os.PathLike, files: Optional[Sequence[str]] = None, *,
             command: Optional[Sequence[str]] = None,
             inputs: Iterable[str | os.PathLike | None] = ()) -> dict[str, Any]:
    """The manifest of ``root``: every file under it (or only ``files``, relative paths) with size
    and SHA-256, the command line, the commdx version and the inputs' hashes. No time stamp."""
    from .. import __version__

    root = Path(root)
    names = sorted(files) if files is not None else [
        p.relative_to(root).as_posix() for p in _files_under(root)]
    return {
        "commdx_manifest": _FORMAT,
        "commdx_version": __version__,
        "command": list(command) if command is not None else None,
        "inputs": _inputs(inputs),
        "files": [_entry(root / n, n) for n in names if n != MANIFEST],
    }


_ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)


def _reproducible_xlsx(path: Path) -> None:
    """openpyxl stamps the current time into docProps/core.xml and into every zip entry, so the same
    input gave different bytes (and a different manifest) on every run: drop the created/modified
    properties and give every entry the zip epoch. Hand-written because openpyxl has no option for
    it and writes its own ZipFile; rewriting a workbook costs milliseconds."""
    with zipfile.ZipFile(path) as z:
        entries = [(info, z.read(info)) for info in z.infolist()]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as out:
        for info, data in entries:
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"<dcterms:(created|modified)\b[^>]*>[^<]*</dcterms:\1>", b"", data)
            entry = zipfile.ZipInfo(info.filename, _ZIP_EPOCH)
            entry.compress_type, entry.external_attr, entry.create_system = info.compress_type, info.external_attr, 3
            out.writestr(entry, data)
    path.write_bytes(buf.getvalue())


def _reproducible(root: Path) -> None:
    for p in _files_under(root):
        if p.suffix.lower() in (".xlsx", ".xlsm", ".docx"):
            _reproducible_xlsx(p)


def _dump(data: dict[str, Any]) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8")


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_tree(root: Path) -> None:
    # fsync before the rename: without it a crash shortly after can leave the new names pointing at
    # empty files on delayed-allocation file systems (ext4, xfs).
    for p in _files_under(root):
        _fsync(p)
    for d in sorted({p.parent for p in root.rglob("*")} | {root}):
        _fsync(d)


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Hold SIGINT/SIGTERM while a commit or a clean-up runs, so Ctrl-C cannot stop it half-way;
    a signal that arrives meanwhile is delivered right after."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "pthread_sigmask"):
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically with Linux's renameat2(RENAME_EXCHANGE); False where the system or
    the file system does not offer it. Python's os module has no renameat2, hence ctypes."""
    try:
        fn = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return False
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    fn.restype = ctypes.c_int
    at_fdcwd, rename_exchange = -100, 2
    if fn(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.ENOTSUP):
        return False
    raise OSError(err, os.strerror(err), os.fspath(b))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _remove_stale(parent: Path, prefix: str) -> None:
    """Remove temporary folders left by runs that were killed (SIGKILL, power loss): their name
    carries the pid of the run that made them, and that process is gone."""
    if not parent.is_dir():
        return
    for p in parent.iterdir():
        name = p.name
        for mark in (_PART, _OLD):
            if name.startswith(prefix + mark):
                pid = name[len(prefix + mark):].split("-", 1)[0]
                if pid.isdigit() and int(pid) != os.getpid() and not _alive(int(pid)):
                    shutil.rmtree(p, ignore_errors=True)


def _temp_name(parent: Path, prefix: str, mark: str) -> Path:
    return parent / f"{prefix}{mark}{os.getpid()}-{secrets.token_hex(4)}"


def _named(exc: OSError, tmp: Path, final: Path) -> OutputError:
    """The OS error with the final path of the file it concerns. A failed write() carries no file
    name, so the file is the one most recently modified in the temporary folder (the one being
    written when the disk filled)."""
    name = exc.filename
    if name is None:
        files = _files_under(tmp) if tmp.is_dir() else []
        if files:
            name = max(files, key=lambda p: (p.stat().st_mtime_ns, p.stat().st_size))
    name = _final_path(os.fspath(name) if name is not None else os.fspath(final), tmp, final)
    return OutputError(exc.errno, exc.strerror or str(exc), name)


def _final_path(path: str, tmp: Path, final: Path) -> str:
    t = os.fspath(tmp)
    return os.fspath(final) + path[len(t):] if path.startswith(t) else path


#: libxml2's names of the write errors that lxml raises as ``SerialisationError`` (no errno):
#: openpyxl writes its worksheets through lxml when lxml is installed (python-docx brings it), so a
#: full disk or a file-size limit arrives as ``SerialisationError('IO_EFBIG')``.
_LIBXML_IO_ERRNOS = {"IO_EFBIG": errno.EFBIG, "IO_ENOSPC": errno.ENOSPC, "IO_EDQUOT": errno.EDQUOT,
                     "IO_EROFS": errno.EROFS, "IO_EIO": errno.EIO}


def _libxml_errno(exc: BaseException) -> Optional[int]:
    """The errno of lxml's SerialisationError for a failed write, None for anything else."""
    if type(exc).__name__ != "SerialisationError":
        return None
    return _LIBXML_IO_ERRNOS.get(str(exc).strip())


def _fail(exc: BaseException, tmp: Path, final: Path) -> BaseException:
    """What to raise for an exception inside the body: OS errors (lxml's failed writes included,
    and the C++ writers' errors that name a temporary file) become OutputError naming the final
    file; anything else as it is."""
    from .. import Error

    code = _libxml_errno(exc)
    if code is not None:
        return _named(OSError(code, os.strerror(code)), tmp, final)
    if isinstance(exc, OSError):
        if exc.filename is not None and not os.fspath(exc.filename).startswith(os.fspath(tmp)):
            return exc  # about an input, not about this output
        return _named(exc, tmp, final)
    if isinstance(exc, Error) and str(exc).startswith(os.fspath(tmp)):
        # the C++ writers' messages are "<file>: <reason>" (synth.hpp's file_writer)
        path, _, reason = str(exc).partition(": ")
        return OutputError(errno.EIO, reason, _final_path(path.removesuffix(".part"), tmp, final))
    return exc


_MUTED_ERRNOS: set[int] = set()


def _release(exc: BaseException) -> None:
    """Mute the echoes of a reported disk error. Streaming writers (openpyxl's worksheet
    generators) hit the same error again when they are closed during garbage collection, after
    the error has been reported, and Python prints "Exception ignored in ..." with a traceback.
    From now on such finaliser errors with the same errno, and "I/O on a closed file" from the
    writers' half-closed files, are dropped (they say nothing new: the disk is full); any other
    one is still printed."""
    err = getattr(exc, "errno", None)
    if err is None:
        err = _libxml_errno(exc)
    if err is None:
        return
    if not _MUTED_ERRNOS:
        previous = sys.unraisablehook

        def hook(u: Any) -> None:
            echo = (isinstance(u.exc_value, OSError) and u.exc_value.errno in _MUTED_ERRNOS) or (
                _libxml_errno(u.exc_value) in _MUTED_ERRNOS) or (
                isinstance(u.exc_value, ValueError) and "closed file" in str(u.exc_value))  # zipfile's __del__
            if not echo:
                previous(u)

        sys.unraisablehook = hook
    _MUTED_ERRNOS.add(err)
    exc.__traceback__ = None
    gc.collect()


@contextlib.contextmanager
def pandas_json_held() -> Iterator[None]:
    """Ctrl-C deferred while pandas' C JSON writer runs: a KeyboardInterrupt raised inside it (it
    checks for signals) was seen to crash the process (SIGSEGV, exit -11, in about 1 of 3
    interrupted plans). Masking the signal is not enough (another thread of the process takes it),
    so a Python-level handler only notes it, and the previous handler runs once the writer returns."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    came: list[Any] = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: came.append(frame))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        if came:
            if callable(previous):
                previous(signal.SIGINT, came[0])
            else:
                raise KeyboardInterrupt


def frame_json(df: Any, **kwargs: Any) -> str:
    """``df.to_json(**kwargs)`` with Ctrl-C deferred (``pandas_json_held``): every command
    writes its tables' JSON through here, so none can crash in pandas' C writer."""
    with pandas_json_held():
        return df.to_json(**kwargs)


def frame_records(df: Any) -> list:
    """The rows of ``df`` as JSON records (NaN as null), through ``frame_json``."""
    return json.loads(frame_json(df, orient="records", force_ascii=False))


@contextlib.contextmanager
def _sigint_watched() -> Iterator[list[bool]]:
    """Note whether Ctrl-C came. Some C code turns the KeyboardInterrupt raised inside it into
    another exception (pandas' JSON writer: "ValueError: Error calling _values_for_json"), and
    Ctrl-C must still end as Ctrl-C. Only Python's default handler is wrapped, never a caller's."""
    seen = [False]
    if threading.current_thread() is not threading.main_thread() or \
            signal.getsignal(signal.SIGINT) is not signal.default_int_handler:
        yield seen
        return

    def handler(signum: int, frame: Any) -> None:
        seen[0] = True
        signal.default_int_handler(signum, frame)

    signal.signal(signal.SIGINT, handler)
    try:
        yield seen
    finally:
        signal.signal(signal.SIGINT, signal.default_int_handler)


@contextlib.contextmanager
def _removed_on_failure(tmp: Path, final: Path) -> Iterator[None]:
    """On any exception (Ctrl-C included) remove the temporary folder or file, then raise (see
    _fail; an exception that Ctrl-C caused is raised as KeyboardInterrupt)."""
    with _sigint_watched() as interrupted:
        try:
            yield
        except BaseException as exc:
            failure = KeyboardInterrupt() if interrupted[0] else _fail(exc, tmp, final)
            with _signals_held():
                if tmp.is_dir():
                    shutil.rmtree(tmp, ignore_errors=True)
                else:
                    with contextlib.suppress(FileNotFoundError):
                        os.unlink(tmp)
            if failure is exc or isinstance(exc, KeyboardInterrupt):
                raise
            _release(exc)
            raise failure from exc


def _is_replaceable(final: Path) -> bool:
    return not final.exists() or (final.is_dir() and (not any(final.iterdir()) or (final / MANIFEST).is_file()))


@contextlib.contextmanager
def atomic_directory(final: str | os.PathLike, *, command: Optional[Sequence[str]] = None,
                     inputs: Iterable[str | os.PathLike | None] = ()) -> Iterator[Path]:
    """Yield a temporary folder beside ``final``; when the body finishes, write ``manifest.json``
    into it last and swap it into place. On any exception the temporary folder is removed and
    ``final`` is left as it was.

    An existing ``final`` is replaced only when it is empty or a previous commdx output (it has a
    manifest): a folder of the user's own files is never deleted (OutputError instead).

    Replacing a folder is not one rename on POSIX (rename(2) refuses a non-empty target). Choice:
    on Linux, renameat2(RENAME_EXCHANGE) swaps the new folder and the old one in one atomic step,
    then the old one (now under the temporary name) is deleted: a reader sees the old complete
    folder or the new complete folder, never neither. Elsewhere: rename the old folder aside,
    rename the new one in, delete the old; a crash between the two renames leaves no ``final``
    but both complete folders under hidden names, never a partial one under the final name. A
    symlink switched between versioned folders would also be atomic, but it changes what users
    see (``out`` becomes a link; copying or zipping it copies the link), so it is not used.
    """
    final = Path(final)
    parent = final.parent
    parent.mkdir(parents=True, exist_ok=True)
    if not _is_replaceable(final):
        raise OutputError(errno.EEXIST, "thư mục đã có và không phải kết quả commdx (không có manifest.json) / "
                          "exists and is not a commdx output (no manifest.json)", os.fspath(final))
    prefix = f".{final.name}"
    _remove_stale(parent, prefix)
    tmp = _temp_name(parent, prefix, _PART)
    with _removed_on_failure(tmp, final):  # made inside: a Ctrl-C right after mkdir still removes it
        tmp.mkdir()
        yield tmp
        _reproducible(tmp)
        (tmp / MANIFEST).write_bytes(_dump(manifest(tmp, command=command, inputs=inputs)))
        _fsync_tree(tmp)
        with _signals_held():  # a Ctrl-C now is delivered after the swap, to the handler above
            _swap_in(tmp, final)


def _swap_in(tmp: Path, final: Path) -> None:
    """Put the complete folder ``tmp`` in place of ``final`` (see atomic_directory for the choice)."""
    old = _temp_name(final.parent, f".{final.name}", _OLD)
    try:
        if not final.exists():
            os.rename(tmp, final)
        elif _exchange(tmp, final):
            shutil.rmtree(tmp, ignore_errors=True)  # the previous output, now under tmp's name
        else:
            os.rename(final, old)
            os.rename(tmp, final)
            shutil.rmtree(old, ignore_errors=True)  # a leftover is removed by a later run
        _fsync(final.parent)
    except OSError as exc:
        if old.exists() and not final.exists():
            os.rename(old, final)  # the second rename failed: put the previous output back
        raise OutputError(exc.errno, exc.strerror, os.fspath(final)) from exc


def _set_files(manifest_path: Path) -> list[str]:
    try:
        return [f["path"] for f in json.loads(manifest_path.read_text("utf-8"))["files"]]
    except (OSError, ValueError, KeyError, TypeError):
        return []


@contextlib.contextmanager
def atomic_files(directory: str | os.PathLike, name: str, *, command: Optional[Sequence[str]] = None,
                 inputs: Iterable[str | os.PathLike | None] = ()) -> Iterator[Path]:
    """Yield a temporary folder inside ``directory``; the files written there (flat, no subfolders)
    are moved into ``directory`` when the body finishes, then ``<name>.manifest.json`` listing them
    is written last. The set's previous manifest is removed before the first file is replaced and
    files of the previous set that the new one does not have are removed, so a reader checking the
    manifest sees the old complete set, the new complete set, or no manifest at all."""
    d = Path(directory)
    d.mkdir(parents=True, exist_ok=True)
    prefix = f".{name}"
    _remove_stale(d, prefix)
    tmp = _temp_name(d, prefix, _PART)
    target = d / f"{name}.manifest.json"
    with _removed_on_failure(tmp, d):
        tmp.mkdir()
        yield tmp
        _reproducible(tmp)
        files = sorted(p.name for p in tmp.iterdir() if p.is_file())
        data = _dump(manifest(tmp, files, command=command, inputs=inputs))
        _fsync_tree(tmp)
        (tmp / target.name).write_bytes(data)
        _fsync(tmp / target.name)
        with _signals_held():  # a Ctrl-C now is delivered after the files are in, to the handler above
            _move_set_in(tmp, d, files, target)
            shutil.rmtree(tmp, ignore_errors=True)


def _move_set_in(tmp: Path, d: Path, files: list[str], target: Path) -> None:
    """Replace a file set: its old manifest first, then the files, then the new manifest."""
    try:
        previous = _set_files(target)
        if target.exists():
            os.unlink(target)
            _fsync(d)
        for f in files:
            os.replace(tmp / f, d / f)
        for f in set(previous) - set(files):
            if "/" not in f and (d / f).is_file():
                os.unlink(d / f)
        _fsync(d)
        os.replace(tmp / target.name, target)
        _fsync(d)
    except OSError as exc:
        raise OutputError(exc.errno, exc.strerror, os.fspath(exc.filename or target)) from exc


@contextlib.contextmanager
def atomic_file(final: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path beside ``final`` with the same suffix (pandas and openpyxl choose
    the format from it); when the body finishes, fsync it and ``os.replace`` it onto ``final``."""
    final = Path(final)
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = final.parent / f".{final.stem}{_PART}{os.getpid()}-{secrets.token_hex(4)}{final.suffix}"
    with _removed_on_failure(tmp, final):
        yield tmp
        if tmp.suffix.lower() in (".xlsx", ".xlsm", ".docx"):
            _reproducible_xlsx(tmp)
        _fsync(tmp)
        with _signals_held():
            os.replace(tmp, final)
            _fsync(final.parent)


def verify(path: str | os.PathLike) -> list[str]:
    """Check an output against its manifest; returns the problems (empty: complete and intact).

    ``path`` is an output folder (checked against its ``manifest.json``: every file listed with
    the right size and SHA-256, no file missing, none added) or a file set's
    ``<name>.manifest.json`` (its files checked; other files in the folder are not its business).
    Missing folder -> FileNotFoundError; no or unreadable manifest -> one problem saying the output
    is not complete."""
    p = Path(path)
    if not p.exists():
        raise FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), os.fspath(p))
    folder, man = (p, p / MANIFEST) if p.is_dir() else (p.parent, p)
    if not man.is_file():
        return [f"{man}: không có manifest: kết quả chưa hoàn chỉnh / no manifest: not a complete output"]
    try:
        data = json.loads(man.read_text("utf-8"))
        listed = {f["path"]: f for f in data["files"]}
    except (ValueError, KeyError, TypeError) as exc:
        return [f"{man}: manifest không đọc được / unreadable manifest ({exc})"]
    problems = []
    for name, f in sorted(listed.items()):
        fp = folder / name
        if not fp.is_file():
            problems.append(f"{fp}: thiếu / missing")
        elif fp.stat().st_size != f.get("size"):
            problems.append(f"{fp}: kích thước {fp.stat().st_size}, manifest ghi {f.get('size')} / "
                            f"size {fp.stat().st_size}, the manifest says {f.get('size')}")
        elif sha256_file(fp) != f.get("sha256"):
            problems.append(f"{fp}: SHA-256 khác manifest / SHA-256 differs from the manifest")
    if man.name == MANIFEST:
        for fp in _files_under(folder):
            rel = fp.relative_to(folder).as_posix()
            if rel != MANIFEST and rel not in listed:
                problems.append(f"{fp}: không có trong manifest / not in the manifest")
    return problems
