"""The architecture as a test: imports point one way, no private names cross modules, small modules.

Parses every module of the package (AST, nothing imported) and fails naming the module and the
line that breaks a rule, so the layout in docs/architecture.md stays true.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "bottleneck_finder"
NAME = "bottleneck_finder"
MAX_LINES = 600

# Layers from the bottom up. A module may import its own layer and the layers below it; the
# presentation layers never reach the CLI, and nothing below `render` reaches presentation.
CORE = ("io", "normalize", "engine", "analysis", "prepared", "calendar", "timeunits", "ordering")
PRESENTATION = ("render", "reporting")
TOP = ("cli", "commands", "__main__")
FORBIDDEN: dict[str, tuple[str, ...]] = {
    **{layer: (*PRESENTATION, *TOP) for layer in CORE},
    **{base: (*PRESENTATION, *TOP) for base in ("model", "columns", "errors", "anonymize")},
    "render": ("reporting", *TOP),
    "reporting": TOP,
    "explore": TOP,
}


def modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def dotted(path: Path) -> str:
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join((NAME, *parts))


def layer(module: str) -> str:
    """The first part below the package: `analysis`, `render`, `cli`, … (`""` for the root)."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def resolve(module: str, is_package: bool, node: ast.ImportFrom) -> str:
    """The absolute name a `from … import` refers to."""
    if node.level == 0:
        return node.module or ""
    base = module.split(".")
    if not is_package:
        base = base[:-1]
    if node.level > 1:
        base = base[: -(node.level - 1)]
    return ".".join([*base, *([node.module] if node.module else [])])


def imports(path: Path) -> Iterator[tuple[int, str, str | None]]:
    """(line, imported module, imported name or None) for every import of the package."""
    module = dotted(path)
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith(NAME):
                    yield node.lineno, alias.name, None
        elif isinstance(node, ast.ImportFrom):
            target = resolve(module, path.name == "__init__.py", node)
            if target.startswith(NAME):
                for alias in node.names:
                    yield node.lineno, target, alias.name


def test_the_package_has_modules() -> None:
    assert len(modules()) > 30


@pytest.mark.parametrize("path", modules(), ids=lambda p: dotted(p))
def test_imports_point_down(path: Path) -> None:
    own = layer(dotted(path))
    banned = FORBIDDEN.get(own, ())
    wrong = []
    for line, target, name in imports(path):
        targets = [target] if name is None else [target, f"{target}.{name}"]
        if any(layer(t) in banned for t in targets):
            wrong.append(f"{path.name}:{line} imports {target}{'.' + name if name else ''}")
    assert not wrong, f"{own} must not import {', '.join(banned)}: " + "; ".join(wrong)


@pytest.mark.parametrize("path", modules(), ids=lambda p: dotted(p))
def test_no_private_names_cross_modules(path: Path) -> None:
    wrong = [
        f"{path.name}:{line} imports {name} from {target}"
        for line, target, name in imports(path)
        if name is not None and name.startswith("_") and name != "__version__"
    ]
    assert not wrong, "; ".join(wrong)


def module_names(path: Path) -> set[str]:
    """The local names bound to modules of the package (`from . import figures`, `import …`)."""
    known = {dotted(p) for p in modules()}
    names = set()
    for _line, target, name in imports(path):
        if name is None:
            names.add(target.split(".")[-1])
        elif f"{target}.{name}" in known:
            names.add(name)
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):  # `import x as y` / `from . import x as y` bind the alias
        if isinstance(node, ast.Import | ast.ImportFrom):
            for alias in node.names:
                if alias.asname and alias.name.split(".")[-1] in names:
                    names.add(alias.asname)
    return names


@pytest.mark.parametrize("path", modules(), ids=lambda p: dotted(p))
def test_no_private_attributes_of_other_modules(path: Path) -> None:
    bound = module_names(path)
    tree = ast.parse(path.read_text(encoding="utf-8"))
    wrong = [
        f"{path.name}:{node.lineno} reads {node.value.id}.{node.attr}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id in bound
        and node.attr.startswith("_")
        and not node.attr.startswith("__")
    ]
    assert not wrong, "; ".join(wrong)


@pytest.mark.parametrize("path", modules(), ids=lambda p: dotted(p))
def test_modules_are_small_and_say_what_they_do(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    lines = text.count("\n")
    assert lines <= MAX_LINES, f"{dotted(path)} has {lines} lines (at most {MAX_LINES})"
    if text.strip():
        doc = ast.get_docstring(ast.parse(text))
        assert doc, f"{dotted(path)} has no docstring saying what it is for"


@pytest.mark.parametrize("path", modules(), ids=lambda p: dotted(p))
def test_only_the_command_line_prints_or_uses_click(path: Path) -> None:
    own = layer(dotted(path))
    if own in TOP:
        return
    tree = ast.parse(path.read_text(encoding="utf-8"))
    wrong = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            names.append(getattr(node, "module", None) or "")
            if any(n == "click" or n.startswith("click.") for n in names):
                wrong.append(f"line {node.lineno} imports click")
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "print"
        ):
            wrong.append(f"line {node.lineno} prints")
    assert not wrong, f"{dotted(path)}: " + "; ".join(wrong)


def test_the_rules_catch_a_breach(tmp_path: Path) -> None:
    """The checks above can fail: a fake analysis module importing render is caught."""
    fake = PACKAGE / "analysis" / "fake.py"
    tree = ast.parse("from ..render.text import _clip\n")
    node = tree.body[0]
    assert isinstance(node, ast.ImportFrom)
    target = resolve(dotted(fake), False, node)
    assert target == "bottleneck_finder.render.text"
    assert layer(target) in FORBIDDEN["analysis"]
    assert node.names[0].name.startswith("_")
