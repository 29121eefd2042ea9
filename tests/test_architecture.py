"""The layout as a rule: data flows corpus → ``indexer`` (write) → KB files → ``kb`` (read) →
``policykb`` (CLI, app, benchmark).

The imports are read from the source with ``ast`` (nothing is imported), every import counts,
also one inside a function: ``kb`` never imports ``indexer`` or ``policykb``, ``indexer``
never imports ``policykb``, and no two modules import each other, directly or round a circle.
Every error class lives in the one catalogue, ``kb/errors.py``.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("kb", "indexer", "policykb")

# package → the top-level packages it must never import
FORBIDDEN = {"kb": {"indexer", "policykb"}, "indexer": {"policykb"}}


def modules(root: Path, packages=PACKAGES) -> dict[str, Path]:
    """Dotted module name → file, for every .py file of the packages under ``root``."""
    out = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            parts = list(path.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            out[".".join(parts)] = path
    return out


def imports(name: str, path: Path, known: set[str]) -> list[tuple[str, int]]:
    """The project modules that module ``name`` imports, with the line of each import.

    ``from kb import labels`` names the module ``kb.labels``; ``from kb import open_kb`` names
    the package ``kb`` itself. Imports of other projects (streamlit, yaml …) are left out.
    """
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    is_package = path.name == "__init__.py"
    found = []

    def nearest(dotted: str) -> str | None:
        while dotted and dotted not in known:
            dotted = dotted.rpartition(".")[0]
        return dotted or None

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                here = name.split(".") if is_package else name.split(".")[:-1]
                here = here[:len(here) - (node.level - 1)]
                base = ".".join(here + ([base] if base else []))
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base
                       for alias in node.names]
        else:
            continue
        for target in targets:
            module = nearest(target)
            if module and module != name:
                found.append((module, node.lineno))
    return found


def layer_violations(root: Path) -> list[str]:
    mods = modules(root)
    bad = []
    for name, path in mods.items():
        banned = FORBIDDEN.get(name.split(".")[0], set())
        for target, line in imports(name, path, set(mods)):
            if target.split(".")[0] in banned:
                bad.append(f"{path.relative_to(root)}:{line}: {name} imports {target}")
    return sorted(set(bad))


def cycles(root: Path) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan), each sorted."""
    mods = modules(root)
    graph = {name: sorted({t for t, _ in imports(name, path, set(mods))}) for name, path in mods.items()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []

    def visit(v: str) -> None:  # the import graph of this project is shallow: recursion is fine
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in graph:
        if v not in index:
            visit(v)
    return sorted(found)


def test_the_read_side_never_imports_the_write_side_or_the_applications():
    assert layer_violations(ROOT) == []


def test_no_two_modules_import_each_other_even_round_a_circle():
    assert cycles(ROOT) == []


def error_classes_outside_the_catalogue(root: Path) -> list[str]:
    """Classes named …Error defined anywhere but kb/errors.py."""
    return sorted(f"{path.relative_to(root)}:{node.lineno}: {node.name}"
                  for path in modules(root).values() if path.relative_to(root).as_posix() != "kb/errors.py"
                  for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
                  if isinstance(node, ast.ClassDef) and node.name.endswith("Error"))


def test_every_error_class_is_in_the_one_catalogue():
    assert error_classes_outside_the_catalogue(ROOT) == []


def test_the_checks_catch_a_forbidden_import_and_a_circle(tmp_path):
    """The checks above on a small tree that breaks every rule, so they can fail."""
    files = {
        "kb/__init__.py": "",
        "kb/api.py": "def f():\n    from kb.search import service\n",
        "kb/search/__init__.py": "",
        "kb/search/service.py": "from kb.api import f\nfrom ..names import canonical\n",
        "kb/names.py": "from indexer import build\n",
        "indexer/__init__.py": "",
        "indexer/build.py": "",
        "indexer/extract/__init__.py": "",
        "indexer/extract/lexicon.py": "import json\nfrom policykb import cli\n\n\nclass LexiconError(Exception):\n    pass\n",
        "policykb/__init__.py": "",
        "policykb/cli.py": "import kb.api\nfrom indexer.extract import lexicon\n",
    }
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text, encoding="utf-8")
    assert layer_violations(tmp_path) == [
        "indexer/extract/lexicon.py:2: indexer.extract.lexicon imports policykb.cli",
        "kb/names.py:1: kb.names imports indexer.build",
    ]
    assert cycles(tmp_path) == [["indexer.extract.lexicon", "policykb.cli"], ["kb.api", "kb.search.service"]]
    assert error_classes_outside_the_catalogue(tmp_path) == ["indexer/extract/lexicon.py:5: LexiconError"]
