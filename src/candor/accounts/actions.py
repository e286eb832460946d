"""Every write to accounts: one function per act a person can see."""

from django.contrib.auth import password_validation
from django.db import IntegrityError, transaction

from candor.accounts import usernames
from candor.accounts.models import User
from candor.wiki.actions import record_public_log
from candor.wiki.models import LogType
from candor.wiki.titles import Namespace, Title


class SignupRefused(ValueError):
    """The account cannot be created; `field` names the input at fault, the message says why."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


def do_create_account(*, username: str, password: str, email: str | None = None) -> User:
    """Create an account from a username and a password (C22), and log its creation publicly (C38)."""
    try:
        name = usernames.validate(username)
    except usernames.InvalidUsername as exc:
        raise SignupRefused("username", str(exc)) from exc
    if User.objects.filter(username_skeleton=usernames.skeleton(name)).exists():
        raise SignupRefused("username", _taken_message(name))
    candidate = User(username=name)
    try:
        password_validation.validate_password(password, candidate)
    except password_validation.ValidationError as exc:
        raise SignupRefused("password", " ".join(exc.messages)) from exc
    try:
        with transaction.atomic():
            user = User.objects.create_user(name, password, email or None)
            record_public_log(
                log_type=LogType.NEWUSERS, action="create", performer=user, target=Title(Namespace.USER, name)
            )
    except IntegrityError:
        raise SignupRefused("username", _taken_message(name)) from None
    return user


def _taken_message(name: str) -> str:
    return (
        f"The username \u201c{name}\u201d is taken, or looks too much like an existing one. Choose another."
    )
