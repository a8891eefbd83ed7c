"""The lock file, environment.yml and pyproject.toml agree."""

from __future__ import annotations

from pathlib import Path

import tomllib
import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent


def lock_pins() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            name, _, version = line.partition("==")
            assert version, f"lock line is not an exact pin: {line!r}"
            pins[canonicalize_name(name)] = version
    return pins


def test_environment_yml_matches_the_lock() -> None:
    environment = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_section = next(d["pip"] for d in environment["dependencies"] if isinstance(d, dict))
    pins = {}
    for entry in pip_section:
        if entry.startswith("--"):
            continue
        name, _, version = entry.partition("==")
        pins[canonicalize_name(name)] = version
    assert pins == lock_pins()


def test_lock_satisfies_the_ranges_in_pyproject() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = list(project["dependencies"])
    for extra in ("book", "dev"):
        wanted += [r for r in project["optional-dependencies"][extra] if "aicompute" not in r]
    pins = lock_pins()
    for text in wanted:
        requirement = Requirement(text)
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{name} is not in the lock"
        version = Version(pins[name])
        assert requirement.specifier.contains(version, prereleases=True), (
            f"{name}=={version} is outside {requirement.specifier}"
        )


def test_torch_is_the_cpu_build_in_the_lock() -> None:
    """CI has no GPU: the lock must never pull the multi-GB CUDA build of torch."""
    assert lock_pins()["torch"].endswith("+cpu")
    assert not any(name.startswith("nvidia-") for name in lock_pins())
