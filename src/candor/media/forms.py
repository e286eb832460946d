from django import forms
from django.utils.translation import gettext_lazy


class UploadForm(forms.Form):
    file = forms.FileField(required=False)
    name = forms.CharField(max_length=240, required=False, label=gettext_lazy("Name of the file's page"))
    comment = forms.CharField(
        max_length=500,
        required=False,
        label=gettext_lazy("Description (public)"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    keep_metadata = forms.BooleanField(
        required=False,
        label=gettext_lazy(
            "Keep the camera metadata (position, capture time, camera) — you will see the list before "
            "anything is published"
        ),
    )
    confirm = forms.BooleanField(required=False)
    pending = forms.CharField(required=False, widget=forms.HiddenInput)
