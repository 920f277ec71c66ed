"""The messages the app raises, read from its source for the tests.

Each ``SomeError("...")`` call of the package (the sandbox aside, which no
user sees) is found with its message: literal text, a module constant,
an f-string with a sample in each gap, or a sum of those.  A message built
by a function call is left to the tests that raise it for real.
"""

from __future__ import annotations

import ast
from pathlib import Path

from zelt_desktop import errors

PACKAGE = Path(errors.__file__).parent
SAMPLE = "sample"


def error_classes() -> list[type]:
    """ZeltError and every subclass of it."""
    found, pending = [], [errors.ZeltError]
    while pending:
        cls = pending.pop()
        found.append(cls)
        pending += cls.__subclasses__()
    return sorted(found, key=lambda c: c.__name__)


def core_messages() -> list[tuple[type, str]]:
    """(class, message) for every error the package raises with text."""
    classes = {cls.__name__: cls for cls in error_classes()}
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if "sandbox" in path.relative_to(PACKAGE).parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        constants = _constants(tree)
        for node in ast.walk(tree):
            cls = classes.get(_called_name(node))
            if cls is None or not node.args:
                continue
            message = _text(node.args[0], constants)
            if message is not None:
                found.append((cls, message))
    return found


def _called_name(node: ast.AST) -> str | None:
    if not isinstance(node, ast.Call):
        return None
    if isinstance(node.func, ast.Name):
        return node.func.id
    if isinstance(node.func, ast.Attribute):
        return node.func.attr
    return None


def _constants(tree: ast.Module) -> dict[str, str]:
    found = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 \
                and isinstance(node.targets[0], ast.Name):
            value = _text(node.value, found)
            if value is not None:
                found[node.targets[0].id] = value
    return found


def _text(node: ast.AST, constants: dict[str, str]) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Name):
        return constants.get(node.id)
    if isinstance(node, ast.JoinedStr):
        parts = [_text(v, constants) if isinstance(v, ast.Constant)
                 else SAMPLE for v in node.values]
        return "".join(p or "" for p in parts)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left = _text(node.left, constants)
        right = _text(node.right, constants)
        if left is not None and right is not None:
            return left + right
        return None if left is None and right is None \
            else (left or SAMPLE) + (right or SAMPLE)
    return None
