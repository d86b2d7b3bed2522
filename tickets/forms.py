from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Field, Fieldset, Layout, Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from helpcenter.forms import HoneypotMixin, MultipleFileField, SubmissionKeyMixin, rating_scale
from tickets.models import Ticket


class ContactForm(SubmissionKeyMixin, HoneypotMixin, forms.ModelForm):
    submission_fields = ("requester_email", "topic", "subject", "description")

    description = forms.CharField(
        label=_("Describe the problem"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=10000,
        help_text=_("What happened, what you expected, and what you already tried."),
    )
    attachments = MultipleFileField(
        label=_("Attachments"),
        required=False,
        help_text=_("Up to 5 screenshots or PDF files, 10 MB each."),
    )

    class Meta:
        model = Ticket
        fields = [
            "requester_name",
            "requester_email",
            "topic",
            "subject",
            "device",
            "operating_system",
            "app_version",
            "error_message",
        ]
        labels = {"requester_name": _("Your name"), "requester_email": _("Account e-mail")}
        help_texts = {
            "requester_email": _("The e-mail address of your account, so we can find it."),
            "subject": _("A few words, such as “charged twice in November”."),
            "device": _("For example Galaxy S24, iPhone 15, Windows PC."),
            "operating_system": _("For example Android 15, iOS 18.1, Windows 11."),
            "app_version": _("Shown under Settings → App info."),
            "error_message": _("Copy the exact message, or attach a screenshot of it."),
        }
        widgets = {"error_message": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["requester_name"].required = True
        self.fields["subject"].widget.attrs.update({"autocomplete": "off", "data-faq-suggest": "1"})
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Fieldset(
                _("About you"),
                Div(
                    Div("requester_name", css_class="col-md-6"),
                    Div("requester_email", css_class="col-md-6"),
                    css_class="row",
                ),
            ),
            Fieldset(_("Your question"), "topic", "subject", "description"),
            Fieldset(
                _("Details that help us answer faster"),
                Div(
                    Div("device", css_class="col-md-4"),
                    Div("operating_system", css_class="col-md-4"),
                    Div("app_version", css_class="col-md-4"),
                    css_class="row",
                ),
                "error_message",
                "attachments",
            ),
            Div(Field("website", tabindex="-1", autocomplete="off"), css_class="hp-field", aria_hidden="true"),
            "submission_token",
            Submit("submit", _("Send request"), css_class="btn-lg"),
        )


class CallbackForm(SubmissionKeyMixin, HoneypotMixin, forms.ModelForm):
    submission_fields = ("requester_email", "callback_number", "callback_time", "subject")

    class Meta:
        model = Ticket
        fields = ["requester_name", "requester_email", "callback_number", "callback_time", "topic", "subject"]
        labels = {
            "requester_name": _("Your name"),
            "requester_email": _("Account e-mail"),
            "subject": _("What is it about?"),
        }
        help_texts = {"callback_time": _("For example: weekdays after 14:00.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["callback_number"].required = True
        self.fields["callback_time"].required = True
        self.fields["requester_name"].required = True
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Div(
                Div("requester_name", css_class="col-md-6"),
                Div("requester_email", css_class="col-md-6"),
                css_class="row",
            ),
            Div(
                Div("callback_number", css_class="col-md-6"),
                Div("callback_time", css_class="col-md-6"),
                css_class="row",
            ),
            "topic",
            "subject",
            Div(Field("website", tabindex="-1", autocomplete="off"), css_class="hp-field", aria_hidden="true"),
            "submission_token",
            Submit("submit", _("Request a call")),
        )

    def clean_callback_number(self):
        number = self.cleaned_data["callback_number"]
        digits = [c for c in number if c.isdigit()]
        if not 8 <= len(digits) <= 15:
            raise forms.ValidationError(_("Please enter a phone number we can call, such as 010-1234-5678."))
        return number


class ReplyForm(forms.Form):
    body = forms.CharField(label=_("Your reply"), widget=forms.Textarea(attrs={"rows": 5}), max_length=10000)
    attachments = MultipleFileField(
        label=_("Attachments"), required=False, help_text=_("Up to 5 screenshots or PDF files, 10 MB each.")
    )


class SurveyForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("How satisfied are you with the help you received?"),
        choices=rating_scale(_("Very dissatisfied"), _("Very satisfied")),
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Anything you would like to tell us? (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
