"""``commdx keys``: the wards' pseudonym keys (one per ward, outside every export folder).

``create --ward CODE``, ``list``, ``path --ward CODE``, ``show-fingerprint --ward CODE``, ``repair``;
each takes ``--store DIR`` (default ``$COMMDX_KEY_STORE`` or ``~/.config/commdx/keys``) and
``--lang vi|en``. The key itself is never printed. Exit status 0 fine, 2 refused (the message says why).
"""
from __future__ import annotations

import argparse
from typing import Any

# per language: message templates (str) and tables of words (tuples, dicts)
_TEXT: dict[str, dict[str, Any]] = {
    "vi": {
        "created": "Đã tạo khóa ẩn danh cho {ward}: {path}\nDấu vân tay: {fp}\n"
                   "Giữ tệp này trên máy của phường (chỉ chủ tài khoản đọc được); sao lưu nó ở nơi an toàn. "
                   "Mất khóa thì mã ẩn danh của các tháng sau sẽ khác; lộ khóa thì ai cũng tìm lại được hộ.",
        "none": "Chưa có khóa nào trong {store}. Tạo bằng: commdx keys create --ward MÃ",
        "header": ("Đơn vị", "Dấu vân tay", "Ngày tạo", "Quyền", "Tệp"),
        "private": "riêng", "open": "NGƯỜI KHÁC ĐỌC ĐƯỢC (commdx keys repair)",
        "repaired": "Đã sửa quyền: {path}", "nothing": "Quyền đã đúng (thư mục 700, tệp 600): {store}",
    },
    "en": {
        "created": "Created the pseudonym key of {ward}: {path}\nFingerprint: {fp}\n"
                   "Keep this file on the ward's machine (only its owner can read it) and back it up safely. "
                   "A lost key changes next month's pseudonyms; a leaked key lets anyone find the households again.",
        "none": "No keys in {store} yet. Create one with: commdx keys create --ward CODE",
        "header": ("Unit", "Fingerprint", "Created", "Access", "File"),
        "private": "private", "open": "READABLE BY OTHERS (commdx keys repair)",
        "repaired": "Permissions fixed: {path}", "nothing": "Permissions already right (folder 700, files 600): {store}",
    },
}


def add_parser(subparsers: "argparse._SubParsersAction") -> None:
    p = subparsers.add_parser(
        "keys", help="khóa ẩn danh của phường/xã / the wards' pseudonym keys",
        description="Khóa ẩn danh (HMAC-SHA-256) của từng phường/xã, cất ngoài mọi thư mục kết quả. "
                    "Pseudonym keys (HMAC-SHA-256), one per ward, kept outside every output folder.")
    sub = p.add_subparsers(dest="keys_command", metavar="ACTION")

    def common(q: argparse.ArgumentParser) -> None:
        # --key-store as in plan and demo; --store, its first spelling here, still works
        q.add_argument("--key-store", "--store", dest="store", help="thư mục kho khóa (mặc định $COMMDX_KEY_STORE hoặc ~/.config/commdx/keys) / key store")
        q.add_argument("--lang", choices=("vi", "en"), default="vi", help="ngôn ngữ (mặc định vi) / language")

    q = sub.add_parser("create", help="tạo khóa mới cho một phường/xã / create a ward's key")
    q.add_argument("--ward", required=True, help="mã phường/xã, ví dụ 26506 / unit code")
    common(q)
    q.set_defaults(func=run_create)
    q = sub.add_parser("list", help="liệt kê các khóa (không in khóa) / list the keys (never printed)")
    common(q)
    q.set_defaults(func=run_list)
    q = sub.add_parser("path", help="đường dẫn tệp khóa của một phường/xã / path of a ward's key file")
    q.add_argument("--ward", required=True, help="mã phường/xã / unit code")
    common(q)
    q.set_defaults(func=run_path)
    q = sub.add_parser("show-fingerprint", help="dấu vân tay của khóa (để so hai máy) / a key's fingerprint")
    q.add_argument("--ward", required=True, help="mã phường/xã / unit code")
    common(q)
    q.set_defaults(func=run_fingerprint)
    q = sub.add_parser("repair", help="sửa quyền: thư mục 700, tệp 600 / fix permissions")
    common(q)
    q.set_defaults(func=run_repair)
    p.set_defaults(func=lambda args: p.print_help() or 2)  # no ACTION: this command's help, exit 2


def run_create(args: argparse.Namespace) -> int:
    from .. import keys

    path = keys.create(args.ward, args.store, lang=args.lang)
    fp = keys.fingerprint(keys.load_file(path, ward=args.ward, lang=args.lang))
    print(_TEXT[args.lang]["created"].format(ward=args.ward, path=path, fp=fp))
    return 0


def run_list(args: argparse.Namespace) -> int:
    from .. import keys

    t = _TEXT[args.lang]
    rows = keys.list_keys(args.store)
    store = args.store or keys.default_store()
    if not rows:
        print(t["none"].format(store=store))
        return 0
    print("\t".join(t["header"]))
    for r in rows:
        print("\t".join([r["ward"], r["fingerprint"] or "?", r["created"] or "?",
                         t["private"] if r["private"] else t["open"], str(r["path"])]))
    return 0


def run_path(args: argparse.Namespace) -> int:
    from .. import keys

    print(keys.key_path(args.ward, args.store, lang=args.lang))
    return 0


def run_fingerprint(args: argparse.Namespace) -> int:
    from .. import keys

    print(keys.fingerprint(keys.load(args.ward, args.store, lang=args.lang)))
    return 0


def run_repair(args: argparse.Namespace) -> int:
    from .. import keys

    t = _TEXT[args.lang]
    fixed = keys.repair(args.store)
    for p in fixed:
        print(t["repaired"].format(path=p))
    if not fixed:
        print(t["nothing"].format(store=args.store or keys.default_store()))
    return 0
