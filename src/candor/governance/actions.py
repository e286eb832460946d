"""Every governance write: policy changes, announcements, ownership-transfer notices, legal demands,
emergency disclosures and messages to the privacy contact.

The promised notice periods cannot be skipped by accident: each move checks its state and its dates here,
refuses with GovernanceRefused (nothing written) when a period has not passed, a language is missing or
nobody was told, and otherwise writes the row, one entry on the privileged-access log and queues its mail
in one transaction. Periods are counted in calendar days (periods.py). Disclosures go through
privacy.disclosure.disclose(), which this module calls only once a demand is disclosable: the check lives
here, so that the privacy engine imports nothing of governance.
"""

import json
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string

from candor.accounts.blocks import account_is_blocked
from candor.accounts.mail import verified_email
from candor.governance import announce_list, queries
from candor.governance.models import (
    Announcement,
    AnnouncementKind,
    AnnounceSubscriber,
    Assessment,
    ChangeKind,
    ChangeStatus,
    ContactMessage,
    DemandStatus,
    EmergencyDisclosure,
    EmergencyStatus,
    LegalDemand,
    NoticeException,
    OwnershipTransfer,
    PolicyComment,
    PolicyTranslation,
    PolicyUse,
    PolicyVersion,
    TransferStatus,
)
from candor.governance.periods import (
    COMMENT_PERIOD_DAYS,
    LEGAL_NOTICE_DAYS,
    MIN_PROPOSAL_LANGUAGES,
    MINOR_NOTICE_DAYS,
    TRANSFER_NOTICE_DAYS,
    day_after,
    today,
)
from candor.notify.mail import send_administrative
from candor.privacy import access, audit, clock, register
from candor.privacy.disclosure import Basis, ProtectionReason, disclose
from candor.privacy.register import Visibility
from candor.privacy.roles import Role

MIN_REASON_WORDS = 3
MAX_COMMENT_CHARS = 10_000
# What a disclosure package can hold: the account's own fields (never a secret one), and the addresses and
# browsers it used, read through privacy.access (which logs the lookup).
ADDRESSES_FIELD = "privacy.PrivateEvent.sealed"


class GovernanceRefused(ValueError):
    """The move is not allowed now, or not as asked; nothing was written. The message says why."""


def _require_role(actor, role: Role) -> None:
    if str(role) not in access.roles_of(actor):
        raise GovernanceRefused(f"Only a {role.label.lower()} may do this.")


def _words(text: str, what: str) -> str:
    text = " ".join((text or "").split())
    if len(text.split()) < MIN_REASON_WORDS:
        raise GovernanceRefused(f"Write {what} of at least {MIN_REASON_WORDS} words.")
    return text


def _log(actor, event_type, target: str, reason: str, count: int | None = None) -> None:
    audit.append(event_type=event_type, actor=actor, target=target, reason=reason, result_count=count)


def _announce(kind: AnnouncementKind, subject: str, body: str, link: str) -> Announcement:
    """Post to the announce feed; once the post commits, queue the mail to every verified address and the
    administrative notification to every account's inbox (C64)."""
    from candor.governance import tasks
    from candor.notify import tasks as notify_tasks

    announcement = Announcement.objects.create(
        kind=kind, subject=subject, body=body, link=link, at=clock.now()
    )
    transaction.on_commit(lambda: tasks.mail_announcement(announcement.pk))
    transaction.on_commit(lambda: notify_tasks.notify_announcement(announcement.pk))
    queries.forget_notices()
    return announcement


# --- Policy versions and changes (C114-C122) -----------------------------------------------------------


def _policy_log(actor, version: PolicyVersion, move: str) -> None:
    _log(actor, audit.AccessEventType.POLICY_CHANGE, f"policy:{version.number}", move)


def do_draft_policy_change(actor, *, kind: str, summary: str, text: str) -> PolicyVersion:
    """A new draft, in English (the original that prevails, C12), with the next version number."""
    _require_role(actor, Role.ADMINISTRATOR)
    if kind not in (ChangeKind.SUBSTANTIAL, ChangeKind.MINOR):
        raise GovernanceRefused("A change is substantial or minor.")
    summary = " ".join((summary or "").split())
    if not summary or not (text or "").strip():
        raise GovernanceRefused("A draft needs a summary of what changes and the full English text.")
    with transaction.atomic():
        latest = PolicyVersion.objects.select_for_update().order_by("-number").first()
        version = PolicyVersion.objects.create(
            number=(latest.number if latest else 0) + 1, language="en", text=text, kind=kind,
            status=ChangeStatus.DRAFT, summary=summary, drafted_at=clock.now(),
        )  # fmt: skip
        _policy_log(actor, version, f"drafted a {kind} change: {summary}")
    return version


def do_add_translation(actor, version: PolicyVersion, *, language: str, text: str) -> PolicyTranslation:
    _require_role(actor, Role.ADMINISTRATOR)
    language = (language or "").strip().lower()
    if version.status != ChangeStatus.DRAFT:
        raise GovernanceRefused("Only a draft's texts can change; a published version is never rewritten.")
    if not language or language == "en" or len(language) > 16:
        raise GovernanceRefused("Give the language code of a translation (the English text is the draft's).")
    if not (text or "").strip():
        raise GovernanceRefused("A translation needs its full text.")
    with transaction.atomic():
        translation, _ = PolicyTranslation.objects.update_or_create(
            version=version, language=language, defaults={"text": text}
        )
        _policy_log(actor, version, f"added or replaced the {language} text")
    return translation


def do_open_comment(actor, version: PolicyVersion, *, closes_on) -> PolicyVersion:
    """Announce a substantial change on the site and the announce list, and open its comment period (C117,
    C118, C119): at least three languages, at least 30 calendar days; the notice comes first."""
    _require_role(actor, Role.ADMINISTRATOR)
    if version.kind != ChangeKind.SUBSTANTIAL or version.status != ChangeStatus.DRAFT:
        raise GovernanceRefused("Only a draft of a substantial change can be opened for comment.")
    languages = {"en", *version.translations.values_list("language", flat=True)}
    if len(languages) < MIN_PROPOSAL_LANGUAGES:
        raise GovernanceRefused(
            f"A substantial change is published in at least {MIN_PROPOSAL_LANGUAGES} languages; this draft "
            f"has {len(languages)} ({', '.join(sorted(languages))})."
        )
    earliest = day_after(today(), COMMENT_PERIOD_DAYS)
    if closes_on < earliest:
        raise GovernanceRefused(
            f"The comment period lasts at least {COMMENT_PERIOD_DAYS} calendar days: it can close on "
            f"{earliest:%Y-%m-%d} at the earliest."
        )
    with transaction.atomic():
        _announce(
            AnnouncementKind.SUBSTANTIAL_CHANGE,
            f"Proposed change to the privacy policy (version {version.number}): comments open",
            f"{version.summary}\n\nRead the proposal in {', '.join(sorted(languages))} and comment until "
            f"{closes_on:%Y-%m-%d} (comments close at 00:00 UTC that day).",
            f"/privacy/versions?number={version.number}",
        )
        # The notice is posted and its mail queued before the period opens, in this transaction (C119).
        version.announced_at = clock.now()
        version.comment_closes_on = closes_on
        version.status = ChangeStatus.IN_COMMENT
        version.save(update_fields=["announced_at", "comment_closes_on", "status"])
        _policy_log(actor, version, f"announced and opened comments until {closes_on:%Y-%m-%d}")
    return version


def do_comment(user, version: PolicyVersion, *, text: str) -> PolicyComment:
    """A public comment on a proposal, while its period is open (C117)."""
    text = (text or "").strip()
    if account_is_blocked(user):
        raise GovernanceRefused("Your account is blocked: you cannot comment while the block lasts.")
    if version.status != ChangeStatus.IN_COMMENT or today() >= version.comment_closes_on:
        raise GovernanceRefused("Comments on this version are closed.")
    if not text or len(text) > MAX_COMMENT_CHARS:
        raise GovernanceRefused(f"Write a comment of at most {MAX_COMMENT_CHARS} characters.")
    return PolicyComment.objects.create(version=version, user=user, text=text, at=clock.now())


def _check_effective_date(effective_on) -> None:
    if effective_on < today():
        raise GovernanceRefused("A version cannot take effect in the past.")
    latest = PolicyVersion.objects.filter(status=ChangeStatus.ADOPTED).order_by("-effective_on").first()
    if latest is not None and effective_on <= latest.effective_on:
        raise GovernanceRefused(
            f"Version {latest.number} takes effect on {latest.effective_on:%Y-%m-%d}; a new version takes "
            "effect after it, so that the archive's ranges follow one another."
        )


def _adopt(actor, version: PolicyVersion, approved_by: str, effective_on, move: str) -> None:
    version.approved_by = " ".join((approved_by or "").split())
    if not version.approved_by:
        raise GovernanceRefused("Name who approved this version (C115).")
    version.approved_on = today()
    version.effective_on = effective_on
    version.adopted_at = clock.now()
    version.status = ChangeStatus.ADOPTED
    version.save()
    _policy_log(
        actor, version, f"{move}; approved by {version.approved_by}, effective {effective_on:%Y-%m-%d}"
    )
    queries.forget_notices()


def do_adopt_substantial(actor, version: PolicyVersion, *, approved_by: str, effective_on) -> PolicyVersion:
    """Approve a proposal once its comment period has closed; it takes effect on `effective_on` (C117)."""
    _require_role(actor, Role.ADMINISTRATOR)
    if version.kind != ChangeKind.SUBSTANTIAL or version.status != ChangeStatus.IN_COMMENT:
        raise GovernanceRefused("Only a proposal that went through its comment period can be adopted.")
    if today() < version.comment_closes_on:
        raise GovernanceRefused(
            f"The comment period is open until {version.comment_closes_on:%Y-%m-%d}; it cannot be cut short."
        )
    _check_effective_date(effective_on)
    with transaction.atomic():
        _adopt(actor, version, approved_by, effective_on, "adopted after its comment period")
    return version


def do_adopt_minor(
    actor, version: PolicyVersion, *, approved_by: str, effective_on, override: str = ""
) -> PolicyVersion:
    """Post a minor change on the announce list with at least 3 calendar days' notice, or with the recorded
    reason why that was not possible (C120)."""
    _require_role(actor, Role.ADMINISTRATOR)
    if version.kind != ChangeKind.MINOR or version.status != ChangeStatus.DRAFT:
        raise GovernanceRefused("Only a draft of a minor change can be posted this way.")
    override = " ".join((override or "").split())
    earliest = day_after(today(), MINOR_NOTICE_DAYS)
    if effective_on < earliest and not override:
        raise GovernanceRefused(
            f"A minor change is announced at least {MINOR_NOTICE_DAYS} calendar days ahead: it can take "
            f"effect on {earliest:%Y-%m-%d} at the earliest, unless you record why that is not possible."
        )
    if override:
        _words(override, "why the notice could not be given")
    _check_effective_date(effective_on)
    with transaction.atomic():
        _announce(
            AnnouncementKind.MINOR_CHANGE,
            f"Minor change to the privacy policy (version {version.number}), "
            f"effective {effective_on:%Y-%m-%d}",
            version.summary + (f"\n\nPosted with less notice than usual: {override}" if override else ""),
            f"/privacy/versions?number={version.number}",
        )
        version.announced_at = clock.now()
        version.notice_override = override
        _adopt(
            actor,
            version,
            approved_by,
            effective_on,
            "posted a minor change" + (" (override)" * bool(override)),
        )
    return version


def do_withdraw(actor, version: PolicyVersion, *, reason: str) -> PolicyVersion:
    _require_role(actor, Role.ADMINISTRATOR)
    reason = _words(reason, "why the change is withdrawn")
    if version.status not in (ChangeStatus.DRAFT, ChangeStatus.IN_COMMENT):
        raise GovernanceRefused("Only a draft or a proposal open for comment can be withdrawn.")
    with transaction.atomic():
        version.status = ChangeStatus.WITHDRAWN
        version.withdrawn_at = clock.now()
        version.save(update_fields=["status", "withdrawn_at"])
        _policy_log(actor, version, f"withdrawn: {reason}")
        queries.forget_notices()
    return version


def do_record_policy_use(user, version: PolicyVersion) -> bool:
    """Note that `user` used Candor while `version` was in force (C121); True the first time."""
    _, created = PolicyUse.objects.get_or_create(
        user=user, version=version, defaults={"first_used_at": clock.now()}
    )
    return created


# --- The announce list's subscribers without an account (C125) -------------------------------------------


def do_subscribe(email: str) -> None:
    """Ask for a confirmation mail. The answer never says whether the address was on the list already, and
    a confirmed subscriber is not mailed again."""
    from candor.governance import tasks

    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise GovernanceRefused("Give an email address, such as name@example.org.") from None
    now = clock.now()
    with transaction.atomic():
        subscriber, created = AnnounceSubscriber.objects.select_for_update().get_or_create(
            email=email, defaults={"requested_at": now}
        )
        if subscriber.confirmed_at is not None:
            return
        subscriber.requested_at = now
        subscriber.unconfirmed_until = now + timedelta(hours=announce_list.CONFIRM_HOURS)
        subscriber.save(update_fields=["requested_at", "unconfirmed_until"])
        transaction.on_commit(lambda: tasks.mail_subscription_confirmation(email))


def do_confirm_subscription(token: str) -> None:
    """announce_list.InvalidLink if the link is bad or expired, or the request is gone."""
    email = announce_list.address_to_confirm(token)
    updated = AnnounceSubscriber.objects.filter(email=email, unconfirmed_until__gt=clock.now()).update(
        confirmed_at=clock.now(), unconfirmed_until=None
    )
    if (
        not updated
        and not AnnounceSubscriber.objects.filter(email=email, confirmed_at__isnull=False).exists()
    ):
        raise announce_list.InvalidLink("This confirmation link has expired: subscribe again for a new one.")


def do_unsubscribe(token: str) -> None:
    """Remove the address from the list, whatever its state; announce_list.InvalidLink if the link is bad."""
    AnnounceSubscriber.objects.filter(email=announce_list.address_to_remove(token)).delete()


# --- Ownership transfer (C84) ---------------------------------------------------------------------------


def do_announce_transfer(actor, *, description: str, transfer_on) -> OwnershipTransfer:
    """Announce a transfer to new owners or a move to a different policy, at least 30 calendar days ahead."""
    _require_role(actor, Role.ADMINISTRATOR)
    description = _words(description, "what changes and for whom")
    earliest = day_after(today(), TRANSFER_NOTICE_DAYS)
    if transfer_on < earliest:
        raise GovernanceRefused(
            f"A transfer is announced at least {TRANSFER_NOTICE_DAYS} calendar days ahead: the earliest date "
            f"is {earliest:%Y-%m-%d}."
        )
    with transaction.atomic():
        transfer = OwnershipTransfer.objects.create(
            description=description, transfer_on=transfer_on, status=TransferStatus.ANNOUNCED,
            announced_at=clock.now(),
        )  # fmt: skip
        _announce(
            AnnouncementKind.OWNERSHIP_TRANSFER,
            "Notice: personal information may move to new owners or a different policy on "
            f"{transfer_on:%Y-%m-%d}",
            f"{description}\n\nUntil that day every rule of the current privacy policy stays in force.",
            "/privacy/announcements",
        )
        _log(
            actor,
            audit.AccessEventType.POLICY_CHANGE,
            f"transfer:{transfer.pk}",
            f"announced for {transfer_on}",
        )
    return transfer


def do_cancel_transfer(actor, transfer: OwnershipTransfer, *, reason: str) -> OwnershipTransfer:
    _require_role(actor, Role.ADMINISTRATOR)
    reason = _words(reason, "why the transfer is cancelled")
    if transfer.status != TransferStatus.ANNOUNCED:
        raise GovernanceRefused("This transfer is already cancelled.")
    with transaction.atomic():
        transfer.status, transfer.cancelled_at = TransferStatus.CANCELLED, clock.now()
        transfer.save(update_fields=["status", "cancelled_at"])
        _log(actor, audit.AccessEventType.POLICY_CHANGE, f"transfer:{transfer.pk}", f"cancelled: {reason}")
        queries.forget_notices()
    return transfer


def transfer_exportable_from(transfer: OwnershipTransfer):
    """The first calendar day personal data may move to the new owners: t0 + 30 calendar days (C84)."""
    return day_after(transfer.announced_at, TRANSFER_NOTICE_DAYS)


def do_org_transfer_export(actor, transfer: OwnershipTransfer, *, fields, recipient: str) -> bytes:
    """The bulk export of `fields` of every account to the new owners, on the org_transfer basis (C76, C84):
    refused before day 30 from the notice, or once the transfer is cancelled; otherwise recorded on the
    disclosure log (and so on the privileged-access log) and returned as a package. Every account is a
    subject, whether or not it holds data in the fields named."""
    _require_role(actor, Role.LEGAL_OFFICER)
    if transfer.status != TransferStatus.ANNOUNCED:
        raise GovernanceRefused("This transfer was cancelled: nothing moves to new owners.")
    start = transfer_exportable_from(transfer)
    if today() < start:
        raise GovernanceRefused(
            f"The {TRANSFER_NOTICE_DAYS}-day notice period runs until {start:%Y-%m-%d} 00:00 UTC: until then "
            "every confidentiality rule stays in force and no personal data moves."
        )
    fields = _field_list(fields)
    recipient = " ".join((recipient or "").split())
    if not recipient:
        raise GovernanceRefused("Name the new owners who receive the data.")
    subjects = list(get_user_model().objects.order_by("pk"))
    return disclose(
        basis=Basis.ORG_TRANSFER, operator=actor, subjects=subjects, fields=fields, recipient=recipient,
        justification=f"ownership transfer {transfer.pk} announced {transfer.announced_at:%Y-%m-%d}: "
                      f"{transfer.description}",
        produce=lambda: _package(actor, subjects, fields, f"ownership transfer {transfer.pk}"),
    )  # fmt: skip


# --- The privacy contact (C123) -------------------------------------------------------------------------


def do_send_contact_message(*, reply_to: str, message: str) -> ContactMessage:
    """File a message in the privacy queue (C123), a privacy problem reported (C63) or a question, and once it
    is filed, tell the privacy contact that it waits."""
    from candor.governance import tasks

    message = (message or "").strip()
    if not message or len(message) > MAX_COMMENT_CHARS:
        raise GovernanceRefused(f"Write a message of at most {MAX_COMMENT_CHARS} characters.")
    with transaction.atomic():
        contact_message = ContactMessage.objects.create(
            reply_to=(reply_to or "").strip(), message=message, at=clock.now()
        )
        message_id = contact_message.pk
        transaction.on_commit(
            lambda: tasks.tell_privacy_contact(message_id)
        )  # C63: a report reaches a person
    return contact_message


# --- Legal demands (C76-C83) and emergency disclosures (C85) ---------------------------------------------


def packageable_fields() -> set[str]:
    """The data map fields a disclosure package can hold."""
    account = next(table for table in register.tables() if table.model == settings.AUTH_USER_MODEL)
    own = {
        f"{account.model}.{name}"
        for name, field in account.fields.items()
        if field.visibility != Visibility.SECRET
    }
    return own | {ADDRESSES_FIELD}


def _field_list(fields: Iterable[str] | str) -> list[str]:
    if isinstance(fields, str):
        fields = fields.replace("\n", ",").split(",")
    names = sorted({name.strip() for name in fields if name.strip()})
    if not names:
        raise GovernanceRefused("Name the data asked for, as the data map names it (app.Model.field).")
    unknown = set(names) - packageable_fields()
    if unknown:
        raise GovernanceRefused(f"Not something Candor can disclose: {', '.join(sorted(unknown))}.")
    return names


def _accounts(usernames: Iterable[str] | str) -> list:
    if isinstance(usernames, str):
        usernames = usernames.replace("\n", ",").split(",")
    names = {name.strip() for name in usernames if name.strip()}
    found = list(get_user_model().objects.filter(username__in=names))
    if missing := names - {user.username for user in found}:
        raise GovernanceRefused(f"No account is named {', '.join(sorted(missing))}.")
    return found


def _demand_log(actor, demand: LegalDemand, move: str) -> None:
    _log(
        actor,
        audit.AccessEventType.LEGAL_DEMAND,
        f"legal_demand:{demand.pk}",
        move,
        len(demand.subjects.all()),
    )


def do_record_demand(actor, *, kind: str, issuer: str, jurisdiction: str, accounts, addresses: str,
                     fields, deadline) -> LegalDemand:  # fmt: skip
    _require_role(actor, Role.LEGAL_OFFICER)
    issuer, jurisdiction = " ".join((issuer or "").split()), " ".join((jurisdiction or "").split())
    if not issuer or not jurisdiction:
        raise GovernanceRefused("Record who issued the demand and in which jurisdiction.")
    subjects = _accounts(accounts)
    if not subjects:
        raise GovernanceRefused("Name the accounts the demand concerns.")
    with transaction.atomic():
        demand = LegalDemand.objects.create(
            kind=kind, issuer=issuer, jurisdiction=jurisdiction, named_addresses=(addresses or "").strip(),
            fields_requested=",".join(_field_list(fields)), deadline=deadline, received_at=clock.now(),
        )  # fmt: skip
        demand.subjects.set(subjects)
        _demand_log(actor, demand, f"recorded a {kind} from {issuer}")
    return demand


def do_assess_demand(
    actor, demand: LegalDemand, *, assessment: str, reasons: str, fields_covered=()
) -> LegalDemand:
    """Judge a demand before anything else can happen (C78): invalid ones are contested and closed (C82);
    an overbroad one is answered only for the fields the assessment covers."""
    _require_role(actor, Role.LEGAL_OFFICER)
    if demand.status != DemandStatus.RECEIVED:
        raise GovernanceRefused("This demand has been assessed already.")
    reasons = _words(reasons, "the reasons for the assessment")
    requested = demand.fields_requested.split(",")
    if assessment == Assessment.VALID:
        covered = requested
    elif assessment == Assessment.OVERBROAD:
        covered = _field_list(fields_covered)
        if not set(covered) < set(requested):
            raise GovernanceRefused(
                "An overbroad demand is answered for part of the fields it asks for only."
            )
    elif assessment == Assessment.INVALID:
        covered = []
    else:
        raise GovernanceRefused("A demand is assessed valid, overbroad or invalid.")
    now = clock.now()
    with transaction.atomic():
        demand.assessment, demand.assessment_reasons, demand.assessed_at = assessment, reasons, now
        demand.fields_covered = ",".join(covered)
        if assessment == Assessment.INVALID:
            demand.status, demand.contested_at = DemandStatus.CONTESTED, now
        else:
            demand.status = DemandStatus.ASSESSED
        demand.save()
        _demand_log(actor, demand, f"assessed {assessment}: {reasons}")
    return demand


def do_send_legal_notice(actor, demand: LegalDemand) -> LegalDemand:
    """Email every account the demand names, at least 10 calendar days before disclosure (C79, C83)."""
    _require_role(actor, Role.LEGAL_OFFICER)
    if demand.status != DemandStatus.ASSESSED:
        raise GovernanceRefused("Notice follows a valid or overbroad assessment, and is sent once.")
    subjects = list(demand.subjects.order_by("pk"))
    if any(verified_email(user) is None for user in subjects):
        raise GovernanceRefused(
            "An account named has no confirmed email address: record the no-email exception instead (C80)."
        )
    disclose_from = day_after(today(), LEGAL_NOTICE_DAYS)
    already = set(demand.notified.values_list("pk", flat=True))
    for user in subjects:
        if user.pk in already:
            continue  # mailed by an attempt that the relay cut short
        body = render_to_string(
            "governance/email/legal_notice.txt",
            {"demand": demand, "fields": demand.fields_covered.split(","), "disclose_from": disclose_from,
             "contact": settings.CANDOR_PRIVACY_CONTACT, "site": settings.CANDOR_SITE_URL},
        )  # fmt: skip
        try:
            send_administrative(user.pk, "A legal demand for information about your Candor account", body)
        except OSError as exc:
            raise GovernanceRefused(
                f"The notice could not be mailed to every account ({exc}); try again: those already mailed "
                "will not be mailed twice."
            ) from exc
        demand.notified.add(user)
    with transaction.atomic():
        demand.status, demand.notice_sent_at, demand.users_notified = (
            DemandStatus.NOTICE_SENT, clock.now(), len(subjects),
        )  # fmt: skip
        demand.save(update_fields=["status", "notice_sent_at", "users_notified"])
        _demand_log(actor, demand, f"notice mailed to {len(subjects)} account(s)")
    return demand


def do_claim_exception(actor, demand: LegalDemand, *, exception: str, justification: str) -> LegalDemand:
    """Record one of the three reasons to skip the notice (C80); a second legal officer must approve it."""
    _require_role(actor, Role.LEGAL_OFFICER)
    if demand.status != DemandStatus.ASSESSED:
        raise GovernanceRefused("An exception to notice is claimed after assessment, instead of the notice.")
    if exception not in NoticeException.values:
        raise GovernanceRefused(
            "The only exceptions are a legal restraint, a threat to life or limb, or no email."
        )
    justification = _words(justification, "a justification")
    if exception == NoticeException.NO_EMAIL and any(verified_email(user) for user in demand.subjects.all()):
        raise GovernanceRefused("An account named has a confirmed email address: it must be notified.")
    with transaction.atomic():
        demand.exception, demand.exception_justification = exception, justification
        demand.exception_claimed_by, demand.exception_claimed_at = actor, clock.now()
        demand.status = DemandStatus.EXCEPTION_CLAIMED
        demand.save()
        _demand_log(actor, demand, f"claimed the exception {exception}: {justification}")
    return demand


def do_approve_exception(actor, demand: LegalDemand) -> LegalDemand:
    _require_role(actor, Role.LEGAL_OFFICER)
    if demand.status != DemandStatus.EXCEPTION_CLAIMED:
        raise GovernanceRefused("No exception to notice awaits approval on this demand.")
    if demand.exception_claimed_by_id == actor.pk:
        raise GovernanceRefused("A second legal officer, not the one who claimed it, approves an exception.")
    with transaction.atomic():
        demand.exception_approved_by, demand.exception_approved_at = actor, clock.now()
        demand.status = DemandStatus.EXCEPTION_APPROVED
        demand.save(update_fields=["exception_approved_by", "exception_approved_at", "status"])
        _demand_log(actor, demand, f"approved the exception {demand.exception}")
    return demand


def do_contest(actor, demand: LegalDemand, *, reasons: str) -> LegalDemand:
    """Fight a demand found valid before, now judged invalid or abusive (C82): closed, never disclosed."""
    _require_role(actor, Role.LEGAL_OFFICER)
    if demand.status in (DemandStatus.RECEIVED, DemandStatus.CONTESTED, DemandStatus.DISCLOSED):
        raise GovernanceRefused(
            "Only a demand assessed valid or overbroad, not yet disclosed, can be contested."
        )
    reasons = _words(reasons, "why the demand is contested")
    with transaction.atomic():
        demand.status, demand.contested_at, demand.later_reasons = (
            DemandStatus.CONTESTED,
            clock.now(),
            reasons,
        )
        demand.save(update_fields=["status", "contested_at", "later_reasons"])
        _demand_log(actor, demand, f"contested: {reasons}")
    return demand


def do_record_user_opposing(actor, demand: LegalDemand) -> LegalDemand:
    """The person notified will oppose the demand themselves (C82): nothing is disclosed meanwhile."""
    _require_role(actor, Role.LEGAL_OFFICER)
    if demand.status != DemandStatus.NOTICE_SENT:
        raise GovernanceRefused(
            "A person's opposition is recorded after they were notified, before disclosure."
        )
    with transaction.atomic():
        demand.status, demand.user_opposing_at = DemandStatus.USER_OPPOSING, clock.now()
        demand.save(update_fields=["status", "user_opposing_at"])
        _demand_log(actor, demand, "the person concerned is opposing it")
    return demand


def do_end_opposition(actor, demand: LegalDemand, *, outcome: str) -> LegalDemand:
    """The person's opposition failed or was withdrawn: the demand may be answered again (C82)."""
    _require_role(actor, Role.LEGAL_OFFICER)
    if demand.status != DemandStatus.USER_OPPOSING:
        raise GovernanceRefused("No opposition is recorded on this demand.")
    outcome = _words(outcome, "how the opposition ended")
    with transaction.atomic():
        demand.status, demand.later_reasons = DemandStatus.NOTICE_SENT, outcome
        demand.save(update_fields=["status", "later_reasons"])
        _demand_log(actor, demand, f"opposition ended: {outcome}")
    return demand


def disclosable_from(demand: LegalDemand):
    """The first calendar day the demand may be answered, or None while it may not be at all."""
    if demand.status == DemandStatus.EXCEPTION_APPROVED:
        return today()
    if demand.status == DemandStatus.NOTICE_SENT:
        return day_after(demand.notice_sent_at, LEGAL_NOTICE_DAYS)
    return None


def _package(actor, subjects, fields: list[str], reason: str) -> bytes:
    """The disclosed data as JSON: only `fields`, only for `subjects`."""
    own = [name.rsplit(".", 1)[1] for name in fields if name != ADDRESSES_FIELD]
    accounts = []
    for user in sorted(subjects, key=lambda user: user.pk):
        entry = {"account": user.pk, **{name: getattr(user, name) for name in own}}
        if ADDRESSES_FIELD in fields:
            entry["addresses"] = [
                {"ip": seen.ip, "user_agent": seen.user_agent, "first_seen": seen.first_seen,
                 "last_seen": seen.last_seen, "actions": seen.actions}
                for seen in access.reveal_account_addresses(actor, user, reason=reason)
            ]  # fmt: skip
        accounts.append(entry)
    return json.dumps({"fields": fields, "accounts": accounts}, default=str, indent=2).encode()


def do_disclose_demand(actor, demand: LegalDemand) -> bytes:
    """Answer a valid demand once its notice period has passed or an exception was approved (C78-C80): only
    the fields the assessment covers, through the disclosure log, as a package."""
    _require_role(actor, Role.LEGAL_OFFICER)
    start = disclosable_from(demand)
    if start is None:
        raise GovernanceRefused(
            f"This demand cannot be disclosed in its state: {demand.get_status_display()}."
        )
    if today() < start:
        raise GovernanceRefused(
            f"The {LEGAL_NOTICE_DAYS}-day notice period runs until {start:%Y-%m-%d} 00:00 UTC: nothing is "
            "disclosed before."
        )
    subjects, fields = list(demand.subjects.all()), demand.fields_covered.split(",")
    ground = (
        demand.get_exception_display()
        if demand.exception
        else f"notice mailed {demand.notice_sent_at:%Y-%m-%d}"
    )
    justification = f"{demand.get_kind_display()} of {demand.issuer} ({demand.jurisdiction}), assessed " \
                    f"{demand.assessment}: {demand.assessment_reasons}; {ground}"  # fmt: skip
    package = disclose(
        basis=Basis.LEGAL_PROCESS, operator=actor, subjects=subjects, fields=fields, recipient=demand.issuer,
        justification=justification, legal_request_ref=f"legal_demand:{demand.pk}",
        produce=lambda: _package(actor, subjects, fields, f"legal demand {demand.pk}: {demand.issuer}"),
    )  # fmt: skip
    with transaction.atomic():
        demand.status, demand.disclosed_at = DemandStatus.DISCLOSED, clock.now()
        demand.save(update_fields=["status", "disclosed_at"])
        _demand_log(actor, demand, "disclosed")
    return package


def do_request_emergency(
    actor, *, reason: str, justification: str, recipient: str, accounts, fields
) -> EmergencyDisclosure:
    """Ask to disclose what is reasonably necessary to protect people, the platform or the public (C85)."""
    _require_role(actor, Role.LEGAL_OFFICER)
    if reason not in ProtectionReason.values:
        raise GovernanceRefused("Choose why the disclosure is necessary.")
    justification = _words(justification, "a justification")
    recipient = " ".join((recipient or "").split())
    subjects = _accounts(accounts)
    if not recipient or not subjects:
        raise GovernanceRefused("Name the recipient and the accounts concerned.")
    with transaction.atomic():
        emergency = EmergencyDisclosure.objects.create(
            reason=reason, justification=justification, recipient=recipient,
            fields=",".join(_field_list(fields)), requested_by=actor, requested_at=clock.now(),
        )  # fmt: skip
        emergency.subjects.set(subjects)
        _log(
            actor,
            audit.AccessEventType.LEGAL_DEMAND,
            f"emergency:{emergency.pk}",
            f"requested: {reason}",
            len(subjects),
        )
    return emergency


def do_approve_emergency(actor, emergency: EmergencyDisclosure) -> EmergencyDisclosure:
    _require_role(actor, Role.LEGAL_OFFICER)
    if emergency.status != EmergencyStatus.REQUESTED:
        raise GovernanceRefused("This emergency disclosure is not awaiting approval.")
    if emergency.requested_by_id == actor.pk:
        raise GovernanceRefused(
            "A second legal officer, not the one who asked, approves an emergency disclosure."
        )
    with transaction.atomic():
        emergency.status, emergency.approved_by, emergency.approved_at = (
            EmergencyStatus.APPROVED,
            actor,
            clock.now(),
        )
        emergency.save(update_fields=["status", "approved_by", "approved_at"])
        _log(actor, audit.AccessEventType.LEGAL_DEMAND, f"emergency:{emergency.pk}", "approved")
    return emergency


def do_disclose_emergency(actor, emergency: EmergencyDisclosure) -> bytes:
    _require_role(actor, Role.LEGAL_OFFICER)
    if emergency.status != EmergencyStatus.APPROVED:
        raise GovernanceRefused("An emergency disclosure is made once approved, and once.")
    subjects, fields = list(emergency.subjects.all()), emergency.fields.split(",")
    package = disclose(
        basis=Basis.PROTECTION, protection_reason=emergency.reason, operator=actor, subjects=subjects,
        fields=fields, recipient=emergency.recipient, justification=emergency.justification,
        produce=lambda: _package(actor, subjects, fields, f"emergency disclosure {emergency.pk}"),
    )  # fmt: skip
    with transaction.atomic():
        emergency.status, emergency.disclosed_at = EmergencyStatus.DISCLOSED, clock.now()
        emergency.save(update_fields=["status", "disclosed_at"])
        _log(actor, audit.AccessEventType.LEGAL_DEMAND, f"emergency:{emergency.pk}", "disclosed")
    return package
