"""C99, C06: every route of the URL configuration and every Action API module has an access decision in the
tables below, and answers each of the seven personas as its decision says (issue 20 §3). A route or a module
added without a decision fails the completeness tests.

The decisions: `EVERYONE` (the same answer for every persona), `ACCOUNT` (the login form for the anonymous,
the page for any account), `ROLE_HOLDER` (the second factor and the access policy: 404, as for a missing
page, for an account without a role that sees nonpublic information) and `TAGGED` (a privileged route,
found by its `candor_roles` tag: the login form for the anonymous, 404 for everyone without the role, the
missing gate (403) for a role holder who lacks one, and the page only when every gate is open). Each route
also names what an allowed persona gets for a GET and for a POST: a form posted empty is refused as a form
(400), a POST-only route answers a GET with 405, a sample that names nothing is a 404 for everyone."""

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from candor.accounts.actions import do_accept_access_policy, do_grant_role
from candor.api import query
from candor.api.action import _actions
from candor.privacy.roles import NONPUBLIC_ROLES, Role
from tests.security.urlconf import every_route, url_of
from tests.steps import PASSWORD, READER_ADDRESS, revisions_of, save

EVERYONE, ACCOUNT, ROLE_HOLDER, TAGGED = "everyone", "account", "role holder", "tagged"

# route: (decision, status of a GET and of a POST for a persona it allows)
ROUTES: dict[str, tuple[str, int, int]] = {
    "": (EVERYONE, 302, 302),
    "wiki/": (EVERYONE, 302, 302),
    "wiki/Special:Upload": (EVERYONE, 200, 400),
    "media/<str:sha256>": (EVERYONE, 404, 405),
    "media/thumb/<int:width>/<str:sha256>": (EVERYONE, 404, 405),
    "wiki/<path:raw_title>": (EVERYONE, 200, 405),
    "accounts/signup": (EVERYONE, 200, 400),
    "accounts/login": (EVERYONE, 200, 400),
    "accounts/logout": (EVERYONE, 405, 302),
    "accounts/preferences": (ACCOUNT, 200, 400),
    "language": (EVERYONE, 405, 302),
    "accounts/verify-email": (EVERYONE, 400, 400),  # the signed link is the key: refused without one
    "accounts/unsubscribe": (EVERYONE, 400, 400),
    "accounts/email-user": (ACCOUNT, 200, 403),  # Editor, the name posted, takes no mail from users
    "accounts/password-reset": (EVERYONE, 200, 400),
    "accounts/password-reset/confirm": (EVERYONE, 400, 400),
    "accounts/second-factor": (ROLE_HOLDER, 200, 200),
    "accounts/access-policy": (ROLE_HOLDER, 200, 200),
    "accounts/checkuser": (TAGGED, 200, 200),
    "accounts/temporary-account-reveal": (TAGGED, 200, 400),
    "accounts/access-log": (TAGGED, 200, 200),
    "accounts/rights": (TAGGED, 200, 400),
    "accounts/block": (TAGGED, 200, 400),
    "notify/": (ACCOUNT, 200, 200),
    "notify/watchlist": (ACCOUNT, 200, 200),
    "notify/settings": (ACCOUNT, 200, 400),
    "notify/watch": (ACCOUNT, 405, 400),
    "notify/surveys": (ACCOUNT, 200, 200),
    "notify/surveys/new": (TAGGED, 200, 400),
    "notify/surveys/answer": (ACCOUNT, 404, 404),  # no survey named
    "notify/surveys/results": (ACCOUNT, 404, 404),
    "notify/surveys/private": (TAGGED, 200, 200),
    "privacy": (EVERYONE, 200, 200),
    "privacy/cookies": (EVERYONE, 200, 200),
    "privacy/data": (EVERYONE, 200, 200),
    "privacy/holds": (EVERYONE, 200, 200),
    "privacy/csp-report": (EVERYONE, 405, 400),
    "privacy/versions": (EVERYONE, 200, 200),
    "privacy/diff": (EVERYONE, 404, 404),  # no versions named
    "privacy/announcements": (EVERYONE, 200, 400),
    "privacy/announcements/feed": (EVERYONE, 200, 200),
    "privacy/announcements/confirm": (EVERYONE, 200, 400),
    "privacy/announcements/unsubscribe": (EVERYONE, 200, 400),
    "privacy/contact": (EVERYONE, 200, 400),
    "privacy/transparency": (EVERYONE, 200, 200),
    "privacy/legal-demands": (EVERYONE, 200, 200),
    "privacy/faq": (EVERYONE, 200, 200),
    "privacy/glossary": (EVERYONE, 200, 200),
    "privacy/access-policy": (EVERYONE, 200, 200),
    "governance/policy": (TAGGED, 200, 400),
    "governance/transfer": (TAGGED, 200, 400),
    "governance/legal": (TAGGED, 200, 400),
    "governance/contact-messages": (TAGGED, 200, 400),
    "yourdata/": (ACCOUNT, 200, 200),
    "yourdata/export": (ACCOUNT, 405, 302),
    "yourdata/download": (ACCOUNT, 405, 404),  # no export named
    "yourdata/erasure": (ACCOUNT, 200, 302),
    "yourdata/rename": (ACCOUNT, 405, 302),
    "yourdata/blank-user-page": (ACCOUNT, 405, 302),
    "yourdata/delete-user-page": (ACCOUNT, 405, 302),
    "yourdata/queue": (TAGGED, 200, 400),
    "yourdata/sharing": (ACCOUNT, 200, 200),
    "stats/releases": (EVERYONE, 200, 200),
    "stats/releases/<int:release_id>": (EVERYONE, 404, 404),  # no release published
    "stats/publish": (TAGGED, 200, 400),
    "w/api.php": (EVERYONE, 200, 200),  # its modules: API_MODULES below
    "api/openapi.json": (EVERYONE, 200, 200),
    "api/v1/page": (EVERYONE, 400, 405),  # no title asked for
    "api/v1/revisions/<revision_id>": (EVERYONE, 200, 405),
    "api/v1/history": (EVERYONE, 400, 405),
    "api/v1/diff": (EVERYONE, 400, 405),
    "api/v1/recentchanges": (EVERYONE, 200, 405),
    "api/v1/contributions": (EVERYONE, 400, 405),
    "api/v1/search": (EVERYONE, 400, 405),
    "api/v1/files": (EVERYONE, 405, 400),
    "api/": (EVERYONE, 404, 404),
    "api/<path:unknown>": (EVERYONE, 404, 404),
    "about/disclaimers": (EVERYONE, 200, 405),
}
SAMPLE = {"sha256": "0" * 64, "width": "120", "release_id": "1", "raw_title": "Sandbox", "unknown": "v1/x"}
FORM = {"username": "Editor", "reason": "matrix test run"}

# Action API module: (decision, its parameters). A write is posted with the caller's own token; each answer
# an allowed persona gets has no error, a refused one gets the error named.
API_MODULES: dict[str, tuple[str, dict[str, str]]] = {
    "action=query": (EVERYONE, {"titles": "Sandbox"}),
    "action=login": (EVERYONE, {"lgname": "Editor", "lgpassword": PASSWORD}),
    "action=clientlogin": (EVERYONE, {"username": "Editor", "password": PASSWORD, "loginreturnurl": "/"}),
    "action=logout": (EVERYONE, {}),
    "action=edit": (EVERYONE, {"title": "Sandbox", "text": "matrix", "summary": "matrix"}),
    "action=upload": (ACCOUNT, {"filename": "Matrix.png"}),  # missingparam (no file) once logged in
    "action=parse": (EVERYONE, {"page": "Sandbox"}),
    "action=compare": (EVERYONE, {"fromtitle": "Sandbox", "totitle": "Sandbox"}),
    "action=help": (EVERYONE, {}),
    "action=paraminfo": (EVERYONE, {"modules": "query"}),
    "list=recentchanges": (EVERYONE, {}),
    "list=usercontribs": (EVERYONE, {"ucuser": "Editor"}),
    "list=logevents": (EVERYONE, {}),
    "list=search": (EVERYONE, {"srsearch": "Sandbox"}),
    "list=allpages": (EVERYONE, {}),
    "list=watchlist": (ACCOUNT, {}),
    "list=watchlistraw": (ACCOUNT, {}),
    "list=users": (EVERYONE, {"ususers": "Editor"}),
    "list=allusers": (EVERYONE, {}),
    "prop=revisions": (EVERYONE, {"titles": "Sandbox", "rvprop": "content|user"}),
    "prop=info": (EVERYONE, {"titles": "Sandbox"}),
    **{f"prop={name}": (EVERYONE, {"titles": "Sandbox"}) for name in query.EMPTY_PROPS},
    "meta=siteinfo": (EVERYONE, {}),
    "meta=userinfo": (EVERYONE, {}),
    "meta=tokens": (EVERYONE, {}),
}
# What a refused persona is told, by module.
API_REFUSALS = {
    "action=upload": "permissiondenied",
    "list=watchlist": "notloggedin",
    "list=watchlistraw": "notloggedin",
}
POSTED_WITH_TOKEN = {"action=logout", "action=edit", "action=upload"}
POSTED_WITH_LOGIN_TOKEN = {"action=login": "lgtoken", "action=clientlogin": "logintoken"}


def persona_client(
    make_account, name: str, role: Role | None, *, policy: bool = True, second_factor: bool = True
):
    user = make_account(name)
    client = Client(REMOTE_ADDR=READER_ADDRESS)
    client.force_login(user)
    if role is not None:
        do_grant_role(target=user, role=role, reason="test persona")
        if policy:
            do_accept_access_policy(user)
        if second_factor:
            client.get("/accounts/second-factor")
            device = TOTPDevice.objects.get(user=user)
            client.post("/accounts/second-factor", {"code": f"{totp(device.bin_key):06d}"})
    # A role that sees no nonpublic information (the administrator's) has no policy or second factor to pass.
    return client, role, role not in NONPUBLIC_ROLES or (policy and second_factor)


@pytest.fixture
def personas(make_account):
    return {
        "anonymous": (Client(REMOTE_ADDR=READER_ADDRESS), None, False),
        "editor": persona_client(make_account, "Editor", None),
        "other user": persona_client(make_account, "Other", None),
        "administrator": persona_client(
            make_account, "Admin", Role.ADMINISTRATOR, policy=False, second_factor=False
        ),
        "checkuser without second factor": persona_client(
            make_account, "Half", Role.CHECKUSER, second_factor=False
        ),
        "checkuser": persona_client(make_account, "Checker", Role.CHECKUSER),
        "ombuds": persona_client(make_account, "Ombuds", Role.OMBUDS),
    }


@pytest.fixture
def sandbox(db):
    """A page with one revision, for the routes and modules that read one."""
    save(Client(REMOTE_ADDR=READER_ADDRESS), "Sandbox", "A page to read.")
    return revisions_of("Sandbox")[0]


ROUTE_VIEWS = dict(every_route())


def test_every_route_has_an_access_decision():
    assert set(ROUTE_VIEWS) == set(ROUTES)


def test_the_privileged_routes_are_the_tagged_ones():
    tagged = {route for route, view in ROUTE_VIEWS.items() if getattr(view, "candor_roles", None)}
    assert tagged == {route for route, (decision, _, _) in ROUTES.items() if decision == TAGGED}
    assert tagged >= {"accounts/checkuser", "accounts/access-log"}


def _refusal(decision: str, route: str, name: str, role: Role | None, gates_open: bool) -> int | None:
    """The status that refuses this persona, or None when the decision lets it in."""
    if decision == EVERYONE:
        return None
    if name == "anonymous":
        return 302
    if decision == ROLE_HOLDER:
        return None if role in NONPUBLIC_ROLES else 404
    if decision == TAGGED:
        if role not in ROUTE_VIEWS[route].candor_roles:
            return 404
        return None if gates_open else 403
    return None


@pytest.mark.parametrize("route", sorted(ROUTES), ids=lambda route: route or "/")
def test_every_persona_gets_what_it_may_and_nothing_more(personas, sandbox, route):
    decision, get_status, post_status = ROUTES[route]
    url = url_of(route, SAMPLE | {"revision_id": str(sandbox.pk)})
    for name, (client, role, gates_open) in personas.items():
        refusal = _refusal(decision, route, name, role, gates_open)
        for method, response, allowed_status in (
            ("GET", client.get(url), get_status),
            ("POST", client.post(url, FORM), post_status),
        ):
            expected = allowed_status if refusal is None else refusal
            assert response.status_code == expected, f"{name}, {method} {url}: {response.status_code}"
            if refusal == 302:
                assert response["Location"].startswith("/accounts/login")


def test_every_action_api_module_has_an_access_decision():
    registry = {f"action={name}" for name in _actions()}
    registry |= {f"list={name}" for name in query.LISTS}
    registry |= {f"prop={name}" for name in query.PROPS}
    registry |= {f"meta={name}" for name in query.METAS}
    assert registry == set(API_MODULES)


def _token(client: Client, kind: str) -> str:
    answer = client.get("/w/api.php", {"action": "query", "meta": "tokens", "type": kind, "format": "json"})
    return answer.json()["query"]["tokens"][f"{kind}token"]


@pytest.mark.parametrize("module", sorted(API_MODULES))
def test_every_persona_gets_from_each_api_module_what_it_may(personas, sandbox, module):
    decision, parameters = API_MODULES[module]
    group, name = module.split("=")
    for persona, (client, role, gates_open) in personas.items():
        asked = {group: name, "format": "json", "formatversion": "2", **parameters}
        if group != "action":
            asked["action"] = "query"
        if module in POSTED_WITH_TOKEN:
            asked["token"] = _token(client, "csrf")
        if module in POSTED_WITH_LOGIN_TOKEN:
            asked[POSTED_WITH_LOGIN_TOKEN[module]] = _token(client, "login")
        posted = module in POSTED_WITH_TOKEN or module in POSTED_WITH_LOGIN_TOKEN
        response = (client.post if posted else client.get)("/w/api.php", asked)

        answer = response.json()
        assert response.status_code == 200
        if _refusal(decision, "w/api.php", persona, role, gates_open) is None:
            allowed = module == "action=upload" and answer.get("error", {}).get("code") == "missingparam"
            assert "error" not in answer or allowed, f"{persona}, {module}: {answer}"
        else:
            assert answer["error"]["code"] == API_REFUSALS[module], f"{persona}, {module}: {answer}"
