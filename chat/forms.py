from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from helpcenter.forms import MultipleFileField
from tickets.models import Ticket


class PreChatForm(forms.Form):
    """The short form before a chat (and the message left when nobody is there)."""

    name = forms.CharField(label=_("Name"), max_length=100)
    email = forms.EmailField(label=_("E-mail"))
    topic = forms.ChoiceField(label=_("Topic"), choices=Ticket.Topic.choices, initial=Ticket.Topic.OTHER)
    text = forms.CharField(label=_("Your question"), widget=forms.Textarea(attrs={"rows": 3}))
    # Sent once the customer has seen the suggested articles and still wants a person.
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def clean_text(self) -> str:
        text = self.cleaned_data["text"].strip()
        if len(text) > settings.CHAT_MAX_MESSAGE_CHARS:
            raise forms.ValidationError(
                _("A message can be at most %(limit)d characters.") % {"limit": settings.CHAT_MAX_MESSAGE_CHARS}
            )
        return text


class DeflectionForm(forms.Form):
    question = forms.CharField(max_length=2000)
    article = forms.SlugField(max_length=100)


class ChatFilesForm(forms.Form):
    """Files sent in a chat (either side), with the contact form's checks (helpcenter.uploads)."""

    # The client's id for this message, as on the socket: a resend after a lost answer is stored once.
    id = forms.CharField(min_length=1, max_length=64)
    text = forms.CharField(required=False, widget=forms.Textarea)
    files = MultipleFileField(label=_("Attachments"), required=False)

    def clean_files(self) -> list:
        files = self.cleaned_data["files"]
        if not files:
            raise forms.ValidationError(_("Choose a file to send."))
        return files
