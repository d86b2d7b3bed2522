from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Field, Fieldset, Layout, Submit
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from helpcenter.forms import HoneypotMixin, MultipleFileField, rating_scale
from refunds.models import ClaimFeedback, RefundClaim


class ClaimForm(HoneypotMixin, forms.ModelForm):
    evidence = MultipleFileField(
        label=_("Evidence"),
        required=False,
        help_text=_(
            "Screenshots of the charge, a card statement or the error screen: up to 5 images or PDF files, 10 MB each."
        ),
    )

    class Meta:
        model = RefundClaim
        fields = [
            "email",
            "username",
            "subscription_type",
            "charge_date",
            "amount",
            "currency",
            "payment_method",
            "reason",
            "description",
        ]
        widgets = {
            "charge_date": forms.DateInput(attrs={"type": "date"}),
            "description": forms.Textarea(attrs={"rows": 5}),
            "amount": forms.NumberInput(attrs={"step": "1", "min": "1", "inputmode": "decimal"}),
        }
        help_texts = {
            "email": _("The e-mail address of your account."),
            "charge_date": _("As shown on your statement."),
            "amount": _("For example 10900."),
            "reason": _("How our policy treats each reason is shown below."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["currency"].widget = forms.Select(choices=[("KRW", "KRW"), ("USD", "USD")])
        self.fields["reason"].widget.attrs["data-policy-hints"] = "1"
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Fieldset(
                _("Your account"),
                Div(Div("email", css_class="col-md-6"), Div("username", css_class="col-md-6"), css_class="row"),
                "subscription_type",
            ),
            Fieldset(
                _("The charge"),
                Div(
                    Div("charge_date", css_class="col-md-4"),
                    Div("amount", css_class="col-md-5"),
                    Div("currency", css_class="col-md-3"),
                    css_class="row",
                ),
                "payment_method",
            ),
            Fieldset(
                _("Why you ask for a refund"),
                "reason",
                Div(
                    css_id="policy-hint",
                    css_class="alert alert-info",
                    role="status",
                    aria_live="polite",
                    hidden="hidden",
                ),
                "description",
                "evidence",
            ),
            Div(Field("website", tabindex="-1", autocomplete="off"), css_class="hp-field", aria_hidden="true"),
            Submit("submit", _("Send refund request"), css_class="btn-lg"),
        )

    def clean_charge_date(self):
        charge_date = self.cleaned_data["charge_date"]
        if charge_date > timezone.localdate():
            raise forms.ValidationError(_("The charge date cannot be in the future."))
        return charge_date

    def clean_currency(self):
        return self.cleaned_data["currency"].upper()


class ProvideInfoForm(forms.Form):
    note = forms.CharField(
        label=_("Your answer"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000, required=False
    )
    files = MultipleFileField(label=_("Files"), required=False)

    def clean(self):
        data = super().clean()
        if not data.get("note", "").strip() and not data.get("files"):
            raise forms.ValidationError(_("Please write an answer or attach a file."))
        return data


class AppealForm(forms.Form):
    note = forms.CharField(
        label=_("Why should we look again?"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000
    )
    files = MultipleFileField(label=_("More evidence"), required=False)


class FeedbackForm(forms.ModelForm):
    class Meta:
        model = ClaimFeedback
        fields = ["clarity", "speed", "agrees_with_decision", "comment"]
        labels = {
            "clarity": _("How clearly did we explain things? (1–5)"),
            "speed": _("How quickly did we handle your request? (1–5)"),
            "agrees_with_decision": _("Separately from how we served you: do you agree with the decision?"),
            "comment": _("Anything else? (optional)"),
        }
        widgets = {
            "clarity": forms.RadioSelect,
            "speed": forms.RadioSelect,
            "agrees_with_decision": forms.RadioSelect,
            "comment": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("clarity", "speed", "agrees_with_decision"):
            # Radio buttons need no "---------" choice: a blank pre-selected answer looks like an answer.
            self.fields[name].choices = [choice for choice in self.fields[name].choices if choice[0] != ""]
        self.fields["clarity"].choices = rating_scale(_("Very unclear"), _("Very clear"))
        self.fields["speed"].choices = rating_scale(_("Very slow"), _("Very fast"))


class TransitionForm(forms.Form):
    """The form behind each button in the admin: what that transition needs written down."""

    FIELDS = {
        "request_info": ("note", _("What is missing? (sent to the customer)"), True),
        "approve": ("note", _("Note (optional)"), False),
        "deny": ("note", _("Reason for the denial (sent to the customer)"), True),
        "mark_paid": ("note", _("Payment reference"), True),
    }

    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 3, "cols": 80}), max_length=5000)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, action: str, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _name, label, required = self.FIELDS[action]
        self.fields["note"].label = label
        self.fields["note"].required = required
        if action == "mark_paid":
            self.fields["note"].widget = forms.TextInput(attrs={"size": 40})
