"""Every write to accounts: one function per act a person can see.

Each act that must stay accountable writes the request's metadata to the private event table
(privacy.capture) in the same transaction; none of it reaches a public table (C25, C38).
"""

import zoneinfo

from django.contrib.auth import password_validation
from django.db import IntegrityError, transaction

from candor.accounts import throttle, usernames
from candor.accounts.models import User
from candor.privacy import capture
from candor.privacy.capture import RequestMeta
from candor.privacy.models import EventType
from candor.wiki.actions import record_public_log
from candor.wiki.models import LogType
from candor.wiki.titles import Namespace, Title


class AccountRefused(ValueError):
    """The change cannot be made; `field` names the input at fault, the message says why."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


def do_create_account(*, username: str, password: str, meta: RequestMeta, email: str | None = None) -> User:
    """Create an account from a username and a password (C22), and log its creation publicly (C38)."""
    try:
        name = usernames.validate(username)
    except usernames.InvalidUsername as exc:
        raise AccountRefused("username", str(exc)) from exc
    if User.objects.filter(username_skeleton=usernames.skeleton(name)).exists():
        raise AccountRefused("username", _taken_message(name))
    _validate_password(password, User(username=name))
    try:
        with transaction.atomic():
            user = User.objects.create_user(name, password, email or None)
            record_public_log(
                log_type=LogType.NEWUSERS, action="create", performer=user, target=Title(Namespace.USER, name)
            )
            capture.record(EventType.SIGNUP, meta, actor=user)
    except IntegrityError:
        raise AccountRefused("username", _taken_message(name)) from None
    return user


def do_record_login(user: User, meta: RequestMeta) -> None:
    with transaction.atomic():
        throttle.clear(user.username)
        capture.record(EventType.LOGIN, meta, actor=user)


def do_record_failed_login(username: str, meta: RequestMeta) -> None:
    """Count the failure for throttling; record it privately against the account, if the name is one.

    A name that is no account is not stored anywhere: it may be a password typed in the wrong box.
    """
    with transaction.atomic():
        throttle.record_failure(username, meta.ip)
        tried = User.objects.filter(username=usernames.canonical(username)).first()
        capture.record(EventType.LOGIN_FAILED, meta, actor=tried)


def do_record_logout(user: User, meta: RequestMeta) -> None:
    capture.record(EventType.LOGOUT, meta, actor=user)


def do_change_email(user: User, email: str | None, meta: RequestMeta) -> None:
    """Set or clear (None, "") the account's optional email address."""
    with transaction.atomic():
        user.email = User.objects.normalize_email(email) if email else None
        user.save(update_fields=["email"])
        capture.record(EventType.EMAIL_CHANGE, meta, actor=user)


def do_change_password(user: User, *, current: str, new: str, meta: RequestMeta) -> None:
    if not user.check_password(current):
        raise AccountRefused("current", "That is not your current password.")
    _validate_password(new, user, field="new")
    with transaction.atomic():
        user.set_password(new)
        user.save(update_fields=["password"])
        capture.record(EventType.PASSWORD_CHANGE, meta, actor=user)


def do_change_preferences(user: User, *, time_zone: str, meta: RequestMeta) -> None:
    if time_zone not in zoneinfo.available_timezones():
        raise AccountRefused("time_zone", f"“{time_zone}” is not a time zone Candor knows.")
    with transaction.atomic():
        user.time_zone = time_zone
        user.save(update_fields=["time_zone"])
        capture.record(EventType.PREFERENCES_CHANGE, meta, actor=user)


def _validate_password(password: str, user: User, field: str = "password") -> None:
    try:
        password_validation.validate_password(password, user)
    except password_validation.ValidationError as exc:
        raise AccountRefused(field, " ".join(exc.messages)) from exc


def _taken_message(name: str) -> str:
    return (
        f"The username \u201c{name}\u201d is taken, or looks too much like an existing one. Choose another."
    )
