"""python/commdx/_core.pyi agrees with the compiled module: every name _core has is stubbed (and no
stub names a thing _core lacks), every class member is stubbed, and every function's stubbed
parameters are the ones the binding declares (tools/stubs.py regenerates the file; `make stubs`)."""
from __future__ import annotations

import ast
import inspect
from pathlib import Path

import commdx
from commdx import _core

STUB = Path(__file__).resolve().parents[2] / "python" / "commdx" / "_core.pyi"
# what pybind11 or Python put on every module and class, not part of the bindings' API
_MODULE_NOISE = {"__builtins__", "__cached__", "__file__", "__loader__", "__name__", "__package__",
                 "__spec__", "__path__", "__doc__"}


def _stub_tree() -> ast.Module:
    return ast.parse(STUB.read_text(encoding="utf-8"))


def _stub_names(body: list[ast.stmt]) -> dict[str, ast.stmt]:
    out: dict[str, ast.stmt] = {}
    for node in body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            out[node.name] = node
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            out[node.target.id] = node
        elif isinstance(node, ast.ImportFrom):
            for alias in node.names:
                out[alias.asname or alias.name] = node
    return out


def _module_names() -> set[str]:
    return {n for n in vars(_core) if n not in _MODULE_NOISE and not inspect.ismodule(getattr(_core, n))}


def _class_members(cls: type) -> set[str]:
    keep = {"__init__", "__len__", "__contains__", "__eq__", "__repr__", "__iter__", "__getitem__"}
    out = {n for n in vars(cls) if (not n.startswith("__") or n in keep) and n != "_pybind11_conduit_v1_"}
    # a class the bindings give no constructor still has pybind11's refusing __init__ (Python's
    # default docstring): there is nothing to stub
    if "__init__" in out and (cls.__init__.__doc__ or "").startswith("Initialize self"):
        out.discard("__init__")
    return out


def _split_top_level(params: str) -> list[str]:
    parts, depth, cur = [], 0, ""
    for ch in params:
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append(cur)
            cur = ""
        else:
            cur += ch
    if cur.strip():
        parts.append(cur)
    return [p.strip() for p in parts]


def _declared_parameters(fn: object, name: str) -> list[str] | None:
    """The parameter names of pybind11's signature line ``name(a: int, b: str = ...) -> T``;
    None for an overloaded function (its first line is ``name(*args, **kwargs)``)."""
    doc = (getattr(fn, "__doc__", None) or "").strip()
    first = doc.splitlines()[0] if doc else ""
    if not first.startswith(name + "(") or first.startswith(name + "(*args, **kwargs)"):
        return None
    inner = first[len(name) + 1:]
    depth, end = 1, 0
    for end, ch in enumerate(inner):
        depth += ch in "([{"
        depth -= ch in ")]}"
        if depth == 0:
            break
    return [p.split(":")[0].split("=")[0].strip() for p in _split_top_level(inner[:end])]


def _stub_parameters(node: ast.FunctionDef) -> list[str]:
    a = node.args
    return [x.arg for x in [*a.posonlyargs, *a.args, *a.kwonlyargs]]


def test_the_stub_is_next_to_the_module_the_package_ships():
    assert STUB.is_file()
    assert Path(commdx.__file__).parent == STUB.parent or STUB.parent.joinpath("__init__.py").is_file()


def test_every_name_of_core_has_a_stub_and_no_stub_is_stale():
    stubbed = set(_stub_names(_stub_tree().body))
    actual = _module_names()
    assert sorted(actual - stubbed) == [], "in _core but not in _core.pyi: run `make stubs`"
    stale = {n for n in stubbed - actual if n not in {"annotations", "pd", "__all__"}}
    assert sorted(stale) == [], "in _core.pyi but not in _core: run `make stubs`"


def test_every_class_member_has_a_stub():
    names = _stub_names(_stub_tree().body)
    classes = [n for n in _module_names() if inspect.isclass(getattr(_core, n))
               and getattr(_core, n).__module__ == _core.__name__]
    assert "Places" in classes and "Roster" in classes
    for cls_name in classes:
        node = names[cls_name]
        assert isinstance(node, ast.ClassDef), cls_name
        stubbed = set(_stub_names(node.body))
        missing = _class_members(getattr(_core, cls_name)) - stubbed
        assert sorted(missing) == [], f"{cls_name}: members without a stub"


def test_every_function_stub_has_the_bindings_parameters():
    names = _stub_names(_stub_tree().body)
    checked = 0
    for name in _module_names():
        fn = getattr(_core, name)
        if not callable(fn) or inspect.isclass(fn):
            continue
        declared = _declared_parameters(fn, name)
        node = names[name]
        if declared is None or not isinstance(node, ast.FunctionDef):
            continue
        assert _stub_parameters(node) == declared, name
        checked += 1
    assert checked >= 20  # _core binds about thirty functions; a parser that read none would pass
