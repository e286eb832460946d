"""Every write to accounts: one function per act a person can see.

Each act that must stay accountable writes the request's metadata to the private event table
(privacy.capture) in the same transaction; none of it reaches a public table (C25, C38).
"""

import re
import zoneinfo
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.contrib.auth import password_validation
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from candor.accounts import mail, tasks, temporary, throttle, usernames
from candor.accounts.blocks import (
    AUTOBLOCK_DURATION,
    BlockRefused,
    address_hash,
    blocks_of,
    find_target,
    network_label,
    range_number,
)
from candor.accounts.models import MAX_BLOCK_REASON_CHARS, Autoblock, Block, TemporaryAccount, User
from candor.privacy import access, audit, capture, clock
from candor.privacy.access import SECOND_FACTOR_SESSION_KEY
from candor.privacy.capture import RequestMeta
from candor.privacy.models import EventType
from candor.privacy.roles import ACCESS_POLICY_VERSION, AccessPolicyAcceptance, Role, RoleAssignment
from candor.publiclog.actions import record_public_log
from candor.publiclog.models import LogType, rights_change
from candor.publiclog.titles import Namespace, Title


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
    taken = User.objects.filter(username_skeleton=usernames.skeleton(name)).exists()
    if taken or usernames.is_reserved(name):
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
    if user.email:
        tasks.queue_verification(user)
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
    """Set or clear (None, "") the account's optional email address. A new address is unverified until
    its owner follows the link mailed to it (C68); saving the same unverified address mails a new link."""
    address = User.objects.normalize_email(email) if email else None
    changed = address != user.email
    with transaction.atomic():
        if changed:
            user.email, user.email_verified_at = address, None
            user.save(update_fields=["email", "email_verified_at"])
        capture.record(EventType.EMAIL_CHANGE, meta, actor=user)
    if address and user.email_verified_at is None:
        tasks.queue_verification(user)


def do_verify_email(token: str, meta: RequestMeta) -> User:
    """Mark the address a verification link was mailed to as verified; the link then works no more."""
    try:
        user = mail.user_for_verification(token, User.objects)
    except mail.InvalidLink as exc:
        raise AccountRefused("token", str(exc)) from exc
    with transaction.atomic():
        user.email_verified_at = clock.now()
        user.save(update_fields=["email_verified_at"])
        capture.record(EventType.EMAIL_VERIFIED, meta, actor=user)
    return user


RESET_MAIL_INTERVAL = timedelta(minutes=10)


def do_request_password_reset(identifier: str, meta: RequestMeta) -> None:
    """Mail a reset link to every account named by `identifier` (a username or an address) that has a
    verified address (C102). Nothing is recorded and nothing differs for the caller when none matches."""
    name = usernames.canonical(identifier)
    by_name = User.objects.filter(username=name)
    by_address = (
        User.objects.filter(email__iexact=identifier.strip()) if "@" in identifier else User.objects.none()
    )
    now = clock.now()
    recently = Q(last_reset_mail_at__gt=now - RESET_MAIL_INTERVAL)
    for user in (
        (by_name | by_address).filter(is_active=True, email_verified_at__isnull=False).exclude(recently)
    ):
        User.objects.filter(pk=user.pk).update(last_reset_mail_at=now)
        tasks.queue_password_reset(user)


def do_reset_password(*, uid: str, token: str, new: str, meta: RequestMeta) -> User:
    """Set a new password through a reset link, which this use voids (the token hashes the password)."""
    try:
        user = mail.user_for_reset(uid, token, User.objects)
    except mail.InvalidLink as exc:
        raise AccountRefused("token", str(exc)) from exc
    _validate_password(new, user, field="new")
    with transaction.atomic():
        user.set_password(new)
        user.save(update_fields=["password"])
        capture.record(EventType.PASSWORD_RESET, meta, actor=user)
    return user


def do_change_password(user: User, *, current: str, new: str, meta: RequestMeta) -> None:
    if not user.check_password(current):
        raise AccountRefused("current", _("That is not your current password."))
    _validate_password(new, user, field="new")
    with transaction.atomic():
        user.set_password(new)
        user.save(update_fields=["password"])
        capture.record(EventType.PASSWORD_CHANGE, meta, actor=user)


def do_change_preferences(user: User, *, time_zone: str, meta: RequestMeta) -> None:
    if time_zone not in zoneinfo.available_timezones():
        raise AccountRefused(
            "time_zone", _("“%(zone)s” is not a time zone Candor knows.") % {"zone": time_zone}
        )
    with transaction.atomic():
        user.time_zone = time_zone
        user.save(update_fields=["time_zone"])
        capture.record(EventType.PREFERENCES_CHANGE, meta, actor=user)


def do_set_language(user: User, language: str) -> None:
    """The account's interface and mail language (C57; empty: the cookie, else the browser's). Only the field
    holds it: the choice is recorded nowhere else, not even as a private event."""
    if language and language not in dict(settings.LANGUAGES):
        raise AccountRefused(
            "language", _("“%(language)s” is not a language Candor is written in.") % {"language": language}
        )
    user.language = language
    user.save(update_fields=["language"])


def do_set_accepts_user_email(user: User, accepts: bool, meta: RequestMeta) -> None:
    """Whether other users may email this person through Candor (C65; off until they switch it on)."""
    with transaction.atomic():
        user.accepts_user_email = accepts
        user.save(update_fields=["accepts_user_email"])
        capture.record(EventType.PREFERENCES_CHANGE, meta, actor=user)


def _validate_password(password: str, user: User, field: str = "password") -> None:
    try:
        password_validation.validate_password(password, user)
    except password_validation.ValidationError as exc:
        raise AccountRefused(field, " ".join(exc.messages)) from exc


def _taken_message(name: str) -> str:
    return _("The username “%(name)s” is taken, or looks too much like an existing one. Choose another.") % {
        "name": name
    }


def do_grant_role(*, target: User, role: str, reason: str, performer: User | None = None) -> None:
    """Grant a privileged role (C89): on the public rights log (who, whom, which role, when, the public
    reason), and on the privileged-access log when a person (not the operator) granted it."""
    role = Role(role)
    if target.is_temporary:
        raise AccountRefused("role", _("A temporary account cannot hold a privileged role."))
    with transaction.atomic():
        _assignment, created = RoleAssignment.objects.get_or_create(
            user=target, role=role, defaults={"granted_at": clock.now()}
        )
        if not created:
            raise AccountRefused(
                "role",
                _("%(name)s already has the role %(role)s.") % {"name": target.username, "role": role.label},
            )
        _log_rights_change(
            performer, target, rights_change("granted", role), reason, audit.AccessEventType.ROLE_GRANTED
        )


def do_remove_role(*, target: User, role: str, reason: str, performer: User | None = None) -> None:
    role = Role(role)
    with transaction.atomic():
        if not RoleAssignment.objects.filter(user=target, role=role).delete()[0]:
            raise AccountRefused(
                "role",
                _("%(name)s does not have the role %(role)s.")
                % {"name": target.username, "role": role.label},
            )
        _log_rights_change(
            performer, target, rights_change("removed", role), reason, audit.AccessEventType.ROLE_REMOVED
        )


def _log_rights_change(performer, target, change, reason, event_type) -> None:
    page = Title(Namespace.USER, target.username)
    record_public_log(
        log_type=LogType.RIGHTS, action=change, performer=performer, target=page, comment=reason
    )
    if performer is not None:
        audit.append(event_type=event_type, actor=performer, target=f"user:{target.pk}", reason=reason)


def do_accept_access_policy(user: User) -> None:
    """Record that `user` accepted the current access policy (C90), with its version and the time."""
    with transaction.atomic():
        AccessPolicyAcceptance.objects.get_or_create(
            user=user, version=ACCESS_POLICY_VERSION, defaults={"accepted_at": clock.now()}
        )
        audit.append(
            event_type=audit.AccessEventType.POLICY_ACCEPTED,
            actor=user,
            target=f"policy:{ACCESS_POLICY_VERSION}",
            reason="accepted the access policy",
        )


def do_enrol_second_factor(user: User) -> TOTPDevice:
    """The privileged user's authenticator: the confirmed one, else the one being enrolled, else a new one
    whose key the enrolment page shows once."""
    device = TOTPDevice.objects.filter(user=user).order_by("-confirmed", "id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator", confirmed=False)
    return device


def do_pass_second_factor(request, device: TOTPDevice) -> None:
    """Mark the session as having passed the second factor now, and confirm a newly enrolled device."""
    with transaction.atomic():
        if not device.confirmed:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
        audit.append(
            event_type=audit.AccessEventType.SECOND_FACTOR,
            actor=request.user,
            target=f"user:{request.user.pk}",
            reason="passed the second factor",
        )
    request.session[SECOND_FACTOR_SESSION_KEY] = clock.now().isoformat()


# --- Blocks (C48); the rules and the check on every save are in blocks.py -----------------------------------


def _check_block_reason(reason: str) -> str:
    try:
        return access.check_reason(
            reason,
            min_words=1,
            max_chars=MAX_BLOCK_REASON_CHARS,
            too_short=_("Give a reason: it is shown in the public block log and to the blocked."),
        )
    except ValueError as refusal:
        raise BlockRefused("reason", str(refusal)) from refusal


def _refuse_if_blocked(performer: User, now: datetime) -> None:
    if Block.objects.in_effect(now).filter(target_user=performer).exists():
        raise BlockRefused(
            None, _("Your account is blocked, so you cannot block or unblock. Ask another administrator.")
        )


def do_block(
    *,
    performer: User,
    target: str,
    duration: timedelta | None,
    reason: str,
    autoblock: bool = False,
    applies_to_accounts: bool = False,
) -> Block:
    """Block `target` (a username, an address or a range) from editing for `duration` (None: indefinitely,
    accounts only), on the public block log. `autoblock` (accounts): also block, for 24 hours, the last
    address the account used, without anyone seeing it. `applies_to_accounts` (addresses and ranges): stop
    logged-in accounts editing from there too, not only logged-out edits."""
    reason = _check_block_reason(reason)
    found = find_target(target)
    now = clock.now()
    _refuse_if_blocked(performer, now)
    if duration is not None and duration <= timedelta(0):
        raise BlockRefused("duration", _("A block must last a while."))
    fields: dict = {"performer": performer, "reason": reason, "created_at": now}
    fields["expires_at"] = None if duration is None else now + duration
    if isinstance(found, User):
        if applies_to_accounts:
            raise BlockRefused(
                "applies_to_accounts", _("“Also logged-in accounts” is for address and range blocks only.")
            )
        fields.update(target_user=found, autoblock=autoblock)
    else:
        if duration is None:
            raise BlockRefused(
                "duration",
                _(
                    "An address or range can be blocked only for a limited time: addresses change hands, and "
                    "an indefinite block would fall on whoever has the address next."
                ),
            )
        if autoblock:
            raise BlockRefused("autoblock", _("Autoblock is for account blocks only."))
        fields.update(
            network=network_label(found),
            ip_version=found.version,
            range_start=range_number(found.network_address),
            range_end=range_number(found.broadcast_address),
            applies_to_accounts=applies_to_accounts,
        )
    with transaction.atomic():
        existing = blocks_of(found, now).first()
        if existing is not None:
            problem = _("%(target)s is already blocked (%(reason)s). Unblock first to change the block.")
            raise BlockRefused(
                "target", problem % {"target": existing.target_label, "reason": existing.reason}
            )
        block = Block.objects.create(**fields)
        made = _make_autoblock(block, now) if autoblock else None
        record_public_log(
            log_type=LogType.BLOCK,
            action="blocked",
            performer=performer,
            target=block.target_title,
            comment=_log_comment(block, made),
        )
    return block


def _make_autoblock(block: Block, now: datetime) -> Autoblock:
    expires_at = now + AUTOBLOCK_DURATION
    if block.expires_at is not None:
        expires_at = min(expires_at, block.expires_at)
    # Read for the administrator, never shown, on the record (C88): only its keyed hash leaves privacy.
    digest = access.digest_last_address(
        block.performer, block.target_user, reason=block.reason, digest=address_hash
    )
    return Autoblock.objects.create(block=block, address_hash=digest, created_at=now, expires_at=expires_at)


def _log_comment(block: Block, autoblock: Autoblock | None) -> str:
    if block.expires_at is None:
        terms = ["indefinitely"]
    else:
        terms = [f"until {block.expires_at.astimezone(UTC):%Y-%m-%d %H:%M} UTC"]
    if autoblock is not None:
        terms.append(f"with Autoblock #{autoblock.pk}")
    if block.network:
        terms.append("also logged-in accounts" if block.applies_to_accounts else "logged-out edits only")
    return f"{', '.join(terms)}: {block.reason}"


_AUTOBLOCK_REFERENCE = re.compile(r"^(?:autoblock\s*)?#(\d+)$", re.IGNORECASE)


def do_unblock(*, performer: User, target: str, reason: str) -> None:
    """Lift the block in effect on `target` (a username, an address, a range), with its autoblocks; or,
    for "#<id>", that autoblock alone (for someone else caught at the address). On the public block log."""
    reason = _check_block_reason(reason)
    now = clock.now()
    _refuse_if_blocked(performer, now)
    reference = _AUTOBLOCK_REFERENCE.match(target.strip())
    with transaction.atomic():
        if reference is not None:
            autoblock = (
                Autoblock.objects.select_related("block__target_user")
                .filter(pk=int(reference.group(1)), expires_at__gt=now)
                .first()
            )
            if autoblock is None:
                raise BlockRefused(
                    "target",
                    _("There is no Autoblock #%(number)s in effect.") % {"number": reference.group(1)},
                )
            autoblock.delete()
            record_public_log(
                log_type=LogType.BLOCK,
                action=f"lifted Autoblock #{reference.group(1)} of",
                performer=performer,
                target=autoblock.block.target_title,
                comment=reason,
            )
            return
        found = find_target(target)
        block = blocks_of(found, now).select_related("target_user").first()
        if block is None:
            label = found.username if isinstance(found, User) else network_label(found)
            raise BlockRefused("target", _("%(target)s is not blocked.") % {"target": label})
        block.lifted_at, block.lifted_by = now, performer
        block.save(update_fields=["lifted_at", "lifted_by"])
        block.autoblocks.all().delete()
        record_public_log(
            log_type=LogType.BLOCK, action="unblocked", performer=performer, target=block.target_title,
            comment=reason,
        )  # fmt: skip


def do_attribute_to_temporary_account(browser: "temporary.Browser | None") -> User:
    """The temporary account a logged-out edit is attributed to (issue 18): the browser's own while it has
    not expired, else a new one, `~<year>-<serial>`, with no password, in the public new-users log as an
    automatic creation. Call it inside the edit's transaction, so that a refused edit creates nothing."""
    browser = browser or temporary.Browser.fresh()
    now = clock.now()
    account = temporary.current_account(browser, now)
    if account is None:
        year = now.year
        serial = TemporaryAccount.objects.filter(user__username__startswith=f"~{year}-").count() + 1
        while True:
            name = temporary.format_name(year, serial)
            try:
                with transaction.atomic():
                    user = User(username=name, username_skeleton=name, date_joined=now)
                    user.set_unusable_password()
                    user.save()
                    break
            except IntegrityError:
                serial += 1  # taken by a concurrent first edit
        account = TemporaryAccount.objects.create(
            user=user, browser_digest=browser.digest, created_at=now, expires_at=now + temporary.lifetime()
        )
        record_public_log(
            log_type=LogType.NEWUSERS, action="autocreate", performer=user, target=Title(Namespace.USER, name)
        )
    browser.account = account
    return account.user
