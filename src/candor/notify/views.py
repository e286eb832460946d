"""The owner's own notification pages (C50, C71): each shows only the logged-in person's rows, so another
account sees its own (possibly empty) list, never someone else's. No view says who watches a page. And the
"email this user" form (C65, C66)."""

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from candor.accounts.mail import verified_email
from candor.notify import actions
from candor.notify.forms import EmailUserForm
from candor.notify.models import (
    SWITCHABLE_KINDS,
    Channel,
    Frequency,
    Kind,
    Notification,
    NotificationSettings,
    Watch,
)
from candor.privacy import consent
from candor.privacy.consent import Purpose
from candor.privacy.pages import private_page
from candor.publiclog.titles import InvalidTitle, parse
from candor.wiki.models import Page

SHOWN = 200


@private_page
def inbox(request: HttpRequest) -> HttpResponse:
    """Administrative notices (C64) in a list of their own, above the notifications about edits."""
    mine = Notification.objects.filter(user=request.user).order_by("-created_at", "-id")
    notices = list(mine.filter(kind=Kind.ADMINISTRATIVE).select_related("announcement")[:SHOWN])
    notifications = list(
        mine.exclude(kind__in=[Kind.ADMINISTRATIVE, *actions.hidden_kinds(request.user)]).select_related(
            "page"
        )[:SHOWN]
    )
    actions.do_mark_read(request.user)
    return render(request, "notify/inbox.html", {"notices": notices, "notifications": notifications})


@private_page
def watchlist(request: HttpRequest) -> HttpResponse:
    watches = (
        Watch.objects.filter(user=request.user)
        .select_related("page__latest__user")
        .order_by("page__namespace", "page__title")
    )
    return render(request, "notify/watchlist.html", {"watches": watches})


@private_page
@require_http_methods(["GET", "HEAD", "POST"])
def notification_settings(request: HttpRequest) -> HttpResponse:
    """Which kinds of notification show on the site and go by email, and how often email goes (C71)."""
    if request.method == "POST":
        frequency = request.POST.get("frequency")
        if frequency is not None and frequency not in Frequency.values:
            return HttpResponseBadRequest(_("Choose one of the frequencies offered."))
        if frequency is None and "switches" not in request.POST:
            return HttpResponseBadRequest(_("Nothing to save."))
        with transaction.atomic():
            if frequency is not None:
                actions.do_set_frequency(request.user, frequency)
            if "switches" in request.POST:
                chosen = {tuple(value.split(":", 1)) for value in request.POST.getlist("on")}
                actions.do_set_switches(request.user, chosen)
        return HttpResponseRedirect("/notify/settings")
    current = (
        NotificationSettings.objects.filter(user=request.user).values_list("frequency", flat=True).first()
        or Frequency.NEVER
    )
    on = actions.switches(request.user)
    context = {
        "kinds": [
            (kind, Kind(kind).label, [(channel, on[(kind, channel)]) for channel in Channel.values])
            for kind in SWITCHABLE_KINDS
        ],
        "channels": Channel.choices,
        "frequencies": Frequency.choices,
        "current": current,
        "consented": consent.has_consent(request.user, Purpose.WATCHLIST_EMAIL),
        "verified": request.user.email_verified_at is not None and bool(request.user.email),
    }
    return render(request, "notify/settings.html", context)


@private_page
@require_POST
def watch(request: HttpRequest) -> HttpResponse:
    try:
        title = parse(request.POST.get("title", ""))
    except InvalidTitle:
        return HttpResponseBadRequest(_("There is no such page."))
    page = Page.objects.live().filter(namespace=title.namespace, title=title.key).first()
    if page is None:
        return HttpResponseBadRequest(_("There is no such page."))
    if request.POST.get("watch") == "0":
        actions.do_unwatch(request.user, page)
    else:
        actions.do_watch(request.user, page)
    return HttpResponseRedirect(title.url)


@private_page
def email_user(request: HttpRequest) -> HttpResponse:
    """The form (C65, C66). It states what the recipient sees, and that the policy stops at delivery."""
    sender = request.user
    form = EmailUserForm(request.POST or None, initial={"to": request.GET.get("to", "")})
    if verified_email(sender) is None:
        context = {"form": form, "can_send": False, "problem": actions.CONFIRM_YOURS_FIRST}
        return render(request, "notify/email_user.html", context, status=403 if request.POST else 200)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                actions.do_email_user(
                    sender, data["to"], data["subject"], data["body"], data["show_my_address"],
                    request.candor_meta,
                )  # fmt: skip
            except actions.EmailRefused as refusal:
                form.add_error(None, str(refusal))
                status = refusal.status
            else:
                messages.success(request, _("Your message was sent."))
                return HttpResponseRedirect("/accounts/email-user")
    context = {"form": form, "can_send": True, "problem": "", "limit": actions.DAILY_LIMIT}
    return render(request, "notify/email_user.html", context, status=status)
