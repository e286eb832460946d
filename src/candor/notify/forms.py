from django import forms
from django.utils.translation import gettext_lazy

from candor.accounts import usernames


class EmailUserForm(forms.Form):
    """A message to another user (C65); the recipient's address is never asked for nor shown."""

    to = forms.CharField(label=gettext_lazy("To (username)"), max_length=usernames.MAX_LENGTH)
    subject = forms.CharField(label=gettext_lazy("Subject"), max_length=200)
    body = forms.CharField(
        label=gettext_lazy("Message"), max_length=20_000, widget=forms.Textarea(attrs={"rows": 12})
    )
    show_my_address = forms.BooleanField(
        label=gettext_lazy("Show my email address to the recipient"), required=False
    )

    def clean_subject(self) -> str:
        # A line break would end the Subject header: the mail library refuses it, so say so here (issue 20).
        subject = self.cleaned_data["subject"]
        if any(char in subject for char in "\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"):
            raise forms.ValidationError(gettext_lazy("The subject must be a single line."))
        return subject
