"""Sealed private values are opened only inside the privacy engine (C94, C107): the statistics app gets
totals from privacy/aggregates.py and never sees an event's address."""

import ast
from pathlib import Path

import candor

SOURCE = Path(candor.__file__).parent


def _imports_of(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names |= {f"{node.module}.{alias.name}" for alias in node.names}
        elif isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
    return names


def test_nothing_outside_privacy_imports_the_unsealer():
    opening = {
        "candor.privacy.sealing.Unsealer",
        "candor.privacy.sealing.unseal",
        "candor.privacy.capture.unseal",
    }
    outside = [path for path in SOURCE.rglob("*.py") if not path.relative_to(SOURCE).parts[0] == "privacy"]

    assert [str(path.relative_to(SOURCE)) for path in outside if _imports_of(path) & opening] == []
    assert not any(
        "candor.privacy.sealing" in _imports_of(path) or "Unsealer" in path.read_text(encoding="utf-8")
        for path in outside
    )


def test_the_statistics_app_reads_the_private_events_only_through_the_aggregates():
    private = ("candor.privacy.models.PrivateEvent", "candor.privacy.sealing", "candor.privacy.capture")
    reading = [
        str(path.relative_to(SOURCE))
        for path in (SOURCE / "stats").rglob("*.py")
        if any(name.startswith(private) for name in _imports_of(path))
    ]

    assert reading == []
