"""The person's own page about their data, and the stewards' queue of requests (C109, C110, C27, C28).

Every page here shows the logged-in person their own requests only; the queue is for stewards, behind the
access gate. A request or a copy that is not the person's own answers 404, as a missing one does.
"""

from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from candor.privacy import disclosure
from candor.privacy.access import privileged
from candor.privacy.pages import private_page
from candor.privacy.roles import Role
from candor.yourdata import actions, erasure
from candor.yourdata.models import DECIDED_BY_STEWARDS, FINAL, DataRequest, Kind

HOME = "/yourdata/"


@private_page
def your_data(request: HttpRequest) -> HttpResponse:
    requests = DataRequest.objects.filter(user=request.user).order_by("-received_at", "-id")
    context = {
        "requests": requests,
        "due_days": settings.CANDOR_REQUEST_DUE_DAYS,
        "link_hours": settings.CANDOR_EXPORT_LINK_HOURS,
    }
    return render(request, "yourdata/requests.html", context)


def _asked(request: HttpRequest, act, done: str) -> HttpResponse:
    try:
        act(request.user, password=request.POST.get("password", ""))
    except actions.RequestRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, done)
    return HttpResponseRedirect(HOME)


@private_page
@require_http_methods(["GET", "HEAD", "POST"])
def sharing(request: HttpRequest) -> HttpResponse:
    """Permissions to share information with someone for a purpose (C77): a link that names the purpose, the
    recipient and the fields (`?purpose=&recipient=&fields=`) shows what would be shared; only the person's
    own press of the button grants it. Their permissions are listed, each revocable."""
    source = request.POST if request.method == "POST" else request.GET
    asked, error, status = None, "", 200
    meta = request.candor_meta
    if request.method == "POST" and source.get("revoke"):
        if not disclosure.do_revoke_sharing_permission(request.user, _number(source["revoke"]), meta):
            raise Http404("No such permission")
        return HttpResponseRedirect("/yourdata/sharing")
    if source.get("purpose") or source.get("recipient") or source.get("fields"):
        wanted = {name: source.get(name, "") for name in ("purpose", "recipient", "fields")}
        try:
            if request.method == "POST" and source.get("grant"):
                disclosure.do_grant_sharing_permission(request.user, meta=meta, **wanted)
                return HttpResponseRedirect("/yourdata/sharing")
            asked = disclosure.describe_sharing(**wanted)
        except disclosure.DisclosureRefused as refused:
            error, status = str(refused), 400
    permissions = disclosure.SharingPermission.objects.filter(user=request.user).order_by(
        "-granted_at", "-id"
    )
    context = {"asked": asked, "error": error, "permissions": permissions}
    return render(request, "yourdata/sharing.html", context, status=status)


def _number(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise Http404("No such permission") from None


@private_page
@require_POST
def request_export(request: HttpRequest) -> HttpResponse:
    return _asked(request, actions.do_request_export, _("Your copy is being prepared. It will appear here."))


@private_page
@require_POST
def request_rename(request: HttpRequest) -> HttpResponse:
    return _asked(request, actions.do_request_rename, _("Your request is with the stewards."))


@private_page
@require_POST
def request_page_deletion(request: HttpRequest) -> HttpResponse:
    return _asked(request, actions.do_request_page_deletion, _("Your request is with the stewards."))


@private_page
@require_http_methods(["GET", "HEAD", "POST"])
def request_erasure(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        return _asked(request, actions.do_request_erasure, _("Your deletable data is being erased."))
    return render(
        request, "yourdata/erasure.html", {"steps": erasure.plan(request.user), "words": erasure.WORDS}
    )


@private_page
@require_POST
def download(request: HttpRequest) -> HttpResponse:
    number = request.POST.get("request", "")
    try:
        handle = actions.do_download_export(request.user, int(number) if number.isdigit() else 0)
    except DataRequest.DoesNotExist:
        raise Http404 from None
    return FileResponse(handle, as_attachment=True, filename="candor-your-data.zip")


@private_page
@require_POST
def blank_user_page(request: HttpRequest) -> HttpResponse:
    blanked = actions.do_blank_user_pages(request.user, request.candor_meta)
    messages.success(
        request, _("Your user page is blank.") if blanked else _("Your user pages were already empty.")
    )
    return HttpResponseRedirect(HOME)


@privileged(Role.STEWARD)
@require_http_methods(["GET", "HEAD", "POST"])
def queue(request: HttpRequest) -> HttpResponse:
    """Open requests, the most urgent first, overdue ones flagged; stewards approve or refuse renamings and
    user page deletions."""
    if request.method == "POST" and _decide(request):
        return HttpResponseRedirect("/yourdata/queue")
    waiting = DataRequest.objects.exclude(state__in=FINAL).select_related("user").order_by("due_at", "id")
    status = 400 if request.method == "POST" else 200
    context = {"waiting": waiting, "decided": DECIDED_BY_STEWARDS}
    return render(request, "yourdata/queue.html", context, status=status)


def _decide(request: HttpRequest) -> bool:
    """Approve or refuse the renaming or page deletion the form names; False when the form is not one."""
    number, decision = request.POST.get("request", ""), request.POST.get("decision")
    handled = None
    if number.isdigit() and decision in ("approve", "refuse"):
        handled = (
            DataRequest.objects.filter(pk=int(number), kind__in=DECIDED_BY_STEWARDS)
            .select_related("user")
            .first()
        )
    if handled is None:
        return False
    try:
        if decision == "approve":
            messages.success(request, _approve(handled, request.user))
        else:
            actions.do_refuse_request(handled, steward=request.user, reason=request.POST.get("reason", ""))
            messages.success(request, _("The request is refused; its owner sees why."))
    except ValueError as refused:  # an illegal move, or a refusal without a reason
        messages.error(request, str(refused))
        return False
    return True


def _approve(handled: DataRequest, steward) -> str:
    """Carry out the approved request; what the steward is told."""
    if handled.kind == Kind.RENAME:
        return _("The account is now %(name)s.") % {
            "name": actions.do_approve_rename(handled, steward=steward)
        }
    deleted = actions.do_approve_page_deletion(handled, steward=steward)
    return ngettext(
        "Deleted %(count)d user page; the deletion log shows it.",
        "Deleted %(count)d user pages; the deletion log shows it.",
        deleted,
    ) % {"count": deleted}
