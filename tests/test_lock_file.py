"""The lock files (requirements/*.lock, `make lock`) pin every dependency that
pyproject.toml asks for, at a version it allows, with hashes: CI and production install
exactly what was tested."""

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
PINNED = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==([^\s;\\]+)")


def pinned(lock: str) -> dict[str, str]:
    versions = {}
    for line in (ROOT / "requirements" / lock).read_text().splitlines():
        match = PINNED.match(line)
        if match:
            versions[canonicalize_name(match.group(1))] = match.group(2)
    return versions


def asked_for(*, dev: bool) -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = list(project["dependencies"])
    if dev:
        wanted += project["optional-dependencies"]["dev"]
    return [Requirement(text) for text in wanted]


@pytest.mark.parametrize(("lock", "dev"), [("production.lock", False), ("dev.lock", True)])
def test_every_dependency_is_pinned_at_an_allowed_version(lock, dev):
    versions = pinned(lock)
    for requirement in asked_for(dev=dev):
        name = canonicalize_name(requirement.name)
        assert name in versions, f"{requirement.name} is not in {lock}: run `make lock`"
        assert requirement.specifier.contains(versions[name], prereleases=True), (
            f"{lock} pins {requirement.name}=={versions[name]}, outside {requirement.specifier}: "
            "run `make lock`"
        )


@pytest.mark.parametrize("lock", ["production.lock", "dev.lock"])
def test_every_pin_carries_a_hash(lock):
    text = (ROOT / "requirements" / lock).read_text()
    entries = re.split(r"\n(?=[A-Za-z0-9])", text.strip())
    for entry in entries:
        if PINNED.match(entry):
            assert "--hash=sha256:" in entry, entry.splitlines()[0]


def test_production_installs_no_test_tools():
    versions = pinned("production.lock")
    for tool in ("pytest", "playwright", "hypothesis", "ruff", "faker"):
        assert tool not in versions
