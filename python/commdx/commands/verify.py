"""``commdx verify PATH [--lang vi|en]``: check an output folder (or a report's
``report-<unit>-<month>.manifest.json``) against its manifest: every file present with the size
and SHA-256 it lists, none added (issue 11, atomic outputs; ``commdx.io.output.verify``).
Exit status: 0 complete and intact; 1 problems (each printed: missing manifest, missing, changed
or added file); 2 PATH does not exist."""
from __future__ import annotations

import argparse

_TEXT = {
    "vi": {"ok": "{path}: đầy đủ, {n} tệp khớp manifest", "bad": "{path}: {n} vấn đề"},
    "en": {"ok": "{path}: complete, {n} files match the manifest", "bad": "{path}: {n} problems"},
}


def add_parser(subparsers: "argparse._SubParsersAction") -> None:
    p = subparsers.add_parser(
        "verify", help="kiểm tra kết quả theo manifest / check an output against its manifest",
        description="Kiểm tra một thư mục kết quả của commdx (hoặc manifest của một báo cáo): đủ tệp, đúng "
                    "kích thước và SHA-256. Checks a commdx output folder (or a report's manifest): every "
                    "file present, with its size and SHA-256.")
    p.add_argument("path", metavar="PATH", help="thư mục kết quả hoặc tệp *.manifest.json / output folder or manifest")
    p.add_argument("--lang", choices=("vi", "en"), default="vi", help="ngôn ngữ (mặc định: vi) / language")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import json
    from pathlib import Path

    from ..io.output import MANIFEST, verify

    t = _TEXT[args.lang]
    problems = verify(args.path)
    if problems:
        print(t["bad"].format(path=args.path, n=len(problems)))
        for p in problems:
            print(f"  - {p}")
        return 1
    man = Path(args.path) / MANIFEST if Path(args.path).is_dir() else Path(args.path)
    n = len(json.loads(man.read_text("utf-8"))["files"])
    print(t["ok"].format(path=args.path, n=n))
    return 0
