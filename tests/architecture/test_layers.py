"""The arrows between the layers (ARCHITECTURE.md), read from the source: every import,
including the ones inside functions."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "krs_app"
STATE = PACKAGE / "state"
# A page state: one that an app page declares (the shared panel and session states are not).
PAGE_STATES = {"central", "central_import", "entry", "home", "login", "review"}
PAGES_OF = {"central_import": "central"}  # modules of the same page


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def _modules(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*.py") if "migrations" not in p.parts)


@pytest.mark.parametrize("path", _modules(PACKAGE), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_only_the_app_module_imports_the_app(path):
    if path.name == "krs_app.py" and path.parent == PACKAGE:
        return
    assert not any(name.startswith("krs_app.krs_app") for name in _imports(path))


@pytest.mark.parametrize("path", _modules(STATE), ids=lambda p: p.name)
def test_states_open_no_database_session_and_read_no_seed(path):
    imports = _imports(path)
    assert not [n for n in imports if n.startswith(("krs_app.db", "sqlmodel", "sqlalchemy", "krs_app.seed"))]
    assert "session_scope" not in path.read_text(encoding="utf-8")


@pytest.mark.parametrize("path", _modules(STATE), ids=lambda p: p.name)
def test_no_state_imports_another_pages_state(path):
    own = PAGES_OF.get(path.stem, path.stem)
    for name in _imports(path):
        if name.startswith("krs_app.state."):
            other = name.split(".")[2]
            if other in PAGE_STATES and PAGES_OF.get(other, other) != own:
                pytest.fail(f"{path.name} imports {name}")


REFLEX_INTERNALS = (
    "FIELD_MARKER",
    "_token_manager",
    "token_to_socket",
    "_get_resolved_delta",
    "_clean(",
    "modify_state_with_links",
    "StateUpdate",
    "emit_update",
    "reflex_base",
)


@pytest.mark.parametrize("path", _modules(PACKAGE), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_reflex_internals_are_used_in_the_live_adapter_only(path):
    if path == PACKAGE / "live" / "reflex_adapter.py":
        return
    text = path.read_text(encoding="utf-8")
    assert not [name for name in REFLEX_INTERNALS if name in text]


@pytest.mark.parametrize("path", _modules(PACKAGE / "services"), ids=lambda p: p.name)
def test_services_import_no_reflex_and_no_live_dispatch(path):
    imports = _imports(path)
    assert not [n for n in imports if n.split(".")[0] in ("reflex", "reflex_base")]
    assert not [
        n
        for n in imports
        if n.startswith(
            ("krs_app.live.dispatch", "krs_app.live.reflex_adapter", "krs_app.live.targets", "krs_app.state")
        )
    ]


def test_view_rows_are_defined_once():
    """RoundOption and IndicatorOption were written twice (a state and a service)."""
    definitions: dict[str, list[str]] = {}
    for path in _modules(PACKAGE):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef) and node.name in ("RoundOption", "IndicatorOption", "IndicatorRow"):
                definitions.setdefault(node.name, []).append(str(path.relative_to(PACKAGE)))
    assert definitions == {name: ["services/views.py"] for name in ("RoundOption", "IndicatorOption", "IndicatorRow")}
    assert not [n for n in _imports(PACKAGE / "services" / "views.py") if n.startswith(("krs_app.db", "sqlmodel"))]
