"""`surveys` never imports `intake`, `matching`, `supporters` or `reports` (CONTRACT.md):
no code path from a survey's answers can reach a request, a supporter or an assignment."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN = {"intake", "matching", "supporters", "reports", "peersupport"}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


SOURCES = sorted((ROOT / "surveys").rglob("*.py"))


def test_the_app_has_sources() -> None:
    assert any(path.name == "services.py" for path in SOURCES)


@pytest.mark.parametrize("path", SOURCES, ids=lambda path: str(path.relative_to(ROOT)))
def test_surveys_imports_nothing_above_it(path: Path) -> None:
    tops = {module.split(".")[0] for module in imported_modules(path)}
    assert not tops & FORBIDDEN, f"{path.relative_to(ROOT)} imports {sorted(tops & FORBIDDEN)}"


def test_the_check_would_catch_an_upward_import(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("from intake.selectors import requests\nimport matching.services\n")
    assert {"intake.selectors", "matching.services"} <= imported_modules(sample)
