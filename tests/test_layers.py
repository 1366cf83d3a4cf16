"""The folders of ``reviews/`` are layers: each imports only the layers below it, and nothing
in ``reviews/`` imports in a circle (imports inside functions and under ``TYPE_CHECKING``
count: they are dependencies too, merely deferred).

The imports are read with :mod:`ast`, so the check costs no import of the package.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import ROOT

PACKAGE = ROOT / "reviews"

# Lowest first. A module may import modules of a lower rank, or of its own folder.
LAYERS: dict[str, int] = {
    "domain": 0,
    "store": 1,
    "quality": 2,
    "classroom": 3,
    "workbook": 4,  # reviews/workbook.py, the facade, and reviews/__init__.py, the public API
    "io": 5,
    "export": 5,
    "serving": 6,
    "cli": 7,
}

# What widgets/ may import from reviews: the public API and these documented submodules.
WIDGET_SUBMODULES = (
    "reviews.domain",
    "reviews.export",
    "reviews.quality.snapshot",
    "reviews.workbook",
)


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in PACKAGE.rglob("*.py")}


def imports(path: Path, known: set[str]) -> set[str]:
    """Every module of ``reviews`` that ``path`` imports, wherever the import statement is."""
    package = module_name(path) if path.name == "__init__.py" else module_name(path.parent)
    return imports_in(path.read_text(encoding="utf-8"), package, known)


def imports_in(source: str, package: str, known: set[str]) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                found.add(submodule if submodule in known else base)
    return {name for name in found if name in known}


def layer(name: str) -> str:
    parts = name.split(".")
    if len(parts) == 1 or parts[1] == "workbook":
        return "workbook"
    return parts[1]


def graph() -> dict[str, set[str]]:
    known = modules()
    names = set(known)
    return {name: imports(path, names) - {name} for name, path in known.items()}


def test_every_folder_of_reviews_is_a_known_layer() -> None:
    folders = {p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert folders <= set(LAYERS), f"add {sorted(folders - set(LAYERS))} to LAYERS"
    for folder in folders:
        doc = ast.get_docstring(ast.parse((PACKAGE / folder / "__init__.py").read_text()))
        assert doc and len(doc) > 80, f"reviews/{folder}/__init__.py must say what belongs there"


def test_no_layer_imports_a_higher_one() -> None:
    wrong = [
        f"{importer} ({layer(importer)}) imports {imported} ({layer(imported)})"
        for importer, targets in graph().items()
        for imported in targets
        if layer(importer) != layer(imported) and LAYERS[layer(imported)] >= LAYERS[layer(importer)]
    ]
    assert not wrong, "\n".join(sorted(wrong))


def test_no_import_cycles_in_reviews() -> None:
    edges = graph()
    cycles: list[list[str]] = []
    state: dict[str, int] = {}  # 1 on the current path, 2 done
    path: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(edges[node]):
            if state.get(nxt) == 1:
                cycles.append([*path[path.index(nxt) :], nxt])
            elif nxt not in state:
                visit(nxt)
        path.pop()
        state[node] = 2

    for node in sorted(edges):
        if node not in state:
            visit(node)
    assert not cycles, "\n".join(" -> ".join(c) for c in cycles)


def test_widgets_use_only_the_public_api_and_documented_submodules() -> None:
    known = set(modules())
    wrong = []
    for path in (ROOT / "widgets").glob("*.py"):
        for name in imports(path, known):
            if name != "reviews" and not name.startswith(WIDGET_SUBMODULES):
                wrong.append(f"{path.name} imports {name}")
    assert not wrong, "\n".join(sorted(wrong))


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("from reviews.domain.model import Review", {"reviews.domain.model"}),
        ("def f():\n    from reviews.store import open_store", {"reviews.store"}),
        ("if TYPE_CHECKING:\n    import reviews.workbook", {"reviews.workbook"}),
        ("from reviews.export import to_csv", {"reviews.export.to_csv"}),
        ("from . import base", {"reviews.store.base"}),
        ("from .base import Store", {"reviews.store.base"}),
        ("import json", set()),
    ],
)
def test_the_import_reader_sees_every_form(source: str, expected: set[str]) -> None:
    """The checks above are only as good as the reader: lazy, package and relative imports."""
    assert imports_in(source, "reviews.store", set(modules())) == expected
