"""The package's structure, read from its source (issue #15): no import cycles, no stage that
imports the package's __init__, no module reading another's private fields, and each piece of
knowledge written in one place. Every import counts: at the top, inside functions, under
TYPE_CHECKING."""

import ast
import re
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src"
PACKAGE = SRC / "pinzhu"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}
EXTENSIONS = {_module_name(p) for p in PACKAGE.rglob("*.c")}  # compiled submodules (_segcore, _modelcore)
TREES = {name: ast.parse(path.read_text(encoding="utf-8")) for name, path in MODULES.items()}


def _package_of(name: str) -> str:
    return name if MODULES[name].name == "__init__.py" else name.rpartition(".")[0]


def imports(name: str) -> set[str]:
    """The pinzhu modules ``name`` imports. ``from P import x`` is an import of the submodule
    P.x when there is one, else of P itself (a name out of P's __init__)."""
    out = set()
    for node in ast.walk(TREES[name]):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = _package_of(name)
                for _ in range(node.level - 1):
                    base = base.rpartition(".")[0]
                base = f"{base}.{node.module}" if node.module else base
            else:
                base = node.module or ""
            for a in node.names:
                sub = f"{base}.{a.name}"
                out.add(sub if sub in MODULES or sub in EXTENSIONS else base)
    return {m for m in out if m in MODULES and m != name}


GRAPH = {name: imports(name) for name in MODULES}


def _cycles() -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(GRAPH[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(GRAPH):
        if v not in index:
            visit(v)
    return out


def test_the_walker_sees_the_imports():
    assert {"pinzhu.read", "pinzhu.sandhi", "pinzhu.config"} <= GRAPH["pinzhu.pipeline"]
    assert "pinzhu.pipeline" in GRAPH["pinzhu.render"]  # a module-level import
    assert "pinzhu.parse" in GRAPH["pinzhu.render"]     # an import inside a function


def test_no_import_cycles():
    assert _cycles() == []


def test_no_module_imports_the_package_init():
    offenders = sorted(name for name, deps in GRAPH.items() if "pinzhu" in deps)
    assert offenders == []


def _owned_private_attributes() -> dict[str, set[str]]:
    """Per module, the private attribute names it defines: assigned as ``obj._x = ...``, or
    declared as a class's field or method."""
    owned: dict[str, set[str]] = {}
    for name, tree in TREES.items():
        mine = owned.setdefault(name, set())
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
                mine.add(node.attr)
            elif isinstance(node, ast.ClassDef):
                for item in node.body:
                    if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                        mine.add(item.name)
                    elif isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
                        mine.add(item.target.id)
        owned[name] = {a for a in mine if a.startswith("_") and not a.startswith("__")}
    return owned


def test_no_module_reads_another_modules_private_fields():
    owned = _owned_private_attributes()
    others = {}
    for name in MODULES:
        for attr in owned[name]:
            others.setdefault(attr, set()).add(name)
    found = []
    for name, tree in TREES.items():
        for node in ast.walk(tree):
            if (isinstance(node, ast.Attribute) and node.attr in others and node.attr not in owned[name]
                    and not (isinstance(node.value, ast.Name) and node.value.id in ("self", "cls"))):
                found.append(f"{name}: .{node.attr} of {', '.join(sorted(others[node.attr]))}")
    assert found == []


def _attribute_users(attr: str) -> set[str]:
    return {name for name, tree in TREES.items()
            if any(isinstance(n, ast.Attribute) and n.attr == attr for n in ast.walk(tree))}


def test_traditional_to_simplified_mapping_lives_in_the_lexicon_and_the_engine():
    # The engine maps whole texts (Reading.norm); Lexicon.simplified maps one character.
    assert _attribute_users("t2s") | _attribute_users("has_t2s") <= {"pinzhu.lexicon", "pinzhu.segment"}


def test_han_ranges_are_written_once():
    written = {name for name, path in MODULES.items()
               if re.search(r"\\u4e00|0x4e00", path.read_text(encoding="utf-8"), re.IGNORECASE)}
    assert written == {"pinzhu.lexicon"}


def test_inline_tone_check_is_one_function():
    users = {name for name, tree in TREES.items()
             if any(isinstance(n, (ast.Name, ast.alias)) and getattr(n, "id", getattr(n, "name", None)) == "INLINE_TONES"
                    for n in ast.walk(tree))}
    assert users == {"pinzhu.render"}


@pytest.mark.parametrize("stage", ["pinzhu.render", "pinzhu.select", "pinzhu.audit", "pinzhu.strip",
                                   "pinzhu.server", "pinzhu.corpus.transforms", "pinzhu.cli.read"])
def test_stages_that_read_go_through_the_pipeline(stage):
    # Only pinzhu.pipeline turns a Config into engine arguments: no stage above it calls the engine.
    engine_calls = [n for n in ast.walk(TREES[stage]) if isinstance(n, ast.ImportFrom)
                    and n.module and n.module.endswith("read") and any(a.name in ("read", "read_many") for a in n.names)]
    assert engine_calls == []
