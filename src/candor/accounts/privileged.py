"""Privileged pages: the second factor, the access policy, the CheckUser lookup (C87–C90), and blocks (C48).

Everything here answers 404 to anyone without a privileged role (privacy.access.gate).
"""

import base64

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext, gettext_lazy
from django_otp import login as otp_login

from candor.accounts import actions, blocks, usernames
from candor.accounts.models import MAX_BLOCK_REASON_CHARS, User
from candor.privacy import access, audit, clock
from candor.privacy.pages import private_page
from candor.privacy.roles import ACCESS_POLICY_TEXT, ACCESS_POLICY_VERSION, NONPUBLIC_ROLES, Role


class CodeForm(forms.Form):
    code = forms.RegexField(
        regex=r"^\d{6}$", label=gettext_lazy("Six-digit code from your authenticator app"), max_length=6
    )


class LookupForm(forms.Form):
    """One account (its addresses and browsers), or one address or range (its accounts and actions)."""

    username = forms.CharField(max_length=200, label=gettext_lazy("Account"), required=False)
    address = forms.CharField(max_length=64, label=gettext_lazy("Address or range"), required=False)
    reason = forms.CharField(
        max_length=500, label=gettext_lazy("Reason for this lookup"), widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean(self):
        data = super().clean()
        if bool(data.get("username")) == bool(data.get("address")):
            raise forms.ValidationError(gettext("Give either an account or an address or range, not both."))
        return data


class NetworkComparisonForm(forms.Form):
    """Two accounts, at least one temporary: did they act from one network? (issue 18)"""

    first = forms.CharField(max_length=200, label=gettext_lazy("Temporary account"))
    second = forms.CharField(max_length=200, label=gettext_lazy("Other account, temporary or not"))
    reason = forms.CharField(
        max_length=500,
        label=gettext_lazy("Reason for this comparison"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class TemporaryAccountRevealForm(forms.Form):
    username = forms.CharField(max_length=200, label=gettext_lazy("Temporary account (such as ~2026-00001)"))
    reason = forms.CharField(
        max_length=500, label=gettext_lazy("Reason for this reveal"), widget=forms.Textarea(attrs={"rows": 2})
    )


def _privileged_or_404(request: HttpRequest) -> None:
    if not access.roles_of(request.user) & NONPUBLIC_ROLES:
        raise Http404


@private_page
def second_factor(request: HttpRequest) -> HttpResponse:
    _privileged_or_404(request)
    device = actions.do_enrol_second_factor(request.user)
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"]):
            actions.do_pass_second_factor(request, device)
            otp_login(request, device)
            return HttpResponseRedirect(request.GET.get("next") or "/accounts/checkuser")
        form.add_error("code", gettext("That code is not right, or has expired. Try the current one."))
        status = 400
    secret = base64.b32encode(device.bin_key).decode() if not device.confirmed else ""
    context = {"form": form, "enrolling": not device.confirmed, "secret": secret}
    return render(request, "accounts/second_factor.html", context, status=status)


@private_page
def access_policy(request: HttpRequest) -> HttpResponse:
    _privileged_or_404(request)
    accepted = access.has_accepted_current_policy(request.user)
    if request.method == "POST" and not accepted:
        actions.do_accept_access_policy(request.user)
        return HttpResponseRedirect(request.GET.get("next") or "/accounts/checkuser")
    context = {"text": ACCESS_POLICY_TEXT, "version": ACCESS_POLICY_VERSION, "accepted": accepted}
    return render(request, "accounts/access_policy.html", context)


@access.privileged(Role.CHECKUSER, Role.STEWARD)
def checkuser(request: HttpRequest) -> HttpResponse:
    form = LookupForm(request.POST or None)
    results, activity, target, status = None, None, None, 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["address"]:
                target = data["address"]
                activity = access.reveal_address_activity(request.user, target, reason=data["reason"])
            else:
                target = (
                    get_user_model().objects.filter(username=usernames.canonical(data["username"])).first()
                )
                if target is None:
                    raise ValueError(gettext("There is no such account."))
                results = access.reveal_account_addresses(request.user, target, reason=data["reason"])
        except ValueError as refusal:
            form.add_error(None, str(refusal))
            status = 400
        except audit.AuditUnavailable:
            form.add_error(
                None, gettext("The privileged-access log cannot be written, so nothing is shown. Try later.")
            )
            status = 503
    context = {"form": form, "results": results, "activity": activity, "target": target}
    return render(request, "accounts/checkuser.html", context, status=status)


@access.privileged(Role.CHECKUSER, Role.STEWARD, Role.OMBUDS)
def access_log(request: HttpRequest) -> HttpResponse:
    """The privileged-access log, for peer oversight (C88): CheckUsers, stewards and the ombuds only."""
    entries = (
        audit.AccessLogEntry.objects.select_related("actor")
        .only("id", "at", "event_type", "target", "reason", "result_count", "actor__username")
        .order_by("-id")[:500]
    )
    return render(request, "accounts/access_log.html", {"entries": entries})


class RightsForm(forms.Form):
    username = forms.CharField(max_length=200, label=gettext_lazy("Account"))
    role = forms.ChoiceField(choices=Role.choices, label=gettext_lazy("Role"))
    change = forms.ChoiceField(
        choices=[("grant", gettext_lazy("Grant")), ("remove", gettext_lazy("Remove"))],
        label=gettext_lazy("Change"),
    )
    reason = forms.CharField(max_length=500, label=gettext_lazy("Reason (public, in the rights log)"))


@access.privileged(Role.STEWARD)
def rights(request: HttpRequest) -> HttpResponse:
    """Stewards grant and remove privileged roles (C89); each change goes on the public rights log."""
    form = RightsForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        target = get_user_model().objects.filter(username=usernames.canonical(data["username"])).first()
        change = actions.do_grant_role if data["change"] == "grant" else actions.do_remove_role
        try:
            if target is None:
                raise actions.AccountRefused("username", gettext("There is no such account."))
            change(target=target, role=data["role"], reason=data["reason"], performer=request.user)
        except actions.AccountRefused as refusal:
            form.add_error(None, str(refusal))
            status = 400
        else:
            return HttpResponseRedirect("/wiki/Special:Log/rights")
    return render(request, "accounts/rights.html", {"form": form}, status=status)


class BlockForm(forms.Form):
    target = forms.CharField(
        max_length=200,
        label=gettext_lazy("Account, IP address or range"),
        help_text=gettext_lazy(
            "A username, an address such as 203.0.113.5, or a range such as 203.0.113.0/24 "
            "(at most /16 for IPv4, /32 for IPv6)."
        ),
    )
    duration = forms.ChoiceField(
        choices=[(name, gettext_lazy(name)) for name in blocks.DURATIONS],
        initial="1 day",
        label=gettext_lazy("For"),
        help_text=gettext_lazy("Addresses and ranges: a limited time only."),
    )
    reason = forms.CharField(
        max_length=MAX_BLOCK_REASON_CHARS, label=gettext_lazy("Reason (public: in the block log)")
    )
    autoblock = forms.BooleanField(
        required=False,
        label=gettext_lazy(
            "Autoblock: also block, for 24 hours, the last IP address this account used (you will not "
            "see it; it is shown as an autoblock number)"
        ),
    )
    applies_to_accounts = forms.BooleanField(
        required=False,
        label=gettext_lazy(
            "Address or range: also stop logged-in accounts editing from it (otherwise: logged-out "
            "edits only)"
        ),
    )


class UnblockForm(forms.Form):
    target = forms.CharField(
        max_length=200, label=gettext_lazy("Account, IP address, range, or autoblock (#number)")
    )
    reason = forms.CharField(
        max_length=MAX_BLOCK_REASON_CHARS, label=gettext_lazy("Reason (public: in the block log)")
    )


@access.privileged(Role.ADMINISTRATOR, Role.STEWARD)
def block_page(request: HttpRequest) -> HttpResponse:
    """Block and unblock (C48), and the blocks in effect."""
    which = request.POST.get("form", "block") if request.method == "POST" else None
    block_form = BlockForm(request.POST if which == "block" else None)
    unblock_form = UnblockForm(request.POST if which == "unblock" else None, prefix="unblock")
    status = 200
    if which is not None:
        form = {"block": block_form, "unblock": unblock_form}.get(which)
        if form is None:
            return HttpResponse(
                gettext("Unknown form."), status=400, content_type="text/plain; charset=utf-8"
            )
        if form.is_valid():
            try:
                done = _apply(which, request.user, form.cleaned_data)
            except blocks.BlockRefused as refusal:
                form.add_error(refusal.field, str(refusal))
            else:
                messages.success(request, done)
                return HttpResponseRedirect("/accounts/block", status=303)
        status = 400
    context = {
        "block_form": block_form,
        "unblock_form": unblock_form,
        "rows": blocks.blocks_in_effect(clock.now()),
    }
    return render(request, "accounts/block.html", context, status=status)


def _apply(which: str, performer: User, data: dict) -> str:
    if which == "unblock":
        actions.do_unblock(performer=performer, target=data["target"], reason=data["reason"])
        return gettext("Unblocked %(target)s.") % {"target": data["target"].strip()}
    block = actions.do_block(
        performer=performer,
        target=data["target"],
        duration=blocks.DURATIONS[data["duration"]],
        reason=data["reason"],
        autoblock=data["autoblock"],
        applies_to_accounts=data["applies_to_accounts"],
    )
    autoblock_id = block.autoblocks.values_list("pk", flat=True).first()
    if autoblock_id is None:
        return gettext("Blocked %(target)s.") % {"target": block.target_label}
    return gettext("Blocked %(target)s. Autoblock #%(number)s also blocks the last address it used.") % {
        "target": block.target_label,
        "number": autoblock_id,
    }


def _account_named(name: str) -> User | None:
    return get_user_model().objects.filter(username=name.strip()).first()


@access.privileged(Role.TEMPORARY_ACCOUNT_VIEWER, Role.CHECKUSER, Role.STEWARD)
def reveal_temporary_account(request: HttpRequest) -> HttpResponse:
    """The address behind a temporary account (issue 18), for its viewers: a reason, on the privileged-
    access log first. Only a temporary account can be named here; anything else is "no such account".

    Offered first, as MediaWiki does: whether two accounts acted from the same network, answered yes or
    no without an address, often all that telling one vandal from two needs."""
    comparing = request.method == "POST" and "compare" in request.POST
    form = TemporaryAccountRevealForm(request.POST if request.method == "POST" and not comparing else None)
    comparison = NetworkComparisonForm(request.POST if comparing else None)
    context: dict = {"form": form, "comparison": comparison, "results": None, "target": None, "same": None}
    status = 200
    bound = comparison if comparing else form
    if request.method == "POST" and bound.is_valid():
        data = bound.cleaned_data
        try:
            target = _account_named(data["first"] if comparing else data["username"])
            if target is None or not target.is_temporary:
                raise ValueError(gettext("There is no such temporary account."))
            if comparing:
                other = _account_named(data["second"])
                if other is None or other == target:
                    raise ValueError(gettext("There is no such other account."))
                context["same"] = access.compare_networks(request.user, target, other, reason=data["reason"])
                context["pair"] = (target, other)
            else:
                context["results"] = access.reveal_account_addresses(
                    request.user,
                    target,
                    reason=data["reason"],
                    event_type=audit.AccessEventType.REVEAL_TEMPORARY_ACCOUNT,
                )
                context["target"] = target
        except ValueError as refusal:
            bound.add_error(None, str(refusal))
            status = 400
        except audit.AuditUnavailable:
            bound.add_error(
                None, gettext("The privileged-access log cannot be written, so nothing is shown. Try later.")
            )
            status = 503
    elif request.method == "POST":
        status = 400
    return render(request, "accounts/temporary_account_reveal.html", context, status=status)
