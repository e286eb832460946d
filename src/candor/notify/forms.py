from django import forms

from candor.accounts import usernames


class EmailUserForm(forms.Form):
    """A message to another user (C65); the recipient's address is never asked for nor shown."""

    to = forms.CharField(label="To (username)", max_length=usernames.MAX_LENGTH)
    subject = forms.CharField(label="Subject", max_length=200)
    body = forms.CharField(label="Message", max_length=20_000, widget=forms.Textarea(attrs={"rows": 12}))
    show_my_address = forms.BooleanField(label="Show my email address to the recipient", required=False)
