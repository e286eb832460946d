"""The load: wrk for the reads, and one sequential Python client for the saves.

Reads: wrk (one thread, a few connections) requests paths drawn at random from a list, through a Lua
script whose `done()` prints wrk's own figures as JSON: requests, duration, p50 and p99 latency (wrk keeps
every latency in a histogram, so the percentiles are exact to its microsecond resolution), and errors.
It can send `DNT: 1` on every other request, as half of a site's readers might.

Saves: a client that behaves like one person's browser, one request at a time: it loads the edit form
(for the CSRF token, the base revision and the current text), adds a line to the text and posts it. Only
the POST is timed; the form load is timed apart. Every save must be answered 303 (saved), or the run stops.
"""

import html
import http.client
import json
import math
import random
import re
import shutil
import subprocess
import tempfile
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from http.cookies import SimpleCookie

WRK_THREADS = 1

_LUA = """
local paths = {%(paths)s}
local dnt_every_other = %(dnt_every_other)s
local sent = 0
request = function()
  sent = sent + 1
  local path = paths[math.random(#paths)]
  if dnt_every_other and sent %% 2 == 0 then
    return wrk.format("GET", path, {["DNT"] = "1"})
  end
  return wrk.format("GET", path)
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '\\n{"requests": %%d, "duration_us": %%d, "p50_us": %%d, "p99_us": %%d, "errors": %%d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.connect + e.read + e.write + e.status + e.timeout))
end
"""


@dataclass(frozen=True)
class Figures:
    """What one benchmark measured: a rate, and the latency percentiles in milliseconds."""

    count: int
    per_second: float
    p50_ms: float
    p99_ms: float


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    print("wrk is missing: installing the Debian package with apt-get (needs root)...", flush=True)
    subprocess.run(["apt-get", "update", "-q"], check=True)
    subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=True)
    found = shutil.which("wrk")
    if found is None:
        raise SystemExit("apt-get installed wrk, but it is not on PATH")
    return found


def run_wrk(
    base_url: str, paths: list[str], *, seconds: int, connections: int, dnt_every_other: bool = False
) -> Figures:
    """GET random `paths` for `seconds` with `connections` open at once; refuses any failed request."""
    script = _LUA % {
        "paths": ", ".join(json.dumps(path) for path in paths),
        "dnt_every_other": "true" if dnt_every_other else "false",
    }
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as lua:
        lua.write(script)
        lua.flush()
        command = [ensure_wrk(), f"-t{WRK_THREADS}", f"-c{connections}", f"-d{seconds}s", "-s", lua.name]
        result = subprocess.run(
            command + [base_url], capture_output=True, text=True, check=True, timeout=seconds + 30
        )
    stats = json.loads(result.stdout.strip().splitlines()[-1])
    if stats["errors"]:
        raise SystemExit(f"wrk saw {stats['errors']} failed requests:\n{result.stdout}")
    return Figures(
        count=stats["requests"],
        per_second=stats["requests"] / (stats["duration_us"] / 1e6),
        p50_ms=stats["p50_us"] / 1000,
        p99_ms=stats["p99_us"] / 1000,
    )


def percentile(samples: list[float], rank: float) -> float:
    """The nearest-rank percentile: the smallest sample that `rank` percent of the samples do not exceed."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(len(ordered) * rank / 100) - 1)]


@dataclass(frozen=True)
class Response:
    status: int
    body: str
    seconds: float


class Browser:
    """One person's browser: one connection at a time to the server, and the cookies it was given."""

    def __init__(self, base_url: str, *, timeout: float = 10):
        address = urllib.parse.urlsplit(base_url)
        self.connection = http.client.HTTPConnection(address.hostname, address.port, timeout=timeout)
        self.cookies: dict[str, str] = {}

    def get(self, path: str) -> Response:
        return self._request("GET", path, None)

    def post(self, path: str, fields: dict[str, str]) -> Response:
        return self._request("POST", path, urllib.parse.urlencode(fields))

    def _request(self, method: str, path: str, body: str | None) -> Response:
        headers = {}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.perf_counter()
        self.connection.request(method, path, body, headers)
        response = self.connection.getresponse()  # sync gunicorn closes; the next request reconnects
        content = response.read().decode()
        seconds = time.perf_counter() - started
        for header in response.headers.get_all("Set-Cookie", []):
            for name, morsel in SimpleCookie(header).items():
                if morsel["max-age"] == "0":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return Response(response.status, content, seconds)


def form_fields(page: str) -> dict[str, str]:
    """The CSRF token, and the base revision and text of an edit form, as the browser would post them."""
    fields = {"csrfmiddlewaretoken": _match(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)}
    if 'name="base"' in page:
        fields["base"] = _match(r'name="base" value="(\d+)"', page)
        # Browsers drop the newline that opens a textarea's content.
        fields["text"] = html.unescape(_match(r"<textarea[^>]*>\n?(.*?)</textarea>", page))
    return fields


def _match(pattern: str, page: str) -> str:
    found = re.search(pattern, page, flags=re.DOTALL)
    if found is None:
        raise SystemExit(f"the server's form has no match for {pattern!r}")
    return found.group(1)


def sign_up(browser: Browser, username: str, password: str) -> None:
    form = browser.get("/accounts/signup")
    fields = form_fields(form.body) | {"username": username, "password": password}
    answer = browser.post("/accounts/signup", fields)
    if answer.status != 302 or "sessionid" not in browser.cookies:
        raise SystemExit(f"signup as {username!r} failed with status {answer.status}")


@dataclass(frozen=True)
class SaveFigures:
    """The times of a run of saves, in seconds; runs add up (`+`) into one."""

    post_times: list[float]  # the POSTs alone, failed ones included
    form_times: list[float]  # loading the edit form before each save
    elapsed: float  # from the first form load to the last answer (of every browser, for saves in turn)
    failures: list[str] = field(default_factory=list)  # "500 after 20.1 s": saves not saved, when allowed

    def __add__(self, other: "SaveFigures") -> "SaveFigures":
        return SaveFigures(
            self.post_times + other.post_times,
            self.form_times + other.form_times,
            self.elapsed + other.elapsed,
            self.failures + other.failures,
        )

    @property
    def saves(self) -> Figures:
        return Figures(
            count=len(self.post_times),
            per_second=len(self.post_times) / sum(self.post_times),
            p50_ms=percentile(self.post_times, 50) * 1000,
            p99_ms=percentile(self.post_times, 99) * 1000,
        )

    @property
    def form_p50_ms(self) -> float:
        return percentile(self.form_times, 50) * 1000

    @property
    def cycles_per_second(self) -> float:
        """Form loads and saves, one after the other, as one person would."""
        return len(self.post_times) / self.elapsed

    @property
    def slowest_ms(self) -> float:
        return max(self.post_times) * 1000


def run_saves(
    browser: Browser,
    paths: list[str],
    *,
    most: int,
    seconds: float,
    seed: int,
    until: Callable[[], bool] = lambda: False,
    failures_allowed: bool = False,
) -> SaveFigures:
    """Save random pages of `paths` one after the other, `most` times or for `seconds`, or until `until()`
    answers true (asked before each save), whichever is first. A save that is not answered 303 (saved)
    stops the run, unless `failures_allowed`: then it is counted, and timed like the others."""
    return run_saves_in_turn(
        [browser],
        paths,
        most=most,
        seconds=seconds,
        seed=seed,
        until=until,
        failures_allowed=failures_allowed,
    )[0]


def run_saves_in_turn(
    browsers: list[Browser],
    paths: list[str],
    *,
    most: int,
    seconds: float,
    seed: int,
    until: Callable[[], bool] = lambda: False,
    failures_allowed: bool = False,
) -> list[SaveFigures]:
    """As `run_saves`, with each random page saved through every browser in turn (each on its own server),
    the first of them changing from one page to the next: one run of figures per browser, each save
    measured right beside the others' saves of the same page, so that a drift of the machine's speed
    touches every server alike. `most` counts the saves of each browser."""
    rng = random.Random(seed)
    runs = [SaveFigures([], [], 0.0) for _ in browsers]
    started = time.monotonic()
    turn = 0
    while turn < most and time.monotonic() - started < seconds and not until():
        path = rng.choice(paths)
        order = range(len(browsers)) if turn % 2 == 0 else reversed(range(len(browsers)))
        for index in order:
            form, answer = _save(browsers[index], path, f"save {turn}")
            if answer.status != 303:
                if not failures_allowed:
                    raise SystemExit(f"POST {path}?action=edit answered {answer.status}, not 303 (saved)")
                runs[index].failures.append(f"{answer.status} after {answer.seconds:.1f} s")
            runs[index].form_times.append(form.seconds)
            runs[index].post_times.append(answer.seconds)
        turn += 1
    if not turn:
        raise SystemExit("no save was made: nothing to measure")
    elapsed = time.monotonic() - started
    return [replace(run, elapsed=elapsed) for run in runs]


def _save(browser: Browser, path: str, label: str) -> tuple[Response, Response]:
    """Load the edit form of `path`, add a line, post it: both answers."""
    edit_path = path + "?action=edit"
    form = browser.get(edit_path)
    if form.status != 200:
        raise SystemExit(f"GET {edit_path} answered {form.status}")
    fields = form_fields(form.body)
    fields["text"] += f"\n\nBenchmark {label}, at {time.time():.6f}.\n"
    fields["summary"] = f"Benchmark {label}"
    return form, browser.post(edit_path, fields)
