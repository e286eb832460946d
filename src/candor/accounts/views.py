from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout, update_session_auth_hash
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from candor.accounts import actions, mail, throttle, usernames
from candor.accounts.actions import AccountRefused
from candor.accounts.forms import (
    ConsentForm,
    EmailForm,
    EmailUserChoiceForm,
    LanguageForm,
    LoginForm,
    PasswordForm,
    PasswordResetForm,
    PasswordResetRequestForm,
    PreferencesForm,
    SignupForm,
)
from candor.accounts.models import User
from candor.privacy import consent
from candor.privacy.pages import private_page

COOKIES_NEEDED = gettext_lazy(
    "Your browser did not send back the cookie this form needs. Logging in and signing up need cookies; "
    "reading, searching and editing without an account do not."
)


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/"
    allowed = url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=False)
    return target if allowed else "/"


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form posted without its cookie: say that cookies are needed, instead of a bare 403 (C62)."""
    return render(request, "accounts/cookies_needed.html", {"message": COOKIES_NEEDED}, status=403)


def signup(request: HttpRequest) -> HttpResponse:
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = actions.do_create_account(
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password"],
                email=form.cleaned_data["email"],
                meta=request.candor_meta,
            )
        except AccountRefused as refusal:
            form.add_error(refusal.field, str(refusal))
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(
                request, _("Welcome, %(name)s. Your account is ready.") % {"name": user.username}
            )
            return HttpResponseRedirect(_next_url(request))
    status = 400 if form.errors else 200
    return render(request, "accounts/signup.html", {"form": form, "next": _next_url(request)}, status=status)


def login_view(request: HttpRequest) -> HttpResponse:
    form = LoginForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        username, password = form.cleaned_data["username"], form.cleaned_data["password"]
        meta = request.candor_meta
        if throttle.is_throttled(username, meta.ip):
            form.add_error(None, _("Too many failed attempts. Wait a few minutes before trying again."))
            status = 429
        else:
            user = authenticate(request, username=usernames.canonical(username), password=password)
            if user is None:
                actions.do_record_failed_login(username, meta)
                form.add_error(None, _("The username or the password is incorrect."))
                status = 400
            else:
                login(request, user)
                actions.do_record_login(user, meta)
                return HttpResponseRedirect(_next_url(request))
    elif form.errors:
        status = 400
    return render(request, "accounts/login.html", {"form": form, "next": _next_url(request)}, status=status)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        actions.do_record_logout(request.user, request.candor_meta)
    logout(request)
    return HttpResponseRedirect(_next_url(request))


@private_page
def preferences(request: HttpRequest) -> HttpResponse:
    """The owner's private settings (C50): their email, password, time zone and the mail they agree to receive
    (C68, C69). Nobody else's, ever."""
    user = request.user
    forms = {
        "consent": ConsentForm(initial=consent.current_choices(user)),
        "email": EmailForm(initial={"email": user.email or ""}),
        "password": PasswordForm(),
        "preferences": PreferencesForm(initial={"time_zone": user.time_zone}),
        "language": LanguageForm(initial={"language": user.language}),
        "user_email": EmailUserChoiceForm(initial={"accepts_user_email": user.accepts_user_email}),
    }
    status = 200
    if request.method == "POST":
        which = request.POST.get("form", "")
        if which not in forms:
            return HttpResponse(_("Unknown form."), status=400, content_type="text/plain; charset=utf-8")
        form = forms[which] = type(forms[which])(request.POST)
        if form.is_valid():
            try:
                _apply(which, request, form.cleaned_data)
            except AccountRefused as refusal:
                form.add_error(refusal.field, str(refusal))
            else:
                messages.success(request, _("Saved."))
                return HttpResponseRedirect("/accounts/preferences")
        status = 400
    context = {
        "forms": forms,
        "email_verified": user.email_verified_at is not None,
        "consent_choices": [(forms["consent"][p], consent.NOTICES[p]) for p in consent.Purpose.values],
    }
    return render(request, "accounts/preferences.html", context, status=status)


def _apply(which: str, request: HttpRequest, data: dict) -> None:
    user, meta = request.user, request.candor_meta
    if which == "email":
        actions.do_change_email(user, data["email"], meta)
    elif which == "consent":
        consent.do_set_consents(user, {purpose: data[purpose] for purpose in consent.Purpose.values}, meta)
    elif which == "password":
        actions.do_change_password(user, current=data["current"], new=data["new"], meta=meta)
        update_session_auth_hash(request, user)
    elif which == "user_email":
        actions.do_set_accepts_user_email(user, data["accepts_user_email"], meta)
    elif which == "language":
        actions.do_set_language(user, data["language"])
    else:
        actions.do_change_preferences(user, time_zone=data["time_zone"], meta=meta)


@csrf_exempt  # the signed token is the authentication: a mail client posts it without a session (RFC 8058)
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest) -> HttpResponse:
    """The link of every consented mail (C68, C69): GET asks to confirm and changes nothing; POST withdraws
    that one consent, from the page's button or from a mail client's one-click List-Unsubscribe-Post."""
    token = request.GET.get("token", "")
    try:
        user, purpose = consent.unsubscribe_claim(token, User.objects)
    except consent.InvalidUnsubscribe as problem:
        return render(request, "accounts/unsubscribe.html", {"error": str(problem)}, status=400)
    done = request.method == "POST"
    if done:
        consent.do_set_consents(user, {purpose: False}, request.candor_meta)
    context = {"error": "", "token": token, "what": _(purpose.label), "done": done}
    return render(request, "accounts/unsubscribe.html", context)


# One answer whether or not the name or the address belongs to an account, or has a confirmed address (C102).
RESET_REQUESTED = gettext_lazy(
    "If that is the username or the confirmed email address of an account, a link to choose a new password "
    "is on its way to the account's address. It works once, within an hour."
)


def verify_email(request: HttpRequest) -> HttpResponse:
    """The link mailed to a new address (C68): following it confirms the address, once."""
    try:
        actions.do_verify_email(request.GET.get("token", ""), request.candor_meta)
    except AccountRefused as refusal:
        return render(request, "accounts/verify_email.html", {"error": str(refusal)}, status=400)
    return render(request, "accounts/verify_email.html", {"error": ""})


def password_reset(request: HttpRequest) -> HttpResponse:
    form = PasswordResetRequestForm(request.POST or None)
    sent, status = False, 200
    if request.method == "POST":
        if form.is_valid():
            actions.do_request_password_reset(form.cleaned_data["identifier"], request.candor_meta)
            form, sent = PasswordResetRequestForm(), True  # not echoed: the page is the same for everyone
        else:
            status = 400
    context = {"form": form, "sent": RESET_REQUESTED if sent else ""}
    return render(request, "accounts/password_reset.html", context, status=status)


def password_reset_confirm(request: HttpRequest) -> HttpResponse:
    """The link of a reset mail: a form, on the site, for a new password (C101, C102)."""
    source = request.POST if request.method == "POST" else request.GET
    uid, token = source.get("uid", ""), source.get("token", "")
    problem = mail.reset_link_problem(uid, token)
    if problem:
        return render(request, "accounts/password_reset_confirm.html", {"error": problem}, status=400)
    form = PasswordResetForm(request.POST or None, initial={"uid": uid, "token": token})
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_reset_password(
                uid=uid, token=token, new=form.cleaned_data["new"], meta=request.candor_meta
            )
        except AccountRefused as refusal:
            form.add_error("new" if refusal.field == "new" else None, str(refusal))
        else:
            messages.success(request, _("Your password is changed. Log in with the new one."))
            return HttpResponseRedirect("/accounts/login")
    status = 400 if form.errors else 200
    return render(request, "accounts/password_reset_confirm.html", {"form": form}, status=status)


# No CSRF token: the footer form is on every page, and a token would set the csrftoken cookie on every read.
# A forged post could only change a reader's interface language, which they can change back in one click.
@csrf_exempt
@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """The footer's language picker (C57): sets the declared `candor_language` cookie (privacy/cookies.py)
    and goes back to the page. Reading never sets it; only picking does. Nothing else records the choice."""
    language = request.POST.get("language", "")
    target = _next_url(request)
    response = HttpResponseRedirect(target)
    if language in dict(settings.LANGUAGES):
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            secure=request.is_secure(),
            httponly=True,
        )
    return response
