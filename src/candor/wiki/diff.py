"""A line-by-line comparison of two revisions' text, as rows for the diff table."""

import difflib
from dataclasses import dataclass
from typing import Literal

CONTEXT_LINES = 2


@dataclass(frozen=True)
class Row:
    kind: Literal["same", "removed", "added", "gap"]
    old_number: int | None
    new_number: int | None
    text: str


def compare(old: str, new: str) -> list[Row]:
    old_lines, new_lines = old.splitlines(), new.splitlines()
    matcher = difflib.SequenceMatcher(a=old_lines, b=new_lines, autojunk=False)
    rows: list[Row] = []
    for group in matcher.get_grouped_opcodes(CONTEXT_LINES):
        if rows:
            rows.append(Row("gap", None, None, ""))
        for tag, old_start, old_end, new_start, new_end in group:
            if tag == "equal":
                rows += [
                    Row("same", old_start + i + 1, new_start + i + 1, old_lines[old_start + i])
                    for i in range(old_end - old_start)
                ]
                continue
            rows += [Row("removed", i + 1, None, old_lines[i]) for i in range(old_start, old_end)]
            rows += [Row("added", None, i + 1, new_lines[i]) for i in range(new_start, new_end)]
    return rows
