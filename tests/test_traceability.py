"""docs/traceability.md stays true: every commitment C01-C127 of the spec has a row, and every test file and
test it names exists, so a renamed or deleted test cannot leave a commitment traced to nothing."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TRACEABILITY = ROOT / "docs" / "traceability.md"
COMMITMENTS = range(1, 128)  # C01-C127, ../shared/spec/commitments.md
# A test file, as the table names it (relative to tests/, or from the repository root), and optionally one
# of its tests ("file.py::test_name", or a prefix of the name ending in "…").
TEST_REFERENCE = re.compile(r"`((?:tests/)?(?:[a-z_]+/)*test_[a-z0-9_]+\.py)(?:::(test_[A-Za-z0-9_]+)(…)?)?")


def _rows() -> list[tuple[str, str]]:
    """(first cell, whole line) of each row of the table."""
    rows = []
    for line in TRACEABILITY.read_text(encoding="utf-8").splitlines():
        if line.startswith("| C"):
            rows.append((line.split("|")[1], line))
    return rows


def test_every_commitment_has_a_row():
    traced = {int(number) for first, _ in _rows() for number in re.findall(r"\bC(\d{2,3})\b", first)}

    missing = [f"C{number:02d}" for number in COMMITMENTS if number not in traced]
    assert not missing, f"no row in docs/traceability.md for {', '.join(missing)}"


def _test_file(name: str) -> Path:
    return ROOT / name if name.startswith("tests/") else ROOT / "tests" / name


def test_every_test_file_and_test_named_exists():
    named = [match for _, line in _rows() for match in TEST_REFERENCE.finditer(line)]
    assert len(named) > 100  # the pattern does find the table's references

    stale = []
    for match in named:
        path, test, prefix = _test_file(match.group(1)), match.group(2), match.group(3)
        if not path.is_file():
            stale.append(match.group(1))
        elif test and not re.search(
            f"def {re.escape(test)}" + ("" if prefix else r"\b"), path.read_text("utf-8")
        ):
            stale.append(f"{match.group(1)}::{test}{prefix or ''}")
    assert not stale, f"docs/traceability.md names tests that do not exist: {', '.join(sorted(set(stale)))}"
