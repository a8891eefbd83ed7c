"""The GitHub Actions workflows call targets that exist and install nothing the Makefile doesn't."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))


def make_targets() -> set[str]:
    text = (ROOT / "Makefile").read_text()
    return set(re.findall(r"^([a-z][a-z-]*):", text, flags=re.MULTILINE))


def test_ci_entry_point_runs_make_test() -> None:
    script = (ROOT / ".ci" / "run").read_text()
    assert re.search(r"^make test$", script, flags=re.MULTILINE)


@pytest.mark.parametrize("path", WORKFLOWS, ids=[p.name for p in WORKFLOWS])
def test_workflow_runs_existing_make_targets(path: Path) -> None:
    workflow = yaml.safe_load(path.read_text())
    targets = make_targets()
    runs = [
        step["run"]
        for job in workflow["jobs"].values()
        for step in job.get("steps", [])
        if "run" in step
    ]
    for run in runs:
        for target in re.findall(r"\bmake (\S+)", run):
            assert target in targets, f"{path.name} runs `make {target}`, which does not exist"
        assert "pip install" not in run, "install steps belong in the Makefile"
    for job in workflow["jobs"].values():
        assert "timeout-minutes" in job or "environment" in job


def test_both_workflows_exist() -> None:
    assert {p.name for p in WORKFLOWS} == {"ci.yml", "deploy-book.yml"}
