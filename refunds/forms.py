from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Field, Fieldset, Layout, Submit
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from helpcenter.forms import HoneypotMixin, MultipleFileField, rating_scale
from refunds.models import ClaimFeedback, RefundClaim
from refunds.transitions import TRANSITIONS


class ChargeFieldsMixin:
    """What the customer's form and the agent's have in common about the charge."""

    def clean_charge_date(self):
        charge_date = self.cleaned_data["charge_date"]
        if charge_date > timezone.localdate():
            raise forms.ValidationError(_("The charge date cannot be in the future."))
        return charge_date

    def clean_currency(self):
        return self.cleaned_data["currency"].upper()


class ClaimForm(ChargeFieldsMixin, HoneypotMixin, forms.ModelForm):
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
            "payment_method": _(
                "Bought through the App Store or Google Play? Apple or Google refunds those purchases, not us: "
                "ask at reportaproblem.apple.com or in your Google Play order history."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["currency"].widget = forms.Select(choices=[("KRW", "KRW"), ("USD", "USD")])
        self.fields["reason"].widget.attrs["data-policy-hints"] = "1"
        # The script shows the store pointer beside the choice; the help text says it without script.
        self.fields["payment_method"].widget.attrs["data-store-method"] = RefundClaim.PaymentMethod.APP_STORE
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
                Div(
                    css_id="store-refund-hint",
                    css_class="alert alert-warning",
                    role="status",
                    aria_live="polite",
                    hidden="hidden",
                ),
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


class AgentClaimForm(ChargeFieldsMixin, forms.ModelForm):
    """A claim an agent files for the customer in the admin (often opened from their ticket)."""

    class Meta:
        model = RefundClaim
        fields = [
            "ticket",
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
        widgets = {"charge_date": forms.DateInput(attrs={"type": "date"})}

    def clean(self):
        data = super().clean()
        if {"email", "charge_date", "amount"} <= data.keys():
            existing = RefundClaim.objects.open_duplicate_of(data["email"], data["charge_date"], data["amount"])
            if existing is not None:
                raise forms.ValidationError(
                    _("Claim %(reference)s for this charge is already open: add to that one instead."),
                    params={"reference": existing.reference},
                )
        return data


class ProvideInfoForm(forms.Form):
    note = forms.CharField(
        label=_("Your answer"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000, required=False
    )
    files = MultipleFileField(label=_("Files"), required=False)

    def clean(self):
        data = super().clean()
        if "note" not in data:  # refused already (too long): its own error says why, not "write one"
            return data
        problem = TRANSITIONS["provide_info"].note_problem(data["note"], data.get("files"))
        if problem:
            raise forms.ValidationError(problem)
        return data


class AppealForm(forms.Form):
    note = forms.CharField(
        label=_("Why should we look again?"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        error_messages={"required": TRANSITIONS["appeal"].note_missing},
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
    """The form behind each button in the admin: what that transition needs written down, as its
    row in the transition table says."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, action: str, *args, **kwargs):
        super().__init__(*args, **kwargs)
        row = TRANSITIONS[action]
        messages = {"required": row.note_missing} if row.note_missing else {}
        if row.one_line:  # a payment reference: the claim keeps up to 100 characters of it
            widget, max_length = forms.TextInput(attrs={"size": 40}), 100
        else:
            widget, max_length = forms.Textarea(attrs={"rows": 3, "cols": 80}), 5000
        self.fields = {
            "note": forms.CharField(
                label=row.note_label,
                required=row.note_missing is not None,
                max_length=max_length,
                widget=widget,
                error_messages=messages,
            ),
            **self.fields,
        }
