from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from candor.accounts import throttle, usernames
from candor.accounts.actions import SignupRefused, do_create_account
from candor.accounts.forms import LoginForm, SignupForm
from candor.privacy.network import client_address


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/"
    allowed = url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=False)
    return target if allowed else "/"


def signup(request: HttpRequest) -> HttpResponse:
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = do_create_account(
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password"],
                email=form.cleaned_data["email"],
            )
        except SignupRefused as refusal:
            form.add_error(refusal.field, str(refusal))
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, f"Welcome, {user.username}. Your account is ready.")
            return HttpResponseRedirect(_next_url(request))
    status = 400 if form.errors else 200
    return render(request, "accounts/signup.html", {"form": form, "next": _next_url(request)}, status=status)


def login_view(request: HttpRequest) -> HttpResponse:
    form = LoginForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        username, password = form.cleaned_data["username"], form.cleaned_data["password"]
        address = client_address(request)
        if throttle.is_throttled(username, address):
            form.add_error(None, "Too many failed attempts. Wait a few minutes before trying again.")
            status = 429
        else:
            user = authenticate(request, username=usernames.canonical(username), password=password)
            if user is None:
                throttle.record_failure(username, address)
                form.add_error(None, "The username or the password is incorrect.")
                status = 400
            else:
                throttle.clear(username)
                login(request, user)
                return HttpResponseRedirect(_next_url(request))
    elif form.errors:
        status = 400
    return render(request, "accounts/login.html", {"form": form, "next": _next_url(request)}, status=status)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return HttpResponseRedirect(_next_url(request))
