"""{% blank_form form %}: {% crispy form %} for a form shown empty, rendered once per process.

Crispy forms builds the layout's HTML field by field through dozens of small templates: about
20 ms of CPU for the contact page's two forms, two thirds of the whole request. An empty form is
the same for every visitor in one language, except its fresh submission key (SubmissionKeyMixin),
so its HTML is kept per form class, prefix, language and initial values, with a marker where the
key goes. Bound forms (with what the visitor typed and the errors) are rendered as usual, and so
is any form whose HTML could depend on the database or the clock (a model choice, a callable
initial value).
"""

from __future__ import annotations

from crispy_forms.utils import render_crispy_form
from django import forms, template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

register = template.Library()

_KEY_MARK = "blank-form-submission-key-goes-here"
_KEY_FIELD = "submission_token"
_KEPT = 64  # distinct (form, language, initial) combinations kept per process; a few in practice
_rendered: dict[tuple, str] = {}


def _shared_shape(form: forms.BaseForm) -> tuple | None:
    """What an empty form's HTML depends on, or None when it might depend on more than that."""
    initial = []
    for name, field in form.fields.items():
        if isinstance(field, forms.ModelChoiceField) or callable(field.initial):
            return None
        if name != _KEY_FIELD:
            initial.append((name, repr(field.initial), repr(form.initial.get(name))))
    return (type(form).__module__, type(form).__qualname__, form.prefix, get_language(), tuple(initial))


@register.simple_tag
def blank_form(form: forms.BaseForm) -> SafeString:
    shape = None if form.is_bound else _shared_shape(form)
    if shape is None:
        return render_crispy_form(form)
    html = _rendered.get(shape)
    if html is None:
        # A twin of the form, so that the page's own form keeps its key untouched.
        twin = type(form)(prefix=form.prefix, initial=form.initial)
        if _KEY_FIELD in twin.fields:
            twin.fields[_KEY_FIELD].initial = _KEY_MARK
        html = str(render_crispy_form(twin))
        if len(_rendered) >= _KEPT:
            _rendered.clear()
        _rendered[shape] = html
    key = form.fields[_KEY_FIELD].initial if _KEY_FIELD in form.fields else ""
    return mark_safe(html.replace(_KEY_MARK, escape(key)))  # noqa: S308 - crispy's own escaped output
