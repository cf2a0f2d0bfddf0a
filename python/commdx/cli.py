"""The ``commdx`` command. Each subcommand lives in ``commdx.commands.<name>`` and provides
``add_parser(subparsers)``, which registers its arguments and sets ``func`` to a function taking the
parsed arguments and returning an exit status. Exit status: 0 fine, 1 findings or failures worth a
non-zero status (documented per command), 2 unreadable input or bad usage, 130 interrupted (SIGINT).

Every refusal is ONE line on stderr, ``commdx <command>: <where>: <reason>``, in Vietnamese unless
``--lang en`` (commdx.errors.describe); never a traceback. An exception that is not a commdx error
(pandas, openpyxl, zipfile, a decoding error) is a bug in the reader that let it through: it is
still shown as one line naming the input files, and fixed where it comes from.
"""
from __future__ import annotations

import argparse
import contextlib
import importlib
import pkgutil
import sys
from typing import Iterator, NoReturn, Sequence

from . import commands

EXIT_USAGE = 2
EXIT_INTERRUPTED = 130


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line (the usage text is one `--help` away)."""

    def error(self, message: str) -> NoReturn:
        from .errors import reason_text

        lang = run_lang()
        hint = "xem" if lang == "vi" else "see"
        self.exit(EXIT_USAGE, f"{self.prog}: {reason_text('commdx.cli.usage', lang)}: {message} "
                              f"({hint} {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="commdx",
        description="Công cụ cho Tổ công nghệ số cộng đồng / tools for Community Digital Technology Teams",
    )
    parser.add_argument("--version", action="version", version=_version(),
                        help="in số phiên bản rồi thoát / show the version and exit")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda i: i.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{commands.__name__}.{info.name}")
        if hasattr(module, "add_parser"):  # a command's helper modules (survey_design, survey_select) register through it
            module.add_parser(sub)
    return parser


def _version() -> str:
    from . import __version__

    return f"commdx {__version__}"


def _lang(argv: Sequence[str]) -> str:
    # --lang belongs to the subcommands; a usage error or an interrupt can come before parsing ends
    argv = list(argv)
    for i, a in enumerate(argv):
        if a == "--lang" and i + 1 < len(argv):
            return "en" if argv[i + 1] == "en" else "vi"
        if a.startswith("--lang="):
            return "en" if a.split("=", 1)[1] == "en" else "vi"
    return "vi"


# argparse's own words (the usage line, its section titles, its error messages) come through
# gettext, and Python ships no Vietnamese catalogue for them: argparse 3.11's message ids, translated.
# An id missing here (another Python) is shown in English rather than failing.
_ARGPARSE_VI = {
    "usage: ": "cách dùng: ",
    "positional arguments": "tham số theo vị trí",
    "options": "tùy chọn",
    "show this help message and exit": "in trợ giúp này rồi thoát",
    "argument %(argument_name)s: %(message)s": "tham số %(argument_name)s: %(message)s",
    "invalid choice: %(value)r (choose from %(choices)s)": "giá trị không hợp lệ: %(value)r (chọn một trong %(choices)s)",
    "invalid %(type)s value: %(value)r": "giá trị %(type)s không hợp lệ: %(value)r",
    "the following arguments are required: %s": "thiếu các tham số bắt buộc: %s",
    "unrecognized arguments: %s": "tham số không nhận ra: %s",
    "expected one argument": "cần đúng một giá trị",
    "expected at most one argument": "cần nhiều nhất một giá trị",
    "expected at least one argument": "cần ít nhất một giá trị",
    "expected %s argument": "cần %s giá trị",
    "expected %s arguments": "cần %s giá trị",
    "not allowed with argument %s": "không dùng được cùng tham số %s",
    "one of the arguments %s is required": "cần một trong các tham số %s",
    "ignored explicit argument %r": "giá trị %r bị bỏ qua",
    "ambiguous option: %(option)s could match %(matches)s": "tùy chọn mơ hồ: %(option)s có thể là %(matches)s",
    "unexpected option string: %s": "tùy chọn không mong đợi: %s",
    "can't open '%(filename)s': %(error)s": "không mở được '%(filename)s': %(error)s",
    "%(prog)s: error: %(message)s\n": "%(prog)s: lỗi: %(message)s\n",
}


_ARGV: list[str] | None = None  # the command line main() is parsing (None: sys.argv's)


def run_lang() -> str:
    """The language of the command line being parsed (main's argv, else sys.argv): what each
    command's help and usage words are built in, before --lang itself is parsed."""
    return _lang(sys.argv[1:] if _ARGV is None else _ARGV)


@contextlib.contextmanager
def _argparse_words(argv: list[str]) -> Iterator[None]:
    """argparse in the run's language while ``argv`` is parsed (and --help printed). argparse looks
    its words up through the module globals ``_`` and ``ngettext`` at the moment it formats them,
    so they are swapped for the parse and put back after (a notebook that calls ``main`` keeps
    English argparse for its own parsers)."""
    global _ARGV
    saved = argparse._, argparse.ngettext, _ARGV  # type: ignore[attr-defined]
    _ARGV = list(argv)
    if _lang(argv) == "vi":
        argparse._ = lambda m: _ARGPARSE_VI.get(m, m)  # type: ignore[attr-defined]
        argparse.ngettext = lambda s, p, n: _ARGPARSE_VI.get(s if n == 1 else p, s if n == 1 else p)  # type: ignore[attr-defined]
    try:
        yield
    finally:
        argparse._, argparse.ngettext, _ARGV = saved  # type: ignore[attr-defined]


def option_date(value: str) -> str:
    """``type=`` of every date option (``--from``, ``--until``, ``--deadline``, ``--start``): the
    ``YYYY-MM-DD`` form, also ``DD/MM/YYYY`` as Vietnamese users write it (never month first),
    refused in the run's language naming the option (argparse adds it) before anything runs."""
    from .io.tables import parse_date

    day = parse_date(value) if len(value.strip()) <= 10 else None
    if day is None:
        if run_lang() == "vi":
            raise argparse.ArgumentTypeError(f"'{value}' không phải một ngày có thật dạng YYYY-MM-DD hoặc DD/MM/YYYY "
                                             "(ví dụ 20/07/2022)")
        raise argparse.ArgumentTypeError(f"'{value}' is not a real date written YYYY-MM-DD or DD/MM/YYYY (e.g. "
                                         "20/07/2022)")
    return day.isoformat()


def _input_files(args: argparse.Namespace) -> list[str]:
    """The existing files and folders named on the command line (what a failure can concern)."""
    from pathlib import Path

    out = []
    for name, value in sorted(vars(args).items()):
        if name in ("func", "command", "out") or not isinstance(value, str):
            continue
        try:
            if value and Path(value).exists():
                out.append(value)
        except (OSError, ValueError):
            continue
    return out


def _unexpected(exc: BaseException, args: argparse.Namespace, lang: str) -> str:
    """One line for an exception that is not a commdx error: its kind, its text, the inputs."""
    import zipfile

    from .errors import reason_text

    file = getattr(exc, "filename", None)
    reason: str | None  # None only for an id errors.json lacks; these three are there
    if isinstance(exc, zipfile.BadZipFile):
        reason = f"{reason_text('commdx.file.format', lang)} (XLSX)"
    elif isinstance(exc, UnicodeDecodeError):
        reason = reason_text("commdx.file.encoding", lang)
    else:
        reason = reason_text("commdx.cli.unexpected", lang)
    words = {"vi": ("tệp", "dữ liệu vào"), "en": ("file", "inputs")}[lang]
    where = f"{words[0]} {file}" if file else ""
    if not where:
        files = _input_files(args)
        where = f"{words[1]}: {', '.join(files)}" if files else ""
    detail = f"{type(exc).__name__}: {exc}".splitlines()[0] if str(exc) else type(exc).__name__
    return f"{where}: {reason} ({detail})" if where else f"{reason} ({detail})"


def main(argv: list[str] | None = None) -> int:
    from .errors import Error, describe, reason_text

    raw = sys.argv[1:] if argv is None else argv
    lang = _lang(raw)
    try:
        with _argparse_words(raw):
            parser = build_parser()
            args = parser.parse_args(argv)
            if not getattr(args, "func", None):
                parser.print_help()
                return EXIT_USAGE
    except KeyboardInterrupt:
        print(f"commdx: {reason_text('commdx.cli.interrupted', lang)}", file=sys.stderr)
        return EXIT_INTERRUPTED
    lang = getattr(args, "lang", lang) if getattr(args, "lang", None) in ("vi", "en") else lang
    prefix = f"commdx {args.command}"
    args.argv = ["commdx", *raw]  # recorded in output manifests
    try:
        return int(args.func(args) or 0)
    except BrokenPipeError:
        # output piped into `head` or similar: stop quietly, as Unix tools do
        import os

        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        # Ctrl-C: the output writers (commdx.io.output) have already removed their temporary
        # folders and left the previous output as it was; 130 = 128 + SIGINT, as shells report it
        print(f"{prefix}: {reason_text('commdx.cli.interrupted', lang)}", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Error as exc:
        print(f"{prefix}: {describe(exc, lang)}".replace("\n", " "), file=sys.stderr)
        return EXIT_USAGE
    except OSError as exc:
        # the path first (as the output writers name it, under its final name), then what went wrong:
        # a write that the disk or a size limit refused is not an unreadable file
        import errno

        where = f"{exc.filename}: " if exc.filename else ""
        wrote = exc.errno in (errno.ENOSPC, errno.EFBIG, errno.EDQUOT, errno.EROFS)
        reason = reason_text("commdx.file.unwritable" if wrote else "commdx.file.unreadable", lang)
        print(f"{prefix}: {where}{reason} ({exc.strerror or exc})", file=sys.stderr)
        return EXIT_USAGE
    except Exception as exc:  # noqa: BLE001 - the net (module docstring): never a traceback
        print(f"{prefix}: {_unexpected(exc, args, lang)}".replace("\n", " "), file=sys.stderr)
        return EXIT_USAGE

if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
