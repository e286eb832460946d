"""Hypothesis posts generated data to every form the pages of the URL configuration show, as the persona
each route allows (tests/privacy/test_access_matrix.py), and sends generated parameters to every Action API
module paraminfo describes (issue 20 §3; C99, C06, C100). Before, a victim signed up, logged in and edited
from an address, with a user agent and an email address that are all unique canaries. Whatever the data:
no server error, and no answer carries a canary (the idea of tests/privacy/test_canary_crawl.py), although
the victim's username is one of the values tried in every field."""

import ipaddress
import uuid
from urllib.parse import quote

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from candor.accounts.actions import do_create_account
from candor.api.paraminfo import MODULES, describe
from candor.privacy.capture import RequestMeta
from candor.privacy.roles import NONPUBLIC_ROLES, Role
from tests.privacy.test_access_matrix import (
    ACCOUNT,
    EVERYONE,
    ROLE_HOLDER,
    ROUTE_VIEWS,
    ROUTES,
    SAMPLE,
    persona_client,
)
from tests.security.forms import Form, forms_of
from tests.security.urlconf import url_of
from tests.steps import PASSWORD, READER_ADDRESS, save

EXAMPLES = 10  # per form and per module: about 800 requests, under a minute on SQLite
VICTIM = "Victim"
HOSTILE = [
    "",
    VICTIM,
    "Sandbox",
    "Talk:Sandbox",
    "0",
    "-1",
    "99999999999999999999",
    "1e999",
    "on",
    "max",
    "*",
    "|",
    "\x1fa\x1fb",
    "../../../etc/passwd",
    "<script>alert(1)</script>",
    "'; DROP TABLE wiki_page; --",
    "\x00",
    "\u202e\ufeff",
    "a" * 3000,
    "2026-02-30",
    "2026-01-01T00:00:00Z",
    "198.51.100.7",
    "2001:db8::/32",
    "0.0.0.0/0",
    "victim@example.org\r\nBcc: everyone@example.org",
    "https://evil.example/",
    "//evil.example",
]
VALUES = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=40))
# Forms on every page, fuzzed once, where the footer shows them.
FOOTER = {"/language", "/accounts/logout", "/wiki/Special:Search"}
FOOTER_PAGE = "/privacy"
# Pages whose form the route's own URL does not show.
EXTRA_PAGES = {
    "/wiki/Sandbox?action=edit": EVERYONE,
    "/wiki/Sandbox": ACCOUNT,  # the Watch button
    f"/accounts/email-user?user={VICTIM}": ACCOUNT,
}
FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


class Canaries:
    """The victim's private values, and their spellings a response could carry (lower-cased)."""

    def __init__(self):
        self.address = ipaddress.IPv6Address(bytes.fromhex("20010db8") + uuid.uuid4().bytes[:12]).compressed
        self.agent = f"CanaryFuzzUA/{uuid.uuid4().hex}"
        self.email = f"canary-fuzz-{uuid.uuid4().hex}@example.org"

    def leaked(self, response) -> list[str]:
        text = (str(response.headers) + response.content.decode(errors="replace")).lower()
        values = (self.address, self.agent.split("/")[1], self.email)
        return [value for value in values if value.lower() in text]


@pytest.fixture
def canaries(db) -> Canaries:
    """The victim signs up, logs in and edits: their address, user agent and email are in private tables."""
    planted = Canaries()
    meta = RequestMeta(ip=planted.address, user_agent=planted.agent)
    do_create_account(username=VICTIM, password=PASSWORD, email=planted.email, meta=meta)
    victim = Client(REMOTE_ADDR=planted.address, HTTP_USER_AGENT=planted.agent)
    assert victim.post("/accounts/login", {"username": VICTIM, "password": PASSWORD}).status_code == 302
    save(victim, "Sandbox", "The victim's words.")
    assert planted.leaked(victim.get("/accounts/preferences")) == [planted.email]  # the check sees a canary
    save(Client(REMOTE_ADDR=READER_ADDRESS), "Sandbox", "A reader's words.")
    return planted


def _client_for(make_account, route: str, decision: str) -> Client:
    if decision == EVERYONE:
        return Client(REMOTE_ADDR=READER_ADDRESS)
    if decision == ACCOUNT:
        return persona_client(make_account, "Fuzzer", None)[0]
    role = Role.CHECKUSER if decision == ROLE_HOLDER else sorted(ROUTE_VIEWS[route].candor_roles)[0]
    gated = role in NONPUBLIC_ROLES
    return persona_client(make_account, "Holder", role, policy=gated, second_factor=gated)[0]


PAGES = {
    url_of(route, SAMPLE | {"revision_id": "1"}): (route, decision)
    for route, (decision, get_status, _) in ROUTES.items()
    if get_status == 200 and not route.startswith(("api/", "w/"))
} | {url: ("", decision) for url, decision in EXTRA_PAGES.items()}


def _fuzz_form(client: Client, form: Form, canaries: Canaries) -> None:
    names = sorted(form.fields)
    strategies = {
        name: st.one_of(st.sampled_from(offered), VALUES) if offered else VALUES
        for name, offered in form.fields.items()
        if name != "csrfmiddlewaretoken"
    }

    @FUZZ_SETTINGS
    @given(st.fixed_dictionaries({}, optional=strategies))
    def post(data):
        data = {name: value for name, value in data.items() if name in names}
        send = client.post if form.method == "post" else client.get
        response = send(form.action, data)
        assert response.status_code < 500, (form.action, data, response.status_code)
        assert not canaries.leaked(response), (form.action, data, canaries.leaked(response))

    post()


@pytest.mark.parametrize("address", sorted(PAGES))
def test_no_form_data_makes_a_server_error_or_leaks(make_account, canaries, address):
    """Every form of the page, posted as the persona the route allows: no 500, no canary."""
    route, decision = PAGES[address]
    client = _client_for(make_account, route, decision)
    response = client.get(address)
    assert response.status_code == 200
    forms = [
        form
        for form in forms_of(address, response.content.decode())
        if (form.action in FOOTER) == (address == FOOTER_PAGE)
    ]
    for form in forms:
        _fuzz_form(client, form, canaries)


def _module_strategy(path: str):
    """Values for each parameter paraminfo describes, by its type, under the module's prefix."""
    described = describe(path)
    strategies = {}
    for parameter in described["parameters"]:
        kind = parameter["type"]
        offered = kind if isinstance(kind, list) else {"boolean": ["1"], "user": [VICTIM]}.get(kind, [])
        values = st.one_of(st.sampled_from(offered), VALUES) if offered else VALUES
        if parameter.get("multi") and offered:
            values = st.one_of(values, st.lists(st.sampled_from(offered), max_size=4).map("|".join))
        strategies[described["prefix"] + parameter["name"]] = values
    return strategies


API_PATHS = sorted(path for path in MODULES if path not in {"main", "json", "jsonfm"})


@pytest.mark.parametrize("path", API_PATHS)
def test_no_api_parameters_make_a_server_error_or_leak(make_account, canaries, path):
    """The module's own parameters, as an anonymous reader and as a logged-in account, with the caller's
    token for a write: an answer in JSON, never a 500, never a canary."""
    callers = {
        "anonymous": Client(REMOTE_ADDR=READER_ADDRESS),
        "account": _client_for(make_account, "", ACCOUNT),
    }
    group = MODULES[path][0]
    name = path.rsplit("+", 1)[-1]
    selector = {"action": "query", group: name} if group in {"prop", "list", "meta"} else {"action": name}

    @FUZZ_SETTINGS
    @given(st.sampled_from(sorted(callers)), st.fixed_dictionaries({}, optional=_module_strategy(path)))
    def ask(caller, params):
        client = callers[caller]
        tokens = client.get("/w/api.php", {"action": "query", "meta": "tokens", "type": "csrf|login"})
        token, login_token = (tokens.json()["query"]["tokens"][kind] for kind in ("csrftoken", "logintoken"))
        asked = {"token": token, "lgtoken": login_token, "logintoken": login_token, **params}
        asked |= {**selector, "format": "json"}
        response = client.post("/w/api.php", asked)
        assert response.status_code < 500, (asked, response.status_code)
        assert not canaries.leaked(response), (asked, canaries.leaked(response))

    ask()


@settings(FUZZ_SETTINGS, max_examples=100)
@given(
    st.one_of(st.sampled_from(HOSTILE), st.text(max_size=300)),
    st.sampled_from(["view", "edit", "history", "raw"]),
)
def test_no_title_makes_a_server_error_or_leaks(canaries, title, action):
    """Title normalisation, through the page URL: whatever a reader types after /wiki/, no 500, no canary."""
    response = Client(REMOTE_ADDR=READER_ADDRESS).get(f"/wiki/{quote(title, safe='')}", {"action": action})

    assert response.status_code < 500, (title, action, response.status_code)
    assert not canaries.leaked(response), (title, action)
