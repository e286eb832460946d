"""Legal demands for nonpublic information (C76-C83).

A demand is assessed before anything else can happen (C78); an invalid one is contested and closed (C82).
A valid or overbroad one is answered, for the fields the assessment covers only, at least 10 calendar days
after every account it names was mailed (C79, C83), or at once with an exception to notice that a second
legal officer approved (C80). Disclosure goes through privacy.disclosure.disclose(), called only once the
demand is disclosable: the check lives here, so that the privacy engine imports nothing of governance. The
status moves only through LegalDemand.move() (its table: models.DEMAND_MOVES).
"""

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from candor.accounts.mail import language_of, verified_email
from candor.governance.actions.checks import require_reason, require_role
from candor.governance.actions.packages import field_list, named_accounts, package
from candor.governance.models import Assessment, DemandStatus, LegalDemand, NoticeException
from candor.governance.periods import LEGAL_NOTICE_DAYS, day_after, today
from candor.governance.workflow import GovernanceRefused, IllegalMove
from candor.notify.mail import send_administrative
from candor.privacy import audit, clock
from candor.privacy.disclosure import Basis, disclose
from candor.privacy.roles import Role


def _log(actor, demand: LegalDemand, move: str) -> None:
    audit.append(
        event_type=audit.AccessEventType.LEGAL_DEMAND,
        actor=actor,
        target=f"legal_demand:{demand.pk}",
        reason=move,
        result_count=len(demand.subjects.all()),
    )


def do_record_demand(actor, *, kind: str, issuer: str, jurisdiction: str, accounts, addresses: str,
                     fields, deadline) -> LegalDemand:  # fmt: skip
    require_role(actor, Role.LEGAL_OFFICER)
    issuer, jurisdiction = " ".join((issuer or "").split()), " ".join((jurisdiction or "").split())
    if not issuer or not jurisdiction:
        raise GovernanceRefused(_("Record who issued the demand and in which jurisdiction."))
    subjects = named_accounts(accounts)
    if not subjects:
        raise GovernanceRefused(_("Name the accounts the demand concerns."))
    with transaction.atomic():
        demand = LegalDemand.objects.create(
            kind=kind, issuer=issuer, jurisdiction=jurisdiction, named_addresses=(addresses or "").strip(),
            fields_requested=",".join(field_list(fields)), deadline=deadline, received_at=clock.now(),
        )  # fmt: skip
        demand.subjects.set(subjects)
        _log(actor, demand, f"recorded a {kind} from {issuer}")
    return demand


def do_assess_demand(
    actor, demand: LegalDemand, *, assessment: str, reasons: str, fields_covered=()
) -> LegalDemand:
    """Judge a demand before anything else can happen (C78): invalid ones are contested and closed (C82);
    an overbroad one is answered only for the fields the assessment covers."""
    require_role(actor, Role.LEGAL_OFFICER)
    demand.check_move(DemandStatus.ASSESSED, _("This demand has been assessed already."))
    reasons = require_reason(reasons, _("Give the reasons for the assessment, in at least %(words)d words."))
    requested = demand.fields_requested.split(",")
    if assessment == Assessment.VALID:
        covered = requested
    elif assessment == Assessment.OVERBROAD:
        covered = field_list(fields_covered)
        if not set(covered) < set(requested):
            raise GovernanceRefused(
                _("An overbroad demand is answered for part of the fields it asks for only.")
            )
    elif assessment == Assessment.INVALID:
        covered = []
    else:
        raise GovernanceRefused(_("A demand is assessed valid, overbroad or invalid."))
    now = clock.now()
    to = DemandStatus.CONTESTED if assessment == Assessment.INVALID else DemandStatus.ASSESSED
    with transaction.atomic():
        demand.move(
            to, at=now, assessment=assessment, assessment_reasons=reasons, assessed_at=now,
            fields_covered=",".join(covered),
        )  # fmt: skip
        _log(actor, demand, f"assessed {assessment}: {reasons}")
    return demand


def do_send_legal_notice(actor, demand: LegalDemand) -> LegalDemand:
    """Email every account the demand names, at least 10 calendar days before disclosure (C79, C83)."""
    require_role(actor, Role.LEGAL_OFFICER)
    # The table also leads back to "notice sent" from an opposition: that is do_end_opposition, not a notice.
    if demand.status != DemandStatus.ASSESSED:
        raise IllegalMove(_("Notice follows a valid or overbroad assessment, and is sent once."))
    subjects = list(demand.subjects.order_by("pk"))
    if any(verified_email(user) is None for user in subjects):
        raise GovernanceRefused(
            _("An account named has no confirmed email address: record the no-email exception instead (C80).")
        )
    disclose_from = day_after(today(), LEGAL_NOTICE_DAYS)
    already = set(demand.notified.values_list("pk", flat=True))
    for user in subjects:
        if user.pk in already:
            continue  # mailed by an attempt that the relay cut short
        with translation.override(language_of(user)):  # the recipient's language (C57, C118)
            subject = _("A legal demand for information about your Candor account")
            body = render_to_string(
                "governance/email/legal_notice.txt",
                {"demand": demand, "fields": demand.fields_covered.split(","), "disclose_from": disclose_from,
                 "contact": settings.CANDOR_PRIVACY_CONTACT, "site": settings.CANDOR_SITE_URL},
            )  # fmt: skip
        try:
            send_administrative(user.pk, subject, body)
        except OSError as exc:
            raise GovernanceRefused(
                _(
                    "The notice could not be mailed to every account (%(error)s); try again: those already "
                    "mailed will not be mailed twice."
                )
                % {"error": exc}
            ) from exc
        demand.notified.add(user)
    with transaction.atomic():
        demand.move(DemandStatus.NOTICE_SENT, users_notified=len(subjects))
        _log(actor, demand, f"notice mailed to {len(subjects)} account(s)")
    return demand


def do_claim_exception(actor, demand: LegalDemand, *, exception: str, justification: str) -> LegalDemand:
    """Record one of the three reasons to skip the notice (C80); a second legal officer must approve it."""
    require_role(actor, Role.LEGAL_OFFICER)
    demand.check_move(
        DemandStatus.EXCEPTION_CLAIMED,
        "An exception to notice is claimed after assessment, instead of the notice.",
    )
    if exception not in NoticeException.values:
        raise GovernanceRefused(
            _("The only exceptions are a legal restraint, a threat to life or limb, or no email.")
        )
    justification = require_reason(justification, _("Write a justification of at least %(words)d words."))
    if exception == NoticeException.NO_EMAIL and any(verified_email(user) for user in demand.subjects.all()):
        raise GovernanceRefused(_("An account named has a confirmed email address: it must be notified."))
    with transaction.atomic():
        demand.move(
            DemandStatus.EXCEPTION_CLAIMED, exception=exception, exception_justification=justification,
            exception_claimed_by=actor,
        )  # fmt: skip
        _log(actor, demand, f"claimed the exception {exception}: {justification}")
    return demand


def do_approve_exception(actor, demand: LegalDemand) -> LegalDemand:
    require_role(actor, Role.LEGAL_OFFICER)
    demand.check_move(
        DemandStatus.EXCEPTION_APPROVED, "No exception to notice awaits approval on this demand."
    )
    if demand.exception_claimed_by_id == actor.pk:
        raise GovernanceRefused(
            _("A second legal officer, not the one who claimed it, approves an exception.")
        )
    with transaction.atomic():
        demand.move(DemandStatus.EXCEPTION_APPROVED, exception_approved_by=actor)
        _log(actor, demand, f"approved the exception {demand.exception}")
    return demand


def do_contest(actor, demand: LegalDemand, *, reasons: str) -> LegalDemand:
    """Fight a demand found valid before, now judged invalid or abusive (C82): closed, never disclosed."""
    require_role(actor, Role.LEGAL_OFFICER)
    # An unassessed demand is contested by its assessment, not by this.
    if demand.status == DemandStatus.RECEIVED or not demand.can_move(DemandStatus.CONTESTED):
        raise IllegalMove(
            _("Only a demand assessed valid or overbroad, not yet disclosed, can be contested.")
        )
    reasons = require_reason(reasons, _("Say why the demand is contested, in at least %(words)d words."))
    with transaction.atomic():
        demand.move(DemandStatus.CONTESTED, later_reasons=reasons)
        _log(actor, demand, f"contested: {reasons}")
    return demand


def do_record_user_opposing(actor, demand: LegalDemand) -> LegalDemand:
    """The person notified will oppose the demand themselves (C82): nothing is disclosed meanwhile."""
    require_role(actor, Role.LEGAL_OFFICER)
    with transaction.atomic():
        demand.move(
            DemandStatus.USER_OPPOSING,
            refusal=_("A person's opposition is recorded after they were notified, before disclosure."),
        )
        _log(actor, demand, "the person concerned is opposing it")
    return demand


def do_end_opposition(actor, demand: LegalDemand, *, outcome: str) -> LegalDemand:
    """The person's opposition failed or was withdrawn: the demand may be answered again (C82)."""
    require_role(actor, Role.LEGAL_OFFICER)
    if demand.status != DemandStatus.USER_OPPOSING:  # "notice sent" is reached from an assessment too
        raise IllegalMove(_("No opposition is recorded on this demand."))
    outcome = require_reason(outcome, _("Say how the opposition ended, in at least %(words)d words."))
    with transaction.atomic():
        demand.move(DemandStatus.NOTICE_SENT, later_reasons=outcome)  # keeps the notice's date (RETURNS)
        _log(actor, demand, f"opposition ended: {outcome}")
    return demand


def disclosable_from(demand: LegalDemand):
    """The first calendar day the demand may be answered, or None while it may not be at all."""
    if demand.status == DemandStatus.EXCEPTION_APPROVED:
        return today()
    if demand.status == DemandStatus.NOTICE_SENT:
        return day_after(demand.notice_sent_at, LEGAL_NOTICE_DAYS)
    return None


def do_disclose_demand(actor, demand: LegalDemand) -> bytes:
    """Answer a valid demand once its notice period has passed or an exception was approved (C78-C80): only
    the fields the assessment covers, through the disclosure log, as a package."""
    require_role(actor, Role.LEGAL_OFFICER)
    start = disclosable_from(demand)
    if start is None:
        raise GovernanceRefused(
            _("This demand cannot be disclosed in its state: %(state)s.")
            % {"state": demand.get_status_display()}
        )
    if today() < start:
        raise GovernanceRefused(
            _("The %(days)d-day notice period runs until %(day)s 00:00 UTC: nothing is disclosed before.")
            % {"days": LEGAL_NOTICE_DAYS, "day": f"{start:%Y-%m-%d}"}
        )
    subjects, fields = list(demand.subjects.all()), demand.fields_covered.split(",")
    with translation.override("en"):  # the disclosure log is English, whatever the officer reads
        ground = (
            demand.get_exception_display()
            if demand.exception
            else f"notice mailed {demand.notice_sent_at:%Y-%m-%d}"
        )
        justification = f"{demand.get_kind_display()} of {demand.issuer} ({demand.jurisdiction}), " \
                        f"assessed {demand.assessment}: {demand.assessment_reasons}; {ground}"  # fmt: skip
    disclosed = disclose(
        basis=Basis.LEGAL_PROCESS, operator=actor, subjects=subjects, fields=fields, recipient=demand.issuer,
        justification=justification, legal_request_ref=f"legal_demand:{demand.pk}",
        produce=lambda: package(actor, subjects, fields, f"legal demand {demand.pk}: {demand.issuer}"),
    )  # fmt: skip
    with transaction.atomic():
        demand.move(DemandStatus.DISCLOSED)
        _log(actor, demand, "disclosed")
    return disclosed
