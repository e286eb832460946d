"""action=login, action=clientlogin and action=logout: the login form's own steps, through the API.

A bot logs in with its account's username and password (docs/api.md says why: Candor has no bot
passwords), through the same steps as /accounts/login: the throttle is asked first, a failure is counted
and recorded as on the form, a success forgives the username's failures and starts the declared session
cookie. The answers never say whether the name is an account (one message for both), as the form does.
"""

from django.contrib.auth import authenticate
from django.contrib.auth import login as start_session
from django.contrib.auth import logout as end_session

from candor.accounts import actions, throttle, usernames
from candor.api import tokens
from candor.api.action import ApiError, Context

WRONG = "Incorrect username or password entered. Please try again."
THROTTLED = "You have made too many recent login attempts. Please wait a few minutes before trying again."


def _attempt(ctx: Context, username: str, password: str):
    """The account logged in, or the reason it was not (a message), exactly as the login form decides."""
    request, meta = ctx.request, ctx.request.candor_meta
    if not username or not password:
        return None, WRONG
    if throttle.is_throttled(username, meta.ip):
        return None, THROTTLED
    user = authenticate(request, username=usernames.canonical(username), password=password)
    if user is None:
        actions.do_record_failed_login(username, meta)
        return None, WRONG
    start_session(request, user)
    actions.do_record_login(user, meta)
    return user, ""


def login(ctx: Context) -> dict:
    params = ctx.params
    name, password, token = params.text("lgname"), params.text("lgpassword"), params.text("lgtoken")
    params.raw("lgdomain")
    if not token:
        return {"login": {"result": "NeedToken", "token": tokens.login_token()}}
    if not tokens.is_valid_login_token(token):
        return {"login": {"result": "WrongToken"}}
    user, reason = _attempt(ctx, name, password)
    if user is None:
        return {"login": {"result": "Failed", "reason": reason}}
    return {"login": {"result": "Success", "lguserid": user.pk, "lgusername": user.username}}


def clientlogin(ctx: Context) -> dict:
    params = ctx.params
    if "loginreturnurl" not in params and "logincontinue" not in params:
        raise ApiError(
            "missingparam", 'One of the parameters "loginreturnurl" and "logincontinue" is required.'
        )
    params.raw("loginreturnurl")
    params.raw("rememberMe")
    if params.flag("logincontinue"):
        raise ApiError("badcontinue", "There is no login to continue: Candor logs in in one step.")
    token = params.text("logintoken")
    if not token:
        raise ApiError("missingparam", 'The "logintoken" parameter must be set.')
    if not tokens.is_valid_login_token(token):
        raise ApiError("badtoken", "Invalid login token.")
    user, reason = _attempt(ctx, params.text("username"), params.text("password"))
    if user is None:
        code = "login-throttled" if reason == THROTTLED else "wrongpassword"
        return {"clientlogin": {"status": "FAIL", "message": reason, "messagecode": code}}
    return {"clientlogin": {"status": "PASS", "username": user.username}}


def logout(ctx: Context) -> dict:
    token = ctx.params.raw("token")
    if token is None:
        raise ApiError("missingparam", 'The "token" parameter must be set.')
    if not tokens.is_valid_session_token(ctx.request, "csrf", token):
        raise ApiError("badtoken", "Invalid CSRF token.")
    user = ctx.user
    if user is not None:
        actions.do_record_logout(user, ctx.request.candor_meta)
    end_session(ctx.request)
    return {}
