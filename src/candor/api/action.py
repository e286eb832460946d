"""MediaWiki's Action API at /w/api.php: the dispatcher, its parameters and its error shape.

Behaves as MediaWiki documents it, so that bots and tools written for MediaWiki work unchanged: every answer
is JSON with HTTP 200, errors included (`{"error": {"code", "info"}}`, or `{"errors": [...]}` with
`errorformat`), `formatversion` 1 and 2, `continue` continuation, `maxlag`, `assert`. `uselang`,
`errorlang`, `origin` and `callback` are accepted and change nothing (everything is in English, and no
JSONP is served: a script of another site could otherwise read a logged-in person's answers).

What an answer may hold (C06): the same public data as the HTML pages, and a person's own data to that
person only. The modules read the public tables only; none of them touches the private event table, the
email column or preferences, and an IP address appears only as the author of a logged-out edit (C33).
"""

import json
import re
from collections.abc import Callable
from datetime import UTC, datetime

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.views.decorators.csrf import csrf_exempt

from candor.privacy import clock

MAX_VALUES = 50  # values of one multi-valued parameter, as MediaWiki allows a client without apihighlimits
DOCREF = "See /w/api.php for API usage, and docs/api.md for what Candor supports."
SERVED_LAG_SECONDS = 0  # one database, no replicas: nothing ever lags
ERROR_FORMATS = ("bc", "plaintext", "wikitext", "html", "raw", "none")


class ApiError(Exception):
    """An error answer: MediaWiki's code and message; `extra` goes beside them in the error object."""

    def __init__(self, code: str, info: str, **extra):
        super().__init__(info)
        self.code, self.info, self.extra = code, info, extra


_TIMESTAMP_FORMATS = ("%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%dT%H:%M:%S", "%Y%m%d%H%M%S", "%Y-%m-%d %H:%M:%S")


def iso(moment: datetime) -> str:
    """A time as MediaWiki writes it: UTC, to the second."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def compact(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%d%H%M%S")


class Params:
    """The request's parameters, read as MediaWiki reads them: POST over GET, `|`-separated lists (or
    `\\x1f`-separated when the value starts with one), a boolean true whenever present."""

    def __init__(self, request: HttpRequest):
        try:
            merged = {key: request.GET[key] for key in request.GET}
            if request.method == "POST":
                merged.update({key: request.POST[key] for key in request.POST})
        except (RequestDataTooBig, TooManyFieldsSent, MultiPartParserError):
            self.values: dict[str, str] = {}
            self.refused = ApiError("toobig", "The request is larger than the server accepts.")
        else:
            self.values, self.refused = merged, None
        self.used: set[str] = set()

    def __contains__(self, name: str) -> bool:
        return name in self.values

    def raw(self, name: str) -> str | None:
        self.used.add(name)
        value = self.values.get(name)
        if value is not None and "\x00" in value:
            raise ApiError("badvalue", f'The parameter "{name}" holds a character that is not allowed.')
        return value

    def text(self, name: str, default: str = "") -> str:
        value = self.raw(name)
        return default if value is None else value

    def flag(self, name: str) -> bool:
        return self.raw(name) is not None

    def values_of(self, name: str) -> list[str]:
        value = self.raw(name)
        if value is None or value == "":
            return []
        parts = value[1:].split("\x1f") if value.startswith("\x1f") else value.split("|")
        if len(parts) > MAX_VALUES:
            raise ApiError(
                "toomanyvalues",
                f'Too many values supplied for parameter "{name}". The limit is {MAX_VALUES}.',
            )
        return parts

    def choice(self, name: str, allowed, default: str | None = None) -> str | None:
        value = self.raw(name)
        if value is None:
            return default
        if value not in allowed:
            raise ApiError("badvalue", f'Unrecognized value for parameter "{name}": {value}.')
        return value

    def choices(self, ctx: "Context", module: str, name: str, allowed, default: list[str]) -> list[str]:
        """A multi-valued parameter: values not in `allowed` are dropped with a warning, as MediaWiki does."""
        if name not in self.values:
            self.used.add(name)
            return list(default)
        wanted = self.values_of(name)
        unknown = [value for value in wanted if value not in allowed]
        if unknown:
            noun = "value" if len(unknown) == 1 else "values"
            joined = ", ".join(unknown)
            ctx.warn(module, "unrecognizedvalues", f'Unrecognized {noun} for parameter "{name}": {joined}.')
        return [value for value in wanted if value in allowed]

    def integer(self, name: str, default: int | None = None) -> int | None:
        value = self.raw(name)
        if value is None or value == "":
            return default
        if not re.fullmatch(r"[+-]?\d{1,18}", value.strip()):
            raise ApiError("badinteger", f'Invalid value "{value}" for integer parameter "{name}".')
        return int(value)

    def limit(self, ctx: "Context", module: str, name: str, default: int, most: int) -> int:
        value = self.raw(name)
        if value is None or value == "":
            return default
        if value == "max":
            ctx.limits[name] = most
            return most
        number = self.integer(name)
        assert number is not None
        if number > most:
            ctx.warn(module, "integeroutofrange", f'Invalid value "{value}" for parameter "{name}": capped.')
            return most
        if number < 1:
            ctx.warn(module, "integeroutofrange", f'Invalid value "{value}" for parameter "{name}": raised.')
            return 1
        return number

    def timestamp(self, name: str) -> datetime | None:
        value = self.raw(name)
        if value is None or value == "":
            return None
        cleaned = value.strip()
        if re.fullmatch(r"\d{1,10}", cleaned) and len(cleaned) != 8:
            return datetime.fromtimestamp(int(cleaned), tz=UTC)
        cleaned = re.sub(r"\.\d+Z$", "Z", cleaned)
        for layout in _TIMESTAMP_FORMATS:
            try:
                return datetime.strptime(cleaned, layout).replace(tzinfo=UTC)
            except ValueError:
                continue
        raise ApiError("badtimestamp", f'Invalid value "{value}" for timestamp parameter "{name}".')

    def one_of(self, *names: str) -> None:
        """Refuse a request giving more than one of `names` (MediaWiki's `invalidparammix`)."""
        given = [name for name in names if name in self.values]
        if len(given) > 1:
            listed = ", ".join(f'"{name}"' for name in given)
            raise ApiError("invalidparammix", f"The parameters {listed} can not be used together.")


class Context:
    """One request to /w/api.php: its parameters, the format asked for, the warnings gathered so far."""

    def __init__(self, request: HttpRequest):
        self.request = request
        self.params = Params(request)
        self.v2 = False
        self.error_format = "bc"
        self.warnings: list[tuple[str, str, str]] = []
        self.limits: dict[str, int] = {}

    @property
    def user(self):
        """The logged-in account, or None."""
        user = self.request.user
        return user if user.is_authenticated else None

    def warn(self, module: str, code: str, text: str) -> None:
        if (module, code, text) not in self.warnings:
            self.warnings.append((module, code, text))

    def content(self, text: str) -> dict[str, str]:
        """A text body as MediaWiki nests it: under "*" in format version 1, "content" in version 2."""
        return {"content": text} if self.v2 else {"*": text}

    def read_format(self) -> None:
        params = self.params
        params.choice("format", ("json", "jsonfm"), "json")
        self.v2 = params.choice("formatversion", ("1", "2", "latest"), "1") != "1"
        self.error_format = params.choice("errorformat", ERROR_FORMATS, "bc") or "bc"
        for ignored in ("uselang", "errorlang", "errorsuselocal", "origin", "callback", "utf8", "ascii"):
            params.raw(ignored)

    def error_body(self, error: ApiError) -> dict:
        if self.error_format == "bc":
            body = {"code": error.code, "info": error.info, **error.extra}
            body.update({"docref": DOCREF} if self.v2 else {"*": DOCREF})
            return {"error": body}
        return {"errors": [self._message(error.code, error.info, "main", error.extra)], "docref": DOCREF}

    def _message(self, code: str, text: str, module: str, extra: dict | None = None) -> dict:
        message: dict = {"code": code}
        if self.error_format in {"plaintext", "wikitext"}:
            message.update({"text": text} if self.v2 else {"*": text})
        elif self.error_format == "html":
            escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            message.update({"html": escaped} if self.v2 else {"*": escaped})
        elif self.error_format == "raw":
            message.update({"key": f"apierror-{code}", "params": []})
        message["module"] = module
        if extra:
            message["data"] = extra
        return message

    def warnings_body(self) -> dict:
        if not self.warnings:
            return {}
        if self.error_format == "bc":
            grouped: dict[str, list[str]] = {}
            for module, _, text in self.warnings:
                grouped.setdefault(module, []).append(text)
            key = "warnings" if self.v2 else "*"
            return {"warnings": {module: {key: "\n".join(texts)} for module, texts in grouped.items()}}
        return {"warnings": [self._message(code, text, module) for module, code, text in self.warnings]}

    def respond(self, result: dict, *, headers: dict[str, str] | None = None) -> HttpResponse:
        body = {**self.warnings_body(), **result}
        if self.params.flag("curtimestamp"):
            body["curtimestamp"] = iso(clock.now())
        requestid = self.params.values.get("requestid")
        if requestid is not None:
            body["requestid"] = requestid
        if self.limits:
            body["limits"] = dict(self.limits)
        if not self.v2:
            body = _as_version_1(body)
        response = HttpResponse(
            json.dumps(body, ensure_ascii=False, separators=(",", ":")),
            content_type="application/json; charset=utf-8",
        )
        response["Cache-Control"] = "private, must-revalidate, max-age=0"
        for name, value in (headers or {}).items():
            response[name] = value
        return response


def _as_version_1(value):
    """Format version 1's booleans: true is an empty string, false is no key at all."""
    if isinstance(value, dict):
        return {
            key: ("" if item is True else _as_version_1(item))
            for key, item in value.items()
            if item is not False
        }
    if isinstance(value, list):
        return [_as_version_1(item) for item in value]
    return value


Handler = Callable[[Context], dict]


def _actions() -> dict[str, Handler]:
    from candor.api import edit, login, paraminfo, query, reading, upload

    return {
        "query": query.run,
        "login": login.login,
        "clientlogin": login.clientlogin,
        "logout": login.logout,
        "edit": edit.edit,
        "upload": upload.upload,
        "parse": reading.parse,
        "compare": reading.compare,
        "help": reading.help_module,
        "paraminfo": paraminfo.paraminfo,
    }


WRITE_ACTIONS = {"login", "clientlogin", "logout", "edit", "upload"}


def check_assert(ctx: Context) -> None:
    wanted = ctx.params.choice("assert", ("anon", "user", "bot"))
    user = ctx.user
    if wanted == "user" and user is None:
        raise ApiError(
            "assertuserfailed", "You are no longer logged in, so the action could not be completed."
        )
    if wanted == "anon" and user is not None:
        raise ApiError("assertanonfailed", "You are logged in. The action could not be completed.")
    if wanted == "bot":
        raise ApiError(
            "assertbotfailed", "You do not have the bot right, so the action could not be completed."
        )
    named = ctx.params.raw("assertuser")
    if named is not None and (user is None or user.username != named.replace("_", " ").strip()):
        raise ApiError("assertnameduserfailed", f'You are no longer logged in as "{named}".')


def check_maxlag(ctx: Context) -> dict[str, str] | None:
    """MediaWiki's `maxlag`: refuse when the replicas lag more than asked. Candor has none, so only a
    negative `maxlag` (which clients send to test their handling of it) is refused."""
    maxlag = ctx.params.integer("maxlag")
    if maxlag is None or SERVED_LAG_SECONDS <= maxlag:
        return None
    raise ApiError(
        "maxlag",
        f"Waiting for a database server: {SERVED_LAG_SECONDS} seconds lagged.",
        host="db",
        lag=SERVED_LAG_SECONDS,
        type="db",
    )


@csrf_exempt  # the API's writes are authenticated by MediaWiki's tokens instead (api/tokens.py)
def api_php(request: HttpRequest) -> HttpResponse:
    ctx = Context(request)
    try:
        if ctx.params.refused is not None:
            raise ctx.params.refused
        ctx.read_format()
        check_maxlag(ctx)
        check_assert(ctx)
        actions = _actions()
        action = ctx.params.choice("action", actions, "help") or "help"
        if action in WRITE_ACTIONS and request.method != "POST":
            raise ApiError("mustbeposted", f'The "{action}" module requires a POST request.')
        result = actions[action](ctx)
    except ApiError as error:
        headers = {"Retry-After": "5", "X-Database-Lag": "0"} if error.code == "maxlag" else None
        response = ctx.respond(ctx.error_body(error), headers=headers)
        response["MediaWiki-API-Error"] = error.code
        return response
    return ctx.respond(result)
