from django import forms


class SignupForm(forms.Form):
    username = forms.CharField(
        max_length=200,
        help_text="Your username is public: it appears beside every edit you make. "
        "Think twice before using your real name.",
    )
    password = forms.CharField(widget=forms.PasswordInput, max_length=4096, strip=False)
    email = forms.EmailField(
        required=False,
        label="Email address (optional)",
        help_text="Optional. Only for resetting a forgotten password; never shown to anyone.",
    )


class LoginForm(forms.Form):
    username = forms.CharField(max_length=200)
    password = forms.CharField(widget=forms.PasswordInput, max_length=4096, strip=False)
