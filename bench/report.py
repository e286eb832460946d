"""The figures as tables for the terminal, and as the generated part of docs/performance.md.

Only the text between the two markers in that file is rewritten; what is written around it by hand (the
reading of the figures, the recommendations) stays.

Each benchmark (a name `bench/run.py --only` takes) leaves a Record: its table rows, details and verdicts,
already written out, and its figures. The latest record of every benchmark is kept in a JSON file
(var/bench/results.json), so that a run of some benchmarks rewrites the document with the others' latest
figures, each marked with the run it comes from.
"""

import json
import operator
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

from load import Figures
from machine import DISTURBED_SHARE, CpuUse

BEGIN = "<!-- bench:begin: written by bench/run.py (`make bench`); edits between these markers are lost -->"
END = "<!-- bench:end -->"


@dataclass(frozen=True)
class Target:
    figure: str  # "per_second", "p50_ms" or "p99_ms": a field of Figures
    limit: float
    at_least: bool  # the figure must be at least the limit, or else below it

    def met(self, figures: Figures) -> bool:
        compare = operator.ge if self.at_least else operator.lt
        return compare(getattr(figures, self.figure), self.limit)

    def __str__(self) -> str:
        names = {"per_second": "rate", "p50_ms": "p50", "p99_ms": "p99"}
        unit = "/s" if self.figure == "per_second" else " ms"
        return f"{names[self.figure]} {'≥' if self.at_least else '<'} {self.limit:g}{unit}"


@dataclass(frozen=True)
class Result:
    name: str
    request: str
    load: str
    figures: Figures
    cpu: CpuUse
    targets: list[Target]
    mediawiki_per_second: float  # MediaWiki 1.39 on this class of machine, from the issue
    counted: str = "requests"
    note: str = ""

    @property
    def passed(self) -> bool:
        return all(target.met(self.figures) for target in self.targets)

    @property
    def server_cpu_ms(self) -> float:
        return self.cpu.server_seconds / self.figures.count * 1000


# The sections of the generated text, in order, each with the head of its table.
FIGURES = "Page views, histories and saves"
PRIVACY_LAYER = "Privacy layer overhead"
RETENTION = "Retention: purge, key destruction, sealing"
SECTIONS = {
    FIGURES: "| benchmark | rate | p50 | p99 | target | met | MediaWiki 1.39 | server CPU per request "
    "| others' CPU |\n|---|--:|--:|--:|---|---|--:|--:|--:|",
    PRIVACY_LAYER: "| benchmark | with the privacy layer | without it | with / without | target | met |\n"
    "|---|--:|--:|--:|---|---|",
    RETENTION: "| measurement | figure | target | met |\n|---|--:|---|---|",
}


@dataclass(frozen=True)
class Record:
    """What one benchmark leaves for the document, written out, and its figures by name."""

    benchmark: str  # its name for `run.py --only`
    section: str  # a key of SECTIONS
    rows: list[str]  # rows of the section's table
    details: list[str]  # "- **name**: ..." lines under the table
    verdicts: list[str]  # "PASS ...", "MISS ..." or "INFO ..." lines for the Targets list
    figures: dict[str, float] = field(default_factory=dict)
    profiles: list[str] = field(default_factory=list)  # written-out profiles of its missed targets
    when: str = ""  # the run it comes from, filled in by run.py
    revision: str = ""


def record_of(benchmark: str, results: list[Result], profiles: list[dict]) -> Record:
    """The record of one of the original benchmarks (page views, histories, saves)."""
    return Record(
        benchmark=benchmark,
        section=FIGURES,
        rows=[_row(result) for result in results],
        details=[_detail(result) for result in results],
        verdicts=[_verdict(result) for result in results],
        figures={
            f"{result.name} {name}": value
            for result in results
            for name, value in asdict(result.figures).items()
        },
        profiles=[_profile(profile) for profile in profiles],
    )


def load_records(path: Path) -> dict[str, Record]:
    """The latest record of each benchmark, from earlier runs."""
    if not path.exists():
        return {}
    return {name: Record(**fields) for name, fields in json.loads(path.read_text(encoding="utf-8")).items()}


def save_records(path: Path, records: dict[str, Record]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps({name: asdict(record) for name, record in records.items()}, indent=1)
    path.write_text(text + "\n", encoding="utf-8")


def table(records: list[Record]) -> str:
    """The tables of `records`, for the terminal."""
    parts = []
    for section, head in SECTIONS.items():
        rows = [row for record in records if record.section == section for row in record.rows]
        if rows:
            parts.append("\n".join([head, *rows]))
    return "\n\n".join(parts)


def _row(result: Result) -> str:
    figures = result.figures
    targets = ", ".join(str(target) for target in result.targets)
    verdicts = ", ".join("yes" if target.met(figures) else "**no**" for target in result.targets)
    return (
        f"| {result.name} | {figures.per_second:,.0f}/s | {figures.p50_ms:.1f} ms "
        f"| {figures.p99_ms:.1f} ms | {targets} | {verdicts} | {result.mediawiki_per_second:g}/s "
        f"| {result.server_cpu_ms:.2f} ms | {result.cpu.others:.0%} |"
    )


def markdown(
    *,
    when: str,
    revision: str,
    machine: dict[str, str],
    method: str,
    records: list[Record],
) -> str:
    """The generated text: `records` in the order given; those of earlier runs say which run."""
    ran = [record.benchmark for record in records if record.when == when]
    earlier = [record.benchmark for record in records if record.when != when]
    heading = f"## Latest run: {when}, {revision}"
    if earlier:
        heading += (
            f"\n\nThis run measured {', '.join(ran)}; the figures of {', '.join(earlier)} come from "
            "earlier runs, as marked beside them."
        )
    parts = [
        BEGIN,
        heading,
        "### Machine",
        "\n".join(["| | |", "|---|---|"] + [f"| {key} | {value} |" for key, value in machine.items()]),
        "### Method",
        method,
    ]
    for section, head in SECTIONS.items():
        inside = [record for record in records if record.section == section]
        if inside:
            parts += [
                f"### {section}",
                "\n".join([head] + [row for record in inside for row in record.rows]),
                "\n".join(_dated(line, record, when) for record in inside for line in record.details),
            ]
    parts += [
        "### Targets",
        "\n".join(_dated(f"- {verdict}", record, when) for record in records for verdict in record.verdicts),
    ]
    profiles = [profile for record in records for profile in record.profiles]
    if profiles:
        parts += ["### Profiles", _PROFILE_INTRO, *profiles]
    parts.append(END)
    return "\n\n".join(parts)


def _dated(line: str, record: Record, when: str) -> str:
    return line if record.when == when else f"{line} *(From the run of {record.when}, {record.revision}.)*"


def _detail(result: Result) -> str:
    counted = f"{result.figures.count:,} {result.counted}"
    cpu = (
        f"CPU of both cores: {result.cpu.server:.0%} server, {result.cpu.load_generator:.0%} load generator, "
        f"{result.cpu.others:.0%} others"
    )
    return f"- **{result.name}**: `{result.request}`; {result.load}; {counted}; {cpu}. {result.note}".rstrip()


def _verdict(result: Result) -> str:
    mark = "PASS" if result.passed else "MISS"
    measured = ", ".join(
        f"{target} (measured {getattr(result.figures, target.figure):,.1f})" for target in result.targets
    )
    if result.cpu.others > DISTURBED_SHARE:
        measured += f"; disturbed: other programs used {result.cpu.others:.0%} of the CPU meanwhile"
    return f"{mark} {result.name}: {measured}"


_PROFILE_INTRO = (
    "Each request below ran 300 times in one process under Django's test client (no gunicorn, no network), "
    "on the same copy of the wiki, after the load runs (`bench/profiling.py`). The times are without a "
    "profiler; the shares come from cProfile, which slows small, frequent calls the most (templates, the "
    "ORM) and so overstates them somewhat."
)
SQL_CHARS = 160


def _profile(profile: dict) -> str:
    queries = "\n".join("    " + _shortened(sql) for sql in profile["queries"])
    return "\n\n".join(
        [
            f"#### {profile['kind']}",
            f"Wall p50 {profile['wall_p50_ms']:.2f} ms, p99 {profile['wall_p99_ms']:.2f} ms; "
            f"CPU {profile['cpu_ms']:.2f} ms per request; {len(profile['queries'])} SQL statements:",
            queries,
            _shares("area", [(area, share, None) for area, share in profile["areas"] if share >= 0.005]),
            _shares("function (own time)", profile["own"]),
            _shares("Candor function (cumulative time)", profile["candor"]),
        ]
    )


def _shortened(sql: str) -> str:
    """One line (a statement may quote a page's text, newlines and all), at most SQL_CHARS long."""
    line = " ".join(sql.split())
    return line if len(line) <= SQL_CHARS else line[:SQL_CHARS] + " …"


def _shares(heading: str, rows: list) -> str:
    lines = [f"| {heading} | share of the profiled time | calls per request |", "|---|--:|--:|"]
    for name, share, calls in rows:
        lines.append(f"| `{name}` | {share:.1%} | {'' if calls is None else f'{calls:.4g}'} |")
    return "\n".join(lines)


def update(path: Path, generated: str, skeleton: str) -> None:
    """Put `generated` between the markers of `path`, or write `skeleton` with it if there are none."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        text = head + generated + rest.split(END, 1)[1]
    else:
        text = skeleton.replace("{generated}", generated)
    path.write_text(text, encoding="utf-8")


def write_section(path: Path, begin: str, end: str, section: str) -> None:
    """Print `section` (from its `begin` marker to its `end` marker) and put it in place of the one in `path`,
    or append it: how the benchmarks that write their own part of docs/performance.md keep it current."""
    print(section, flush=True)
    text = path.read_text(encoding="utf-8")
    if begin in text and end in text:
        text = re.sub(re.escape(begin) + r".*?" + re.escape(end), lambda _: section, text, flags=re.S)
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    path.write_text(text, encoding="utf-8")
