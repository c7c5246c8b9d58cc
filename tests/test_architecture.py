"""The shape of the code, checked: blueprints stand alone, and services never reach into
the web layer."""

import ast
from pathlib import Path

ENGAGE = Path(__file__).resolve().parents[1] / "engage"
BLUEPRINTS = sorted(
    p.parent.name for p in ENGAGE.glob("*/__init__.py") if "Blueprint(" in p.read_text()
)
WEB_LAYER = {f"engage.{name}" for name in BLUEPRINTS} | {"flask_login", "flask_wtf"}


def imported_modules(path: Path) -> set[str]:
    modules = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            modules.add(node.module)
            modules |= {f"{node.module}.{alias.name}" for alias in node.names}
        elif isinstance(node, ast.Import):
            modules |= {alias.name for alias in node.names}
    return modules


def _reaches(modules: set[str], package: str) -> bool:
    return any(m == package or m.startswith(package + ".") for m in modules)


def test_the_blueprints_are_found():
    assert {"admin", "auth", "groups", "moderation", "officer", "stories"} <= set(BLUEPRINTS)


def test_no_blueprint_imports_another():
    """What two blueprints share lives in engage/ (forms.py, story_forms.py,
    assisted_story.py, links.py) or in a service, never in one of them."""
    crossings = []
    for name in BLUEPRINTS:
        for path in (ENGAGE / name).rglob("*.py"):
            for other in BLUEPRINTS:
                if other != name and _reaches(imported_modules(path), f"engage.{other}"):
                    crossings.append(f"{path.relative_to(ENGAGE)} imports engage.{other}")
    assert crossings == []


def test_services_do_not_read_the_request_or_the_signed_in_user():
    """Who acts is passed in (engage.permissions.current_actor), so a service can be
    called from a view, a command or a task alike."""
    readers = []
    for path in (ENGAGE / "services").rglob("*.py"):
        modules = imported_modules(path)
        reached = sorted(p for p in WEB_LAYER if _reaches(modules, p))
        if reached or {"flask.request", "flask.g", "flask.session"} & modules:
            readers.append(f"{path.relative_to(ENGAGE)}: {reached or 'the request'}")
    assert readers == []


def test_views_reach_the_database_only_through_services():
    queries = []
    for name in BLUEPRINTS:
        for path in (ENGAGE / name).rglob("*.py"):
            modules = imported_modules(path)
            if "engage.extensions.db" in modules or _reaches(modules, "sqlalchemy"):
                queries.append(str(path.relative_to(ENGAGE)))
    assert queries == []
