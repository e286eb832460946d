import zoneinfo

from django import forms
from django.conf import settings
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from candor.privacy.consent import NOTICES, Purpose


class SignupForm(forms.Form):
    username = forms.CharField(
        label=_("Username"),
        max_length=200,
        help_text=_(
            "Your username is public: it appears beside every edit you make. "
            "Think twice before using your real name."
        ),
    )
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput, max_length=4096, strip=False)
    email = forms.EmailField(
        required=False,
        label=_("Email address (optional)"),
        help_text=_("Optional. Only for resetting a forgotten password; never shown to anyone."),
    )


class LoginForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=200)
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput, max_length=4096, strip=False)


class EmailForm(forms.Form):
    email = forms.EmailField(
        required=False,
        label=_("Email address (optional)"),
        help_text=_("Seen by nobody but you. Leave it empty to remove it."),
    )


class PasswordForm(forms.Form):
    current = forms.CharField(
        label=_("Current password"), widget=forms.PasswordInput, strip=False, max_length=4096
    )
    new = forms.CharField(label=_("New password"), widget=forms.PasswordInput, strip=False, max_length=4096)


class PreferencesForm(forms.Form):
    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        choices=[(name, name) for name in sorted(zoneinfo.available_timezones())],
        help_text=_("Times are shown to you in this zone. Private: only you can see it."),
    )


class LanguageForm(forms.Form):
    language = forms.ChoiceField(
        label=_("Language"),
        choices=[("", _("As my browser asks"))] + list(settings.LANGUAGES),
        required=False,
        help_text=_("Candor, and the mail it sends you, in this language. Private: only you can see it."),
    )


class ConsentForm(forms.Form):
    """One box per purpose, with the exact notice a choice is recorded against (DESIGN.md, Consent)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for purpose in Purpose:
            self.fields[purpose.value] = forms.BooleanField(
                required=False, label=gettext(purpose.label), help_text=gettext(NOTICES[purpose].text)
            )


class PasswordResetRequestForm(forms.Form):
    identifier = forms.CharField(
        label=_("Username or email address"),
        max_length=254,
        help_text=_("A link is mailed only to an address its owner has confirmed."),
    )


class PasswordResetForm(forms.Form):
    new = forms.CharField(label=_("New password"), widget=forms.PasswordInput, strip=False, max_length=4096)


class EmailUserChoiceForm(forms.Form):
    """The preferences checkbox for "email this user" (C65); off until its owner switches it on."""

    accepts_user_email = forms.BooleanField(
        label=_("Let other users email me through Candor"), required=False
    )
