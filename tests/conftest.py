"""Fixtures shared by the test modules."""

from __future__ import annotations

import pytest

from aicompute import backend


@pytest.fixture
def cpu_only(monkeypatch):
    """Force the CPU path (as on CI), with fresh backend checks before and after."""
    monkeypatch.setenv(backend.FORCE_CPU_VARIABLE, "cpu")
    backend.clear_cache()
    yield
    backend.clear_cache()
