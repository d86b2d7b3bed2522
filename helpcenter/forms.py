"""Form pieces every public form of the help center shares: uploads, the honeypot, the lookup."""

from __future__ import annotations

import hashlib
import secrets
import time

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from helpcenter.uploads import validate_uploads


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked by helpcenter.uploads."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*,application/pdf"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = [item for item in (data if isinstance(data, list | tuple) else [data]) if item]
        return validate_uploads(files)


def rating_scale(lowest: str, highest: str) -> list[tuple[int, str]]:
    """A 1–5 scale whose ends say what they mean ("1 – Very dissatisfied" … "5 – Very satisfied"),
    so nobody has to guess which end is good."""
    middle = [(value, str(value)) for value in range(2, 5)]
    return [(1, format_lazy("1 – {}", lowest)), *middle, (5, format_lazy("5 – {}", highest))]


class HoneypotMixin(forms.Form):
    # Hidden from people (CSS and aria-hidden); bots that fill every field give themselves away.
    website = forms.CharField(required=False, label=_("Leave this field empty"))

    def clean_website(self):
        if self.cleaned_data.get("website"):
            raise forms.ValidationError(_("Please leave the last field empty."))
        return ""


class LookupForm(forms.Form):
    reference = forms.CharField(label=_("Reference"), max_length=20)
    email = forms.EmailField(label=_("E-mail address used for the request"))

    def __init__(self, *args, reference_example: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reference"].help_text = _("For example %(reference)s.") % {"reference": reference_example}


class SubmissionKeyMixin(forms.Form):
    """One submission, one record: a hidden key, fresh each time the form is shown, that the view
    stores under a unique constraint. A double click or a replayed POST carries the same key and
    the same fields, so the second insert fails in the database, not in a look-up that a second
    request could pass at the same moment. A changed form (same page, other text) is a new key.
    Without the hidden key (a script posting directly), the fields within one 10-minute window
    are the key."""

    submission_token = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)
    submission_fields: tuple[str, ...] = ()
    WINDOW_SECONDS = 600

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["submission_token"].initial = secrets.token_urlsafe(24)

    def submission_key(self) -> str:
        token = self.cleaned_data.get("submission_token") or f"window:{int(time.time()) // self.WINDOW_SECONDS}"
        values = [token] + [str(self.cleaned_data.get(name) or "").strip().lower() for name in self.submission_fields]
        return hashlib.sha256("\x1f".join(values).encode()).hexdigest()
