from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class VoteForm(forms.Form):
    helpful = forms.ChoiceField(choices=[("yes", _("Yes")), ("no", _("No"))], widget=forms.HiddenInput)
    comment = forms.CharField(
        label=_("What was missing? (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CommentForm(forms.Form):
    comment = forms.CharField(
        label=_("What was missing?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Please write what was missing before sending.")},
    )
