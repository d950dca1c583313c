"""The package's shape, as the contributing guide describes it.

Small modules and functions, and imports without a circle.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "wxm_async"
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 50  # of code: a docstring does not count


def modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def name_of(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def functions(tree: ast.AST) -> Iterator[ast.FunctionDef | ast.AsyncFunctionDef]:
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            yield node


def code_lines(function: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    assert function.end_lineno is not None
    lines = function.end_lineno - function.lineno + 1
    first = function.body[0]
    if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
        assert first.end_lineno is not None
        lines -= first.end_lineno - first.lineno + 1
    return lines


def imported(path: Path, tree: ast.Module) -> set[str]:
    """The package's modules that ``path`` imports at its top level (not under a function)."""
    package = name_of(path) if path.name == "__init__.py" else name_of(path).rpartition(".")[0]
    found: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                stem = ".".join([*base, node.module] if node.module else base)
            else:
                stem = node.module or ""
            if stem.startswith("wxm_async"):
                found.add(stem)
                found.update(f"{stem}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("wxm_async"))
    return found


@pytest.mark.parametrize("path", modules(), ids=name_of)
def test_a_module_reads_in_one_sitting(path: Path) -> None:
    """No module of the library is over 400 lines."""
    assert len(path.read_text().splitlines()) <= MAX_MODULE_LINES


@pytest.mark.parametrize("path", modules(), ids=name_of)
def test_a_function_does_one_thing(path: Path) -> None:
    """No function of the library has over 50 lines of code (its docstring aside)."""
    tree = ast.parse(path.read_text())
    long = {f.name: code_lines(f) for f in functions(tree) if code_lines(f) > MAX_FUNCTION_LINES}
    assert long == {}


def circle(graph: dict[str, set[str]]) -> list[str]:
    """One circle of ``graph`` (``[a, b, a]``), or ``[]``: a depth-first search, linear."""
    done: set[str] = set()
    path: list[str] = []

    def visit(name: str) -> list[str]:
        path.append(name)
        for following in sorted(graph.get(name, ())):
            if following in path:
                return [*path[path.index(following) :], following]
            if following not in done and (found := visit(following)):
                return found
        path.pop()
        done.add(name)
        return []

    for start in sorted(graph):
        if start not in done and (found := visit(start)):
            return found
    return []


def test_circle_finds_a_circle_and_only_one() -> None:
    """The check below would see a circle: a -> b -> c -> a, but not a diamond."""
    assert circle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert circle({"a": {"b", "c"}, "b": {"d"}, "c": {"d"}, "d": set()}) == []


def test_no_module_imports_itself_through_others() -> None:
    """The import graph of the library's modules (package faces aside) has no circle."""
    trees = {name_of(p): (p, ast.parse(p.read_text())) for p in modules()}
    faces = {name for name, (p, _) in trees.items() if p.name == "__init__.py"}
    graph = {
        name: {m for m in imported(p, tree) if m in trees and m not in faces and m != name}
        for name, (p, tree) in trees.items()
        if name not in faces
    }
    assert sum(map(len, graph.values())) > 100  # the graph was read
    assert circle(graph) == []


@pytest.mark.parametrize("path", sorted((PACKAGE / "_cli").glob("*.py")), ids=name_of)
def test_the_command_uses_only_the_public_api(path: Path) -> None:
    """``wxm`` is a user of the library: it imports no private module but its own package's."""
    tree = ast.parse(path.read_text())
    private = {
        name
        for name in imported(path, tree)
        if "._" in name and not name.startswith("wxm_async._cli")
    }
    assert private == set()


CONTRIBUTING = PACKAGE.parent / "docs" / "contributing.md"
#: Packages of one module per area of WXM's API: their row in the map stands for each.
BY_AREA = {"_api", "_models"}


def mapped_names() -> set[str]:
    """The private names the contributing guide's map gives backticked: ``_stores``, ``_http``."""
    text = CONTRIBUTING.read_text(encoding="utf-8")
    names = {
        match.group(1).removesuffix(".py").removesuffix("/")
        for match in re.finditer(r"`(_[a-z][a-z_]*(?:\.py|/)?)`", text)
    }
    return names | ({"_routes_"} if "`_routes_*`" in text else set())


def test_the_package_map_names_every_private_module() -> None:
    """Each private module of wxm_async is named in docs/contributing.md's map of the package."""
    named = mapped_names()
    unnamed = [
        name_of(path)
        for path in modules()
        if path.stem.startswith("_")
        and path.stem not in {"__init__", "__main__"}
        and path.parent.name not in BY_AREA & named
        and path.stem not in named
        and not (path.stem.startswith("_routes_") and "_routes_" in named)
    ]
    assert unnamed == []


def test_the_package_map_names_only_modules_that_exist() -> None:
    """Each private module or package the map names is one in wxm_async."""
    stems = {path.stem for path in modules()} | {path.parent.name for path in modules()}
    assert sorted(mapped_names() - stems - {"_routes_"}) == []
