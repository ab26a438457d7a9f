"""The structure holds for every later change: apps import only the apps below them
(CONTRACT.md's table), and every query of requests, supporters and assignments starts at
its app's base selector, so that scoping by program can be added in one place."""

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# Bottom to top (CONTRACT.md): an app may import the apps before it in this list.
LAYERS = [
    "core",
    "notifications",
    "accounts",
    "programs",
    "surveys",
    "supporters",
    "intake",
    "matching",
    "reports",
]
# The models whose every query starts at one selector, and where that selector lives.
BASE_SELECTORS = {
    "SupportRequest": "intake/selectors.py",
    "Supporter": "supporters/selectors.py",
    "Assignment": "matching/selectors/__init__.py",
}


def app_modules(*apps: str) -> Iterator[Path]:
    for app in apps:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.relative_to(ROOT).parts:
                yield path


def imported_apps(path: Path) -> set[str]:
    """Return the project's apps that `path` imports (absolute imports; any depth)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        found.update(name.split(".")[0] for name in names)
    return found & {*LAYERS, "peersupport"}


def existing(apps: list[str]) -> list[str]:
    return [app for app in apps if (ROOT / app).is_dir()]


@pytest.mark.parametrize("app", existing(LAYERS))
def test_an_app_imports_only_the_apps_below_it(app: str) -> None:
    allowed = set(LAYERS[: LAYERS.index(app) + 1])
    wrong = {
        f"{path.relative_to(ROOT)} imports {name}"
        for path in app_modules(app)
        for name in imported_apps(path) - allowed
    }
    assert not wrong, sorted(wrong)


def test_nothing_imports_the_wiring() -> None:
    wrong = [
        str(path.relative_to(ROOT))
        for path in app_modules(*existing(LAYERS))
        if "peersupport" in imported_apps(path)
    ]
    assert not wrong


def test_surveys_never_reach_requests_assignments_or_supporters() -> None:
    # Unlinkable by construction: a response can never be tied back to a request.
    for path in app_modules(*existing(["surveys"])):
        assert not imported_apps(path) & {"intake", "matching", "supporters"}, path


def model_managers_used(path: Path) -> set[str]:
    """Return the names `X` in `X.objects` that `path` reads."""
    return {
        node.value.id
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path)))
        if isinstance(node, ast.Attribute)
        and node.attr == "objects"
        and isinstance(node.value, ast.Name)
        and node.value.id in BASE_SELECTORS
    }


def test_requests_supporters_and_assignments_are_queried_only_from_their_base_selector() -> None:
    wrong = [
        f"{path.relative_to(ROOT)}: {model}.objects"
        for path in app_modules(*existing([*LAYERS, "peersupport"]))
        for model in model_managers_used(path)
        if str(path.relative_to(ROOT)) != BASE_SELECTORS[model]
    ]
    assert not wrong, wrong


def test_the_checks_would_catch_a_violation(tmp_path: Path) -> None:
    """The walkers see what they look for (a test of the test)."""
    sample = tmp_path / "sample.py"
    sample.write_text(
        "from matching.models import Assignment\n"
        "def f():\n"
        "    import intake.selectors\n"
        "    return Assignment.objects.all()\n"
    )
    assert imported_apps(sample) == {"matching", "intake"}
    assert model_managers_used(sample) == {"Assignment"}
