"""Governance tools: policy changes and ownership-transfer notices (administrators), legal demands,
emergency disclosures and the privacy contact's messages (legal officers, behind privacy.access's gate).

Each POST names one `action`; the view parses it and calls one function of governance.actions, which
checks the state, the dates and the role again and refuses with a message the page shows.
"""

from datetime import date

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _

from candor.governance import actions, queries
from candor.governance.actions import GovernanceRefused
from candor.governance.models import (
    Assessment,
    ChangeKind,
    ChangeStatus,
    DemandKind,
    NoticeException,
    OwnershipTransfer,
    PolicyVersion,
    TransferStatus,
)
from candor.privacy.access import privileged
from candor.privacy.disclosure import ProtectionReason
from candor.privacy.roles import Role


def _date(value: str | None, refusal: str, *, required: bool = True) -> date | None:
    """The date of a form field; refused with `refusal` when it is not one."""
    if not value and not required:
        return None
    try:
        return date.fromisoformat(value or "")
    except ValueError:
        raise GovernanceRefused(refusal) from None


def _row(find, value):
    """The record `find` (a read of queries.py) gives for the id `value`; refused when there is none."""
    try:
        row = find(int(value))
    except (TypeError, ValueError):
        row = None
    if row is None:
        raise GovernanceRefused(_("There is no such record."))
    return row


def _run(request: HttpRequest, moves: dict, done: str) -> tuple[HttpResponse | None, str]:
    """Call the move the form names. On success, its response (a package) or a redirect to `done`; on a
    refusal, its message."""
    if request.method != "POST":
        return None, ""
    move = moves.get(request.POST.get("action", ""))
    if move is None:
        return None, "Choose what to do."
    try:
        result = move(request.POST)
    except GovernanceRefused as refused:
        return None, str(refused)
    return result if isinstance(result, HttpResponse) else HttpResponseRedirect(done), ""


@privileged(Role.ADMINISTRATOR)
def policy_changes(request: HttpRequest) -> HttpResponse:
    """Draft, translate, open for comment, adopt or withdraw a change of the privacy policy (C114-C120)."""
    actor = request.user
    effective_date = _("Give the effective date as YYYY-MM-DD.")

    def version(post):
        try:
            return PolicyVersion.objects.get(number=int(post.get("number")))
        except (TypeError, ValueError, PolicyVersion.DoesNotExist):
            raise GovernanceRefused(_("There is no such version.")) from None

    moves = {
        "draft": lambda post: actions.do_draft_policy_change(
            actor, kind=post.get("kind", ""), summary=post.get("summary", ""), text=post.get("text", "")
        ),
        "translate": lambda post: actions.do_add_translation(
            actor, version(post), language=post.get("language", ""), text=post.get("text", "")
        ),
        "open": lambda post: actions.do_open_comment(
            actor, version(post),
            closes_on=_date(post.get("closes_on"), _("Give the day comments close as YYYY-MM-DD.")),
        ),
        "adopt": lambda post: actions.do_adopt_substantial(
            actor, version(post), approved_by=post.get("approved_by", ""),
            effective_on=_date(post.get("effective_on"), effective_date),
        ),
        "adopt_minor": lambda post: actions.do_adopt_minor(
            actor, version(post), approved_by=post.get("approved_by", ""),
            effective_on=_date(post.get("effective_on"), effective_date),
            override=post.get("override", ""),
        ),
        "withdraw": lambda post: actions.do_withdraw(actor, version(post), reason=post.get("reason", "")),
    }  # fmt: skip
    response, error = _run(request, moves, "/governance/policy")
    if response is not None:
        return response
    context = {
        "versions": PolicyVersion.objects.exclude(
            status=ChangeStatus.ADOPTED, kind=ChangeKind.INITIAL
        ).prefetch_related("translations"),
        "kinds": [ChangeKind.SUBSTANTIAL, ChangeKind.MINOR],
        "error": error,
    }
    return render(request, "governance/admin_policy.html", context, status=400 if error else 200)


@privileged(Role.ADMINISTRATOR)
def ownership_transfer(request: HttpRequest) -> HttpResponse:
    """Announce a transfer to new owners or a move to a different policy, 30 days ahead at least (C84)."""
    actor = request.user
    moves = {
        "announce": lambda post: actions.do_announce_transfer(
            actor, description=post.get("description", ""),
            transfer_on=_date(post.get("transfer_on"), _("Give the date as YYYY-MM-DD.")),
        ),
        "cancel": lambda post: actions.do_cancel_transfer(
            actor, _row(queries.ownership_transfer, post.get("transfer")), reason=post.get("reason", "")
        ),
    }  # fmt: skip
    response, error = _run(request, moves, "/governance/transfer")
    if response is not None:
        return response
    context = {"transfers": OwnershipTransfer.objects.order_by("-announced_at"), "error": error}
    return render(request, "governance/admin_transfer.html", context, status=400 if error else 200)


def _package_response(package: bytes, name: str) -> HttpResponse:
    response = HttpResponse(package, content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="{name}.json"'
    return response


@privileged(Role.LEGAL_OFFICER)
def legal(request: HttpRequest) -> HttpResponse:
    """Legal demands (C76-C83), emergency disclosures (C85) and the export to new owners (C84); one demand at
    ?demand=N."""
    actor = request.user

    def demand(post):
        return _row(queries.legal_demand, post.get("demand"))

    def emergency(post):
        return _row(queries.emergency_disclosure, post.get("emergency"))

    def back(record):
        return HttpResponseRedirect(f"/governance/legal?demand={record.pk}")

    moves = {
        "record": lambda post: back(actions.do_record_demand(
            actor, kind=post.get("kind", ""), issuer=post.get("issuer", ""),
            jurisdiction=post.get("jurisdiction", ""), accounts=post.get("accounts", ""),
            addresses=post.get("addresses", ""), fields=post.get("fields", ""),
            deadline=_date(post.get("deadline"), _("Give the deadline as YYYY-MM-DD."), required=False),
        )),
        "assess": lambda post: back(actions.do_assess_demand(
            actor, demand(post), assessment=post.get("assessment", ""), reasons=post.get("reasons", ""),
            fields_covered=post.getlist("fields_covered"),
        )),
        "notice": lambda post: back(actions.do_send_legal_notice(actor, demand(post))),
        "claim": lambda post: back(actions.do_claim_exception(
            actor, demand(post), exception=post.get("exception", ""),
            justification=post.get("justification", ""),
        )),
        "approve": lambda post: back(actions.do_approve_exception(actor, demand(post))),
        "contest": lambda post: back(
            actions.do_contest(actor, demand(post), reasons=post.get("reasons", ""))
        ),
        "opposing": lambda post: back(actions.do_record_user_opposing(actor, demand(post))),
        "end_opposition": lambda post: back(
            actions.do_end_opposition(actor, demand(post), outcome=post.get("outcome", ""))
        ),
        "disclose": lambda post: _package_response(
            actions.do_disclose_demand(actor, demand(post)), f"legal-demand-{post.get('demand')}"
        ),
        "emergency": lambda post: actions.do_request_emergency(
            actor, reason=post.get("reason", ""), justification=post.get("justification", ""),
            recipient=post.get("recipient", ""), accounts=post.get("accounts", ""),
            fields=post.get("fields", ""),
        ),
        "approve_emergency": lambda post: actions.do_approve_emergency(actor, emergency(post)),
        "disclose_emergency": lambda post: _package_response(
            actions.do_disclose_emergency(actor, emergency(post)), f"emergency-{post.get('emergency')}"
        ),
        "transfer_export": lambda post: _package_response(
            actions.do_org_transfer_export(
                actor, _row(queries.ownership_transfer, post.get("transfer")), fields=post.get("fields", ""),
                recipient=post.get("recipient", ""),
            ),
            f"ownership-transfer-{post.get('transfer')}",
        ),
    }  # fmt: skip
    response, error = _run(request, moves, "/governance/legal")
    if response is not None:
        return response
    status = 400 if error else 200
    if "demand" in request.GET:
        try:
            shown = _row(queries.legal_demand, request.GET["demand"])
        except GovernanceRefused:
            raise Http404 from None
        context = {
            "demand": shown, "subjects": shown.subjects.all(),
            "disclosable_from": actions.disclosable_from(shown),
            "requested": shown.fields_requested.split(","), "assessments": Assessment.choices,
            "exceptions": NoticeException.choices, "error": error,
        }  # fmt: skip
        return render(request, "governance/legal_demand.html", context, status=status)
    context = {
        "demands": queries.legal_demands(),
        "emergencies": queries.emergency_disclosures(),
        "kinds": DemandKind.choices,
        "reasons": ProtectionReason.choices,
        "fields": sorted(actions.packageable_fields()),
        "transfers": [
            (transfer, actions.transfer_exportable_from(transfer))
            for transfer in OwnershipTransfer.objects.filter(status=TransferStatus.ANNOUNCED)
        ],
        "error": error,
    }
    return render(request, "governance/legal.html", context, status=status)


@privileged(Role.LEGAL_OFFICER)
def contact_messages(request: HttpRequest) -> HttpResponse:
    """The privacy contact's queue (C123): messages stay until their retention window ends."""
    return render(request, "governance/contact_messages.html", {"messages_": queries.contact_messages()})
