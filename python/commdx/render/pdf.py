"""DOCX to PDF through LibreOffice (``soffice --headless --convert-to pdf``), reproducibly.

LibreOffice writes the time of the conversion into the PDF (``/CreationDate`` in the document
information, ``xmp:CreateDate`` when it writes XMP) and derives the file identifier ``/ID`` from
it, so two conversions of the same DOCX differed. Each such value is overwritten in place with a
fixed value of the same length (the cross-reference offsets stay right): the dates with the
DOCX's own date (the report month's last day) and ``/ID`` with a hash of the rest of the file.
One ``soffice`` run converts any number of files (it costs seconds to start); it runs with its
own profile folder, so it neither disturbs nor waits for a LibreOffice the user has open."""
from __future__ import annotations

import errno
import hashlib
import itertools
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Iterable

from ..io.output import OutputError

__all__ = ["docx_to_pdf", "soffice", "reproducible_pdf", "PdfError"]


class PdfError(OutputError):
    """LibreOffice is missing or could not convert a file: an output that could not be written
    (an OSError naming the PDF; the commands report it as such, and nothing is moved in)."""


def soffice() -> str | None:
    """The LibreOffice program on PATH (``soffice`` or ``libreoffice``), or None."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def _convert(files: list[Path], outdir: Path, fmt: str) -> None:
    exe = soffice()
    target = fmt.split(":")[0]
    if exe is None:
        raise PdfError(errno.ENOENT, "LibreOffice (soffice) không có trên máy: cài gói Debian libreoffice-writer-nogui / "
                       "LibreOffice (soffice) is not installed: install the Debian package libreoffice-writer-nogui",
                       os.fspath(files[0].with_suffix("." + target)))
    with tempfile.TemporaryDirectory(prefix="commdx-lo-") as profile:
        cmd = [exe, f"-env:UserInstallation={Path(profile).as_uri()}", "--headless", "--norestore",
               "--convert-to", fmt, "--outdir", str(outdir), *map(str, files)]
        env = {**os.environ, "SAL_USE_VCLPLUGIN": "svp"}
        r = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=600)
    absent = [f for f in files if not (outdir / f"{f.stem}.{target}").is_file()]
    if r.returncode != 0 or absent:
        bad = absent[0] if absent else files[0]
        raise PdfError(errno.EIO, f"LibreOffice không chuyển được sang {target} / LibreOffice could not convert it "
                       f"(exit {r.returncode}): {r.stderr.strip()[-400:]}", os.fspath(bad.with_suffix("." + target)))


_DATE = re.compile(rb"(/CreationDate|/ModDate)\s*\((D:[^)]*)\)")
_XMP_DATE = re.compile(rb"<(xmp:CreateDate|xmp:ModifyDate|xmp:MetadataDate)>([^<]*)</\1>")
_ID = re.compile(rb"/ID\s*\[\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*\]")
_CHECKSUM = re.compile(rb"/DocChecksum\s*/([0-9A-Fa-f]+)")


def _same_length(new: bytes, old: bytes) -> bytes:
    return (new + b"0" * len(old))[: len(old)] if len(new) < len(old) else new[: len(old)]


def reproducible_pdf(path: Path, date: str = "19800101000000") -> None:
    """Overwrite the PDF's dates with ``date`` (YYYYMMDDhhmmss) and its /ID with a hash of the
    file without them, each in place and of the same length."""
    data = path.read_bytes()
    data = _DATE.sub(lambda m: m.group(1) + b"(" + _same_length(b"D:" + date.encode() + b"Z", m.group(2)) + b")", data)
    iso = f"{date[:4]}-{date[4:6]}-{date[6:8]}T00:00:00Z".encode()
    data = _XMP_DATE.sub(lambda m: b"<" + m.group(1) + b">" + _same_length(iso, m.group(2)) + b"</" + m.group(1) + b">", data)
    # the checksum LibreOffice appends is of the file with its dates: a hash of the file without
    # them in its place, and in the /ID's
    rest = _CHECKSUM.sub(b"", _ID.sub(b"", data))
    digest = hashlib.sha256(rest).hexdigest().upper().encode()
    data = _CHECKSUM.sub(lambda m: b"/DocChecksum /" + _same_length(digest, m.group(1)), data)
    ids = _ID.search(data)
    if ids:
        new = ids.group(0)
        for old in {ids.group(1), ids.group(2)}:
            new = new.replace(old, _same_length(digest, old))
        data = data[: ids.start()] + new + data[ids.end():]
    path.write_bytes(data)


def docx_to_pdf(files: Iterable[Path], outdir: Path | None = None, *, dates: dict[str, str] | None = None) -> list[Path]:
    """Convert DOCX files to PDF beside them (or into ``outdir``) in one LibreOffice run; returns
    the PDFs' paths. ``dates``: ``{docx stem: YYYYMMDDhhmmss}`` written as each PDF's date."""
    files = [Path(f) for f in files]
    if not files:
        return []
    stems = [f.stem for f in files]
    if len(set(stems)) != len(stems):
        raise PdfError(f"{files[0]}: two files of one conversion have the same name / hai tệp trùng tên")
    out = []
    with tempfile.TemporaryDirectory(prefix="commdx-pdf-") as tmp:
        _convert_each(files, Path(tmp))
        for f in files:
            pdf = (Path(outdir) if outdir else f.parent) / f"{f.stem}.pdf"
            shutil.move(str(Path(tmp) / f"{f.stem}.pdf"), pdf)
            reproducible_pdf(pdf, (dates or {}).get(f.stem, "19800101000000"))
            out.append(pdf)
    return out


def _convert_each(files: list[Path], outdir: Path) -> None:
    """Convert every file into ``outdir``, in as few LibreOffice runs as it allows.

    LibreOffice 7.4 (Debian 12) aborts while laying out some documents whose tables repeat their
    header row on every page: one of the demo's ward reports (kept as
    ``tests/data/render/repeated-headers-abort.docx``) converted as soon as the repetition was
    removed from either of two of its tables, and not otherwise; which document trips it depends
    on where the page breaks fall. A run stops at the file it aborts on (the files are converted
    in order), so the first file without a PDF is the one refused: it is converted again from a
    copy without the repeated header rows (the same text, tables and numbers; a table that runs
    onto a second page does not repeat its header there), and the run goes on with the rest. A
    file refused even so is a PdfError naming its PDF."""
    pending = list(files)
    plain: set[Path] = set()
    with tempfile.TemporaryDirectory(prefix="commdx-plain-") as copies:
        for attempt in itertools.count():
            # each run writes into a folder of its own: an aborted run leaves its lock file
            # (.~lock.NAME.pdf#) where it was writing, and the next run could not write there
            run = outdir / f".run-{attempt}"
            run.mkdir()
            refused: PdfError | None = None
            try:
                _convert(pending, run, "pdf:writer_pdf_Export")
            except PdfError as e:
                if e.errno == errno.ENOENT:  # no LibreOffice at all
                    raise
                refused = e
            for f in pending:
                if (run / f"{f.stem}.pdf").is_file():
                    shutil.move(str(run / f"{f.stem}.pdf"), outdir / f"{f.stem}.pdf")
            shutil.rmtree(run, ignore_errors=True)
            absent = [f for f in pending if not (outdir / f"{f.stem}.pdf").is_file()]
            if not absent:
                return
            first = absent[0]
            if first in plain or first.suffix.lower() != ".docx":
                original = next(f for f in files if f.stem == first.stem)
                raise PdfError(errno.EIO, str(refused.strerror if refused else "LibreOffice wrote no PDF"),
                               os.fspath(original.with_suffix(".pdf")))
            copy = Path(copies) / first.name
            _without_repeated_headers(first, copy)
            plain.add(copy)
            pending = [copy] + absent[1:]


def _without_repeated_headers(src: Path, dst: Path) -> None:
    """A copy of the DOCX ``src`` whose table rows carry no "repeat as header row" mark."""
    import zipfile

    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "word/document.xml":
                data = re.sub(rb"<w:tblHeader(?:\s[^>]*)?/>", b"", data)
            zout.writestr(item, data)
