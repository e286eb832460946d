from django import forms


class UploadForm(forms.Form):
    file = forms.FileField(required=False)
    name = forms.CharField(
        max_length=240, required=False, help_text="The name of the file's page, e.g. Harbour.jpg"
    )
    comment = forms.CharField(max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3}))
    keep_metadata = forms.BooleanField(
        required=False, label="Keep the camera metadata (position, time, camera)"
    )
    confirm = forms.BooleanField(required=False)
    pending = forms.CharField(required=False, widget=forms.HiddenInput)
