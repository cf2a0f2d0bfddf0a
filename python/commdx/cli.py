"""The ``commdx`` command. Each subcommand lives in ``commdx.commands.<name>`` and provides
``add_parser(subparsers)``, which registers its arguments and sets ``func`` to a function taking the
parsed arguments and returning an exit status. Exit status: 0 fine, 1 findings or failures worth a
non-zero status (documented per command), 2 unreadable input or bad usage."""
from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys

from . import commands


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="commdx",
        description="Công cụ cho Tổ công nghệ số cộng đồng / tools for Community Digital Technology Teams",
    )
    parser.add_argument("--version", action="version", version=_version())
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda i: i.name):
        if info.name.startswith("_"):
            continue
        importlib.import_module(f"{commands.__name__}.{info.name}").add_parser(sub)
    return parser


def _version() -> str:
    from . import __version__

    return f"commdx {__version__}"


def main(argv: list[str] | None = None) -> int:
    from . import Error

    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    args.argv = ["commdx", *(sys.argv[1:] if argv is None else argv)]  # recorded in output manifests
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        # Ctrl-C: the output writers (commdx.io.output) have already removed their temporary
        # folders and left the previous output as it was; 130 = 128 + SIGINT, as shells report it
        print(f"commdx {args.command}: đã dừng (Ctrl-C) / interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # output piped into `head` or similar: stop quietly, as Unix tools do
        import os

        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except (Error, OSError) as exc:
        print(f"commdx {args.command}: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
