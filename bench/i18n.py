"""What translating the interface costs a page view (issue 17).

`python bench/i18n.py` (or `make bench`, `--only i18n`) measures, and rewrites its own section of
docs/performance.md (between the markers below, outside run.py's generated part):

One gunicorn server (deploy/gunicorn.conf.py, 2 sync workers) on a fresh copy of the benchmark wiki is read
by wrk with the privacy-layer benchmark's method (bench/privacy_layer.py): bursts of 2 s, the sides taking
turns A B B A, rounds of which the median of the translated / English ratios is the figure (target ≥ 95%).
The English side sends no Accept-Language (the site default); the translated side sends
`Accept-Language: fr`, `de`, `es` or `ar`, one at random for each request, so each view picks a language,
activates its catalogue and renders every marked string through it (Arabic right to left included).
Same server, same pages, same moment: the only difference is the language.
"""

import json
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from statistics import median

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "var" / "bench"
DATASET = DATA_DIR / "candor.sqlite3"
DOC = ROOT / "docs" / "performance.md"
BEGIN = "<!-- i18n:begin: written by bench/i18n.py; edits between these markers are lost -->"
END = "<!-- i18n:end -->"

ROUNDS = 7
BURSTS = 4  # of each side, each round
BURST_SECONDS = 2
WARMUP_SECONDS = 3
CONNECTIONS = 4
SHARE_TARGET = 0.95
TRANSLATED_LANGUAGES = ("fr", "de", "es", "ar")

ENGLISH, TRANSLATED = "English", "translated"

_LUA = """
local paths = {%(paths)s}
local languages = {%(languages)s}
request = function()
  local headers = {}
  if #languages > 0 then headers["Accept-Language"] = languages[math.random(#languages)] end
  return wrk.format("GET", paths[math.random(#paths)], headers)
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '\\n{"requests": %%d, "duration_us": %%d, "p50_us": %%d, "p99_us": %%d, "errors": %%d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.connect + e.read + e.write + e.status + e.timeout))
end
"""


def _wrk(base_url: str, paths: list[str], languages: tuple[str, ...], seconds: int):
    import load

    script = _LUA % {
        "paths": ", ".join(json.dumps(path) for path in paths),
        "languages": ", ".join(json.dumps(code) for code in languages),
    }
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as lua:
        lua.write(script)
        lua.flush()
        command = [load.ensure_wrk(), "-t1", f"-c{CONNECTIONS}", f"-d{seconds}s", "-s", lua.name, base_url]
        result = subprocess.run(command, capture_output=True, text=True, check=True, timeout=seconds + 30)
    stats = json.loads(result.stdout.strip().splitlines()[-1])
    if stats["errors"]:
        raise SystemExit(f"wrk saw {stats['errors']} failed requests:\n{result.stdout}")
    return load.Figures(
        count=stats["requests"],
        per_second=stats["requests"] / (stats["duration_us"] / 1e6),
        p50_ms=stats["p50_us"] / 1000,
        p99_ms=stats["p99_us"] / 1000,
    )


def _check_translated(base_url: str, path: str) -> None:
    """The translated side must really be translated: a French request gets lang="fr" (compiled .mo)."""
    import urllib.request

    request = urllib.request.Request(base_url + path, headers={"Accept-Language": "fr"})  # noqa: S310
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (http://127.0.0.1 only)
        html = response.read().decode()
    if '<html lang="fr"' not in html or "Modifications récentes" not in html:
        raise SystemExit("the French interface is missing: run make compilemessages first")


def measure(page_urls: list[str]) -> dict:
    import machine
    import server

    database = DATA_DIR / "i18n.sqlite3"
    server.copy_database(DATASET, database)
    languages = {ENGLISH: (), TRANSLATED: TRANSLATED_LANGUAGES}
    rates: dict[str, list[float]] = {ENGLISH: [], TRANSLATED: []}
    p50: dict[str, list[float]] = {ENGLISH: [], TRANSLATED: []}
    others: list[float] = []
    with server.gunicorn(server.environment(DATA_DIR, database), DATA_DIR / "i18n.log") as running:
        _check_translated(running.url, page_urls[0])
        for number in range(ROUNDS):
            print(f"i18n, round {number + 1}/{ROUNDS}...", flush=True)
            a, b = (TRANSLATED, ENGLISH) if number % 2 == 0 else (ENGLISH, TRANSLATED)

            def warm_up() -> None:
                for side in languages:
                    _wrk(running.url, page_urls, languages[side], WARMUP_SECONDS)

            def bursts(a=a, b=b):
                measured = {ENGLISH: [], TRANSLATED: []}
                for side in [a, b, b, a] * (BURSTS // 2):
                    measured[side].append(_wrk(running.url, page_urls, languages[side], BURST_SECONDS))
                return measured

            measured, cpu = machine.least_disturbed([running.pid], warm_up=warm_up, measure=bursts)
            others.append(cpu.others)
            for side, figures in measured.items():
                count = sum(f.count for f in figures)
                rates[side].append(count / sum(f.count / f.per_second for f in figures))
                p50[side].append(median(f.p50_ms for f in figures))
    for suffix in ("", "-wal", "-shm"):
        database.with_name(database.name + suffix).unlink(missing_ok=True)
    ratios = [
        translated / english for translated, english in zip(rates[TRANSLATED], rates[ENGLISH], strict=True)
    ]
    return {
        "translated_per_second": median(rates[TRANSLATED]),
        "english_per_second": median(rates[ENGLISH]),
        "translated_p50_ms": median(p50[TRANSLATED]),
        "english_p50_ms": median(p50[ENGLISH]),
        "share": median(ratios),
        "ratios": ratios,
        "others": others,
    }


def report(figures: dict, when: str) -> str:
    share = figures["share"]
    met = "yes" if share >= SHARE_TARGET else "**no**"
    ratios = ", ".join(f"{ratio:.1%}" for ratio in figures["ratios"])
    others = ", ".join(f"{value:.0%}" for value in figures["others"])
    lines = [
        BEGIN,
        "",
        "## Languages (issue 17): page views with translation active",
        "",
        f"Measured {when} by `bench/i18n.py`.",
        "",
        "| measurement | figure | target | met |",
        "|---|--:|---|---|",
        f"| page views, translated / English | {share:.1%} ({figures['translated_per_second']:,.0f}/s, "
        f"{figures['english_per_second']:,.0f}/s) | ≥ {SHARE_TARGET:.0%} | {met} |",
        f"| page views, p50 translated / English | {figures['translated_p50_ms']:.2f} ms / "
        f"{figures['english_p50_ms']:.2f} ms | | |",
        "",
        f"- {ROUNDS} rounds of {BURSTS} bursts of {BURST_SECONDS} s on each side, A B B A, on one server; "
        f"the translated side asks for {', '.join(TRANSLATED_LANGUAGES)} at random; translated / English "
        f"round by round {ratios}; others' CPU {others}. Django loads each catalogue once per worker "
        "process and looks strings up in a dictionary, so a translated view costs about "
        "what an English one does.",
        "",
        END,
    ]
    return "\n".join(lines)


def run(page_urls: list[str]) -> None:
    import report as document

    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    document.write_section(DOC, BEGIN, END, report(measure(page_urls), when))


def main() -> None:
    sys.path.insert(0, str(ROOT / "bench"))
    import server

    run(server.benchmark_wiki_page_urls(DATA_DIR, DATASET))


if __name__ == "__main__":
    main()
