"""Public governance pages: the policy, its versions, diffs and comments, the announce feed, the privacy
contact and the transparency report. Nothing here shows nonpublic information."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils import translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt

from candor.governance import actions, announce_list, queries
from candor.governance.actions import GovernanceRefused
from candor.governance.models import Announcement, ChangeStatus, EarlierPolicy, PolicyVersion
from candor.governance.periods import today
from candor.privacy.roles import ACCESS_POLICY_TEXT, ACCESS_POLICY_VERSION
from candor.wiki.diff import compare
from candor.wiki.markup import render as render_markup

PUBLISHED = (ChangeStatus.IN_COMMENT, ChangeStatus.ADOPTED)
ANNOUNCEMENTS_SHOWN = 50


def _number(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404("No such version.") from None


def _published(number) -> PolicyVersion:
    version = PolicyVersion.objects.filter(number=_number(number), status__in=PUBLISHED).first()
    if version is None:
        raise Http404("No such version.")
    return version


def _text_in(version: PolicyVersion, language: str) -> tuple[str, str]:
    """The version's text in `language` if it has one, else the English original; and the language shown."""
    if language and language != version.language:
        translation = version.translations.filter(language=language).first()
        if translation is not None:
            return translation.text, translation.language
    return version.text, version.language


def _version_context(request: HttpRequest, version: PolicyVersion) -> dict:
    text, shown = _text_in(version, request.GET.get("lang") or translation.get_language())  # C12
    return {
        "policy": version,
        "html": render_markup(text),
        "language": shown,
        "translated": shown != version.language,
        "languages": [version.language, *version.translations.values_list("language", flat=True)],
        "until": queries.effective_until(version) if version.status == ChangeStatus.ADOPTED else None,
        "contact": settings.CANDOR_PRIVACY_CONTACT,
    }


def privacy_policy(request: HttpRequest) -> HttpResponse:
    """The version in force, at the stable address (C03, C114), in a language of the reader's choice (C12)."""
    policy = queries.policy_in_force()
    if policy is None:
        raise Http404("No privacy policy is in force.")
    context = {**_version_context(request, policy), "base_path": "/privacy?", "archive": queries.archive()}
    return render(request, "governance/policy.html", context)


def policy_versions(request: HttpRequest) -> HttpResponse:
    """The archive (C116); one version at ?number=N (with its comments while proposed, C117); an earlier
    policy at ?earlier=YYYY-MM."""
    if "earlier" in request.GET:
        earlier = EarlierPolicy.objects.filter(key=request.GET["earlier"]).first()
        if earlier is None:
            raise Http404("No such version.")
        return render(request, "governance/earlier.html", {"earlier": earlier})
    if "number" not in request.GET:
        proposals = PolicyVersion.objects.filter(status=ChangeStatus.IN_COMMENT).order_by("number")
        return render(
            request, "governance/versions.html", {"archive": queries.archive(), "proposals": proposals}
        )
    version = _published(request.GET["number"])
    status, error = 200, ""
    if request.method == "POST":
        if not request.user.is_authenticated:
            return HttpResponseRedirect("/accounts/login?" + urlencode({"next": request.get_full_path()}))
        try:
            actions.do_comment(request.user, version, text=request.POST.get("text", ""))
            return HttpResponseRedirect(f"/privacy/versions?number={version.number}#comments")
        except GovernanceRefused as refused:
            status, error = 400, str(refused)
    context = {
        **_version_context(request, version),
        "base_path": f"/privacy/versions?number={version.number}&",
        "comments": version.comments.select_related("user"),
        "open_for_comment": version.status == ChangeStatus.IN_COMMENT and today() < version.comment_closes_on,
        "error": error,
    }
    return render(request, "governance/version.html", context, status=status)


def policy_diff(request: HttpRequest) -> HttpResponse:
    """What changed between any two published versions, English originals (C122)."""
    old, new = _published(request.GET.get("from")), _published(request.GET.get("to"))
    context = {"old": old, "new": new, "rows": compare(old.text, new.text)}
    return render(request, "governance/diff.html", context)


def announcements(request: HttpRequest) -> HttpResponse:
    """The announce list (C125): every notice of a policy change or an ownership transfer, and the form to
    receive them by mail without an account (double opt-in)."""
    status, error = 200, ""
    if request.method == "POST":
        try:
            actions.do_subscribe(request.POST.get("email", ""))
            return HttpResponseRedirect("/privacy/announcements?subscribed=1")
        except GovernanceRefused as refused:
            status, error = 400, str(refused)
    context = {
        "announcements": Announcement.objects.all()[:ANNOUNCEMENTS_SHOWN],
        "subscribed": request.GET.get("subscribed") == "1",
        "error": error,
    }
    return render(request, "governance/announcements.html", context, status=status)


def _subscription_step(request: HttpRequest, step, done: str, question: str) -> HttpResponse:
    """A link of the announce list's mail: GET asks to confirm with a button, POST does it (a mail scanner
    that follows links changes nothing)."""
    token = request.GET.get("token", "")
    context = {"token": token, "question": question, "done": "", "error": ""}
    if request.method == "POST":
        try:
            step(token)
            context["done"] = done
        except announce_list.InvalidLink as invalid:
            context["error"] = str(invalid)
    return render(request, "governance/subscription.html", context, status=400 if context["error"] else 200)


def confirm_subscription(request: HttpRequest) -> HttpResponse:
    done = _("Your address is confirmed: announcements will reach it.")
    question = _("Confirm that you want Candor's announcements by mail.")
    return _subscription_step(request, actions.do_confirm_subscription, done, question)


@csrf_exempt  # a mail client's one-click List-Unsubscribe-Post (RFC 8058) carries no CSRF token
def unsubscribe(request: HttpRequest) -> HttpResponse:
    done = _("Your address is removed from the list: it receives nothing more.")
    question = _("Stop receiving Candor's announcements by mail.")
    return _subscription_step(request, actions.do_unsubscribe, done, question)


class AnnouncementFeed(Feed):
    """The announce list as an Atom feed: anyone can follow it, without an account or an address (C125)."""

    title = gettext_lazy("Candor announcements")
    link = "/privacy/announcements"
    description = gettext_lazy("Changes to the privacy policy and notices of ownership transfers.")

    def items(self):
        return Announcement.objects.all()[:ANNOUNCEMENTS_SHOWN]

    def item_title(self, item: Announcement) -> str:
        return item.subject

    def item_description(self, item: Announcement) -> str:
        return item.body

    def item_link(self, item: Announcement) -> str:
        return item.link

    def item_pubdate(self, item: Announcement):
        return item.at


def contact(request: HttpRequest) -> HttpResponse:
    """The privacy contact (C123) and the right to complain to a supervisory authority (C124)."""
    status, error, sent = 200, "", request.GET.get("sent") == "1"
    if request.method == "POST":
        try:
            actions.do_send_contact_message(
                reply_to=request.POST.get("reply_to", ""), message=request.POST.get("message", "")
            )
            return HttpResponseRedirect("/privacy/contact?sent=1")
        except GovernanceRefused as refused:
            status, error = 400, str(refused)
    context = {"contact": settings.CANDOR_PRIVACY_CONTACT, "error": error, "sent": sent}
    return render(request, "governance/contact.html", context, status=status)


def transparency(request: HttpRequest) -> HttpResponse:
    context = {"periods": queries.transparency_report(), "hosting": settings.CANDOR_HOSTING_LOCATION}
    return render(request, "governance/transparency.html", context)


def faq(request: HttpRequest) -> HttpResponse:
    """The FAQ the policy refers to (C14), answered for what Candor does."""
    return render(request, "governance/faq.html")


def glossary(request: HttpRequest) -> HttpResponse:
    """The glossary of key terms the policy refers to (C14)."""
    return render(request, "governance/glossary.html")


def access_policy(request: HttpRequest) -> HttpResponse:
    """The access to nonpublic information policy that every privileged user accepted (C14, C90), public."""
    return render(
        request,
        "governance/access_policy.html",
        {"text": ACCESS_POLICY_TEXT, "version": ACCESS_POLICY_VERSION},
    )


def legal_demands(request: HttpRequest) -> HttpResponse:
    """The subpoena FAQ (C83): what Candor does with a legal demand and what the person concerned can do."""
    return render(request, "governance/legal_demands.html", {"contact": settings.CANDOR_PRIVACY_CONTACT})
