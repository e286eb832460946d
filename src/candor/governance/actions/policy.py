"""Policy versions and their changes (C114-C122): drafts, translations, comment periods, adoption.

A substantial change is announced in at least three languages and open for comment at least 30 calendar
days before it can be adopted (C117-C119); a minor one is announced at least 3 calendar days before it takes
effect, or with the recorded reason why it could not be (C120). Adopted versions are never rewritten. The
status moves only through PolicyVersion.move(), whose table (models.POLICY_MOVES) depends on the kind.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from candor.accounts import temporary
from candor.accounts.blocks import account_is_blocked
from candor.governance import queries
from candor.governance.actions.announcements import announce
from candor.governance.actions.checks import MAX_COMMENT_CHARS, require_reason, require_role
from candor.governance.models import (
    AnnouncementKind,
    ChangeKind,
    ChangeStatus,
    PolicyComment,
    PolicyTranslation,
    PolicyUse,
    PolicyVersion,
)
from candor.governance.periods import (
    COMMENT_PERIOD_DAYS,
    MIN_PROPOSAL_LANGUAGES,
    MINOR_NOTICE_DAYS,
    day_after,
    today,
)
from candor.governance.workflow import GovernanceRefused, IllegalMove
from candor.privacy import audit, clock
from candor.privacy.roles import Role


def _log(actor, version: PolicyVersion, move: str) -> None:
    audit.append(
        event_type=audit.AccessEventType.POLICY_CHANGE,
        actor=actor,
        target=f"policy:{version.number}",
        reason=move,
    )


def do_draft_policy_change(actor, *, kind: str, summary: str, text: str) -> PolicyVersion:
    """A new draft, in English (the original that prevails, C12), with the next version number."""
    require_role(actor, Role.ADMINISTRATOR)
    if kind not in (ChangeKind.SUBSTANTIAL, ChangeKind.MINOR):
        raise GovernanceRefused(_("A change is substantial or minor."))
    summary = " ".join((summary or "").split())
    if not summary or not (text or "").strip():
        raise GovernanceRefused(_("A draft needs a summary of what changes and the full English text."))
    with transaction.atomic():
        latest = PolicyVersion.objects.select_for_update().order_by("-number").first()
        version = PolicyVersion.objects.create(
            number=(latest.number if latest else 0) + 1, language="en", text=text, kind=kind,
            status=ChangeStatus.DRAFT, summary=summary, drafted_at=clock.now(),
        )  # fmt: skip
        _log(actor, version, f"drafted a {kind} change: {summary}")
    return version


# The operator's addendum on how edits made without an account are signed (issue 18). The 2018 text says
# they are signed with the IP address, so that mode needs no addendum; temporary accounts need one.
ATTRIBUTION_HEADING = "## Operator's addendum: edits made without an account"
TEMPORARY_ACCOUNTS_ADDENDUM = """\
On this wiki, an edit saved without logging in is **not** signed with your IP address. Your first such edit
creates a *temporary account*, an automatic name such as `~2026-00001`, and your later edits from the same
browser carry the same name (a first-party cookie, `candor_temporary_account`, keeps it: see the cookie
statement). A temporary account has no password and expires {days} days after it is made; its edits stay
signed with its name. Your IP address is then nonpublic information like any other: kept for the retention
window, and seen only by trusted users who fight abuse, each time with a reason, on the privileged-access
log. Where this addendum differs from the sections above on edits made without logging in, it prevails."""


def attribution_addendum() -> str:
    """The addendum the mode in force needs, or "" for the 2018 text's own mode (the address published)."""
    if not temporary.enabled():
        return ""
    days = int(temporary.lifetime().total_seconds() // 86400)
    return f"{ATTRIBUTION_HEADING}\n\n{TEMPORARY_ACCOUNTS_ADDENDUM.format(days=days)}\n"


def do_draft_attribution_addendum(actor) -> PolicyVersion:
    """Draft the minor change that makes the policy say how edits without an account are signed, after
    the operator switched CANDOR_LOGGED_OUT_ATTRIBUTION (issue 18, C116): the policy in force with its old
    addendum replaced by the one of the mode in force (none for the address, which the 2018 text already
    describes). It is then posted with do_adopt_minor and its notice, like any minor change (C120)."""
    in_force = queries.policy_in_force()
    if in_force is None:
        raise GovernanceRefused(_("No version of the policy is in force yet."))
    base = in_force.text.split(ATTRIBUTION_HEADING)[0].rstrip() + "\n"
    addendum = attribution_addendum()
    text = f"{base}\n{addendum}" if addendum else base
    if text.strip() == in_force.text.strip():
        raise GovernanceRefused(
            _("The policy in force already says how edits without an account are signed.")
        )
    summary = (
        "Operator's addendum: edits made without an account are signed with a temporary account"
        if addendum
        else "Operator's addendum removed: edits made without an account are signed with their IP address"
    )
    return do_draft_policy_change(actor, kind=ChangeKind.MINOR, summary=summary, text=text)


def do_add_translation(actor, version: PolicyVersion, *, language: str, text: str) -> PolicyTranslation:
    require_role(actor, Role.ADMINISTRATOR)
    language = (language or "").strip().lower()
    if version.status != ChangeStatus.DRAFT:
        raise GovernanceRefused(_("Only a draft's texts can change; a published version is never rewritten."))
    if not language or language == "en" or len(language) > 16:
        raise GovernanceRefused(
            _("Give the language code of a translation (the English text is the draft's).")
        )
    if not (text or "").strip():
        raise GovernanceRefused(_("A translation needs its full text."))
    with transaction.atomic():
        translation = PolicyTranslation.objects.update_or_create(
            version=version, language=language, defaults={"text": text}
        )[0]
        _log(actor, version, f"added or replaced the {language} text")
    return translation


def do_open_comment(actor, version: PolicyVersion, *, closes_on) -> PolicyVersion:
    """Announce a substantial change on the site and the announce list, and open its comment period (C117,
    C118, C119): at least three languages, at least 30 calendar days; the notice comes first."""
    require_role(actor, Role.ADMINISTRATOR)
    # Only a substantial change's table has the move.
    version.check_move(
        ChangeStatus.IN_COMMENT, "Only a draft of a substantial change can be opened for comment."
    )
    languages = {"en", *version.translations.values_list("language", flat=True)}
    if len(languages) < MIN_PROPOSAL_LANGUAGES:
        raise GovernanceRefused(
            _(
                "A substantial change is published in at least %(least)d languages; this draft has %(count)d "
                "(%(languages)s)."
            )
            % {
                "least": MIN_PROPOSAL_LANGUAGES,
                "count": len(languages),
                "languages": ", ".join(sorted(languages)),
            }
        )
    earliest = day_after(today(), COMMENT_PERIOD_DAYS)
    if closes_on < earliest:
        raise GovernanceRefused(
            _(
                "The comment period lasts at least %(days)d calendar days: it can close on %(day)s at the "
                "earliest."
            )
            % {"days": COMMENT_PERIOD_DAYS, "day": f"{earliest:%Y-%m-%d}"}
        )
    with transaction.atomic():
        announce(
            AnnouncementKind.SUBSTANTIAL_CHANGE,
            f"Proposed change to the privacy policy (version {version.number}): comments open",
            f"{version.summary}\n\nRead the proposal in {', '.join(sorted(languages))} and comment until "
            f"{closes_on:%Y-%m-%d} (comments close at 00:00 UTC that day).",
            f"/privacy/versions?number={version.number}",
        )
        # The notice is posted and its mail queued before the period opens, in this transaction (C119).
        version.move(ChangeStatus.IN_COMMENT, comment_closes_on=closes_on)
        _log(actor, version, f"announced and opened comments until {closes_on:%Y-%m-%d}")
    return version


def do_comment(user, version: PolicyVersion, *, text: str) -> PolicyComment:
    """A public comment on a proposal, while its period is open (C117)."""
    text = (text or "").strip()
    if account_is_blocked(user):
        raise GovernanceRefused(_("Your account is blocked: you cannot comment while the block lasts."))
    if version.status != ChangeStatus.IN_COMMENT or today() >= version.comment_closes_on:
        raise GovernanceRefused(_("Comments on this version are closed."))
    if not text or len(text) > MAX_COMMENT_CHARS:
        raise GovernanceRefused(
            _("Write a comment of at most %(count)d characters.") % {"count": MAX_COMMENT_CHARS}
        )
    return PolicyComment.objects.create(version=version, user=user, text=text, at=clock.now())


def _check_effective_date(effective_on) -> None:
    if effective_on < today():
        raise GovernanceRefused(_("A version cannot take effect in the past."))
    latest = PolicyVersion.objects.filter(status=ChangeStatus.ADOPTED).order_by("-effective_on").first()
    if latest is not None and effective_on <= latest.effective_on:
        raise GovernanceRefused(
            _(
                "Version %(number)d takes effect on %(day)s; a new version takes effect after it, so that "
                "the archive's ranges follow one another."
            )
            % {"number": latest.number, "day": f"{latest.effective_on:%Y-%m-%d}"}
        )


def _approver(approved_by: str) -> str:
    approved_by = " ".join((approved_by or "").split())
    if not approved_by:
        raise GovernanceRefused(_("Name who approved this version (C115)."))
    return approved_by


def _adopt(actor, version: PolicyVersion, approved_by: str, effective_on, move: str, **fields) -> None:
    version.move(
        ChangeStatus.ADOPTED, approved_by=approved_by, approved_on=today(), effective_on=effective_on,
        **fields,
    )  # fmt: skip
    _log(actor, version, f"{move}; approved by {version.approved_by}, effective {effective_on:%Y-%m-%d}")
    queries.forget_notices()


def do_adopt_substantial(actor, version: PolicyVersion, *, approved_by: str, effective_on) -> PolicyVersion:
    """Approve a proposal once its comment period has closed; it takes effect on `effective_on` (C117)."""
    require_role(actor, Role.ADMINISTRATOR)
    if version.kind != ChangeKind.SUBSTANTIAL or not version.can_move(ChangeStatus.ADOPTED):
        raise IllegalMove(_("Only a proposal that went through its comment period can be adopted."))
    if today() < version.comment_closes_on:
        raise GovernanceRefused(
            _("The comment period is open until %(day)s; it cannot be cut short.")
            % {"day": f"{version.comment_closes_on:%Y-%m-%d}"}
        )
    _check_effective_date(effective_on)
    approved_by = _approver(approved_by)
    with transaction.atomic():
        _adopt(actor, version, approved_by, effective_on, "adopted after its comment period")
    return version


def do_adopt_minor(
    actor, version: PolicyVersion, *, approved_by: str, effective_on, override: str = ""
) -> PolicyVersion:
    """Post a minor change on the announce list with at least 3 calendar days' notice, or with the recorded
    reason why that was not possible (C120)."""
    require_role(actor, Role.ADMINISTRATOR)
    if version.kind != ChangeKind.MINOR or not version.can_move(ChangeStatus.ADOPTED):
        raise IllegalMove(_("Only a draft of a minor change can be posted this way."))
    override = " ".join((override or "").split())
    earliest = day_after(today(), MINOR_NOTICE_DAYS)
    if effective_on < earliest and not override:
        raise GovernanceRefused(
            _(
                "A minor change is announced at least %(days)d calendar days ahead: it can take effect on "
                "%(day)s at the earliest, unless you record why that is not possible."
            )
            % {"days": MINOR_NOTICE_DAYS, "day": f"{earliest:%Y-%m-%d}"}
        )
    if override:
        require_reason(override, _("Say why the notice could not be given, in at least %(words)d words."))
    _check_effective_date(effective_on)
    approved_by = _approver(approved_by)
    with transaction.atomic():
        announce(
            AnnouncementKind.MINOR_CHANGE,
            f"Minor change to the privacy policy (version {version.number}), "
            f"effective {effective_on:%Y-%m-%d}",
            version.summary + (f"\n\nPosted with less notice than usual: {override}" if override else ""),
            f"/privacy/versions?number={version.number}",
        )
        _adopt(
            actor,
            version,
            approved_by,
            effective_on,
            "posted a minor change" + (" (override)" * bool(override)),
            announced_at=clock.now(),
            notice_override=override,
        )
    return version


def do_withdraw(actor, version: PolicyVersion, *, reason: str) -> PolicyVersion:
    require_role(actor, Role.ADMINISTRATOR)
    reason = require_reason(reason, _("Say why the change is withdrawn, in at least %(words)d words."))
    with transaction.atomic():
        version.move(
            ChangeStatus.WITHDRAWN, refusal=_("Only a draft or a proposal open for comment can be withdrawn.")
        )
        _log(actor, version, f"withdrawn: {reason}")
        queries.forget_notices()
    return version


def do_record_policy_use(user, version: PolicyVersion) -> bool:
    """Note that `user` used Candor while `version` was in force (C121); True the first time."""
    _, created = PolicyUse.objects.get_or_create(
        user=user, version=version, defaults={"first_used_at": clock.now()}
    )
    return created
