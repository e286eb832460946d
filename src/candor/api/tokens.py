"""MediaWiki's tokens: what authenticates the API's writes instead of Django's CSRF cookie.

A csrf (or watch, patrol...) token is an HMAC, under the site's secret key, of the token type and the
session's key: it is valid for that session only and dies with it at logout. A client without a session (a
logged-out editor) gets MediaWiki's anonymous token `+\\`, which proves nothing and needs nothing, as in
MediaWiki: its edits are attributed to its address (C33) like the form's. The login token needs no session
either: it is a signed, timestamped random value, valid for an hour, so fetching one sets no cookie (C55).
Every token ends in `+\\`, as MediaWiki's do, which catches clients that mangle the request body.
"""

import hashlib
import hmac
import secrets

from django.conf import settings
from django.core import signing

SUFFIX = "+\\"
ANONYMOUS = SUFFIX
SESSION_TYPES = ("csrf", "watch", "patrol", "rollback", "userrights", "createaccount")
TYPES = (*SESSION_TYPES, "login")
LOGIN_TOKEN_SECONDS = 3600
_LOGIN_SALT = "candor.api.login-token"


def session_token(request, kind: str) -> str:
    """The token of `kind` for this request's session; the anonymous token when it has no login."""
    key = request.session.session_key if request.user.is_authenticated else None
    if not key:
        return ANONYMOUS
    message = f"candor-api:{kind}:{key}".encode()
    digest = hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()[:32]
    return digest + SUFFIX


def is_valid_session_token(request, kind: str, given: str) -> bool:
    # compare_digest refuses str with non-ASCII characters (a TypeError, which was a 500): compare bytes.
    return hmac.compare_digest(session_token(request, kind).encode(), given.encode())


def login_token() -> str:
    return signing.TimestampSigner(salt=_LOGIN_SALT).sign(secrets.token_hex(8)).replace(":", ".") + SUFFIX


def is_valid_login_token(given: str) -> bool:
    if not given.endswith(SUFFIX):
        return False
    signed = given[: -len(SUFFIX)].replace(".", ":")
    try:
        signing.TimestampSigner(salt=_LOGIN_SALT).unsign(signed, max_age=LOGIN_TOKEN_SECONDS)
    except signing.BadSignature:
        return False
    return True


def tokens_of(request, kinds: list[str]) -> dict[str, str]:
    return {
        f"{kind}token": login_token() if kind == "login" else session_token(request, kind) for kind in kinds
    }
