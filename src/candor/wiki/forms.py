from django import forms
from django.utils.translation import gettext_lazy as _

from candor.wiki.actions import MAX_SUMMARY_CHARS


class EditForm(forms.Form):
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 25, "cols": 80}), required=False, strip=False)
    summary = forms.CharField(max_length=MAX_SUMMARY_CHARS, required=False, label=_("Summary"))
    # The revision the editor started from; empty for a new page. A stale base is an edit conflict.
    base = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)


class SearchForm(forms.Form):
    q = forms.CharField(max_length=300, required=False, label=_("Search"))
