"""`{% form_fields form %}`: a form's fields as `core/_form_fields.html` writes them (the error
summary, each label, hint, message and control), in one pass in Python.

For the forms of the practitioner's pages (an alert's acknowledgement, and the assignment forms
sent back with mistakes; the empty ones are written by `practice.form_markup`): through Django's
widget templates (a template per control, per option and per attribute list) they cost more than
the rest of the page. The markup is the
same as the widget templates': the attributes come from the widget's own `get_context()` (with
what `BoundField.as_widget` adds: required, aria-invalid, aria-describedby, the id), every value
escaped. A widget of another kind is rendered by Django as before.
"""

from typing import Any

from django import forms, template
from django.forms.boundfield import BoundField
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

register = template.Library()

_INPUT_TEMPLATES = {
    "django/forms/widgets/text.html",
    "django/forms/widgets/date.html",
    "django/forms/widgets/number.html",
    "django/forms/widgets/email.html",
    "django/forms/widgets/url.html",
    "django/forms/widgets/hidden.html",
    "django/forms/widgets/checkbox.html",
    "django/forms/widgets/password.html",
    "django/forms/widgets/input.html",
}


def _attrs(attrs: dict[str, Any]) -> str:
    """django/forms/widgets/attrs.html."""
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            out.append(f" {conditional_escape(name)}")
        else:
            out.append(f' {conditional_escape(name)}="{conditional_escape(str(value))}"')
    return "".join(out)


def _render(widget: dict[str, Any]) -> str | None:
    """The markup of one widget context as Django's templates write it; None for other kinds."""
    name = widget["template_name"]
    if name in _INPUT_TEMPLATES:
        value = widget["value"]
        shown = "" if value is None else f' value="{conditional_escape(str(value))}"'
        return (
            f'<input type="{conditional_escape(widget["type"])}" '
            f'name="{conditional_escape(widget["name"])}"{shown}{_attrs(widget["attrs"])}>'
        )
    if name == "django/forms/widgets/textarea.html":
        value = widget["value"]
        return (
            f'<textarea name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>\n'
            f"{conditional_escape(value) if value else ''}</textarea>"
        )
    if name == "django/forms/widgets/select.html":
        parts = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
            for option in options:
                if option["template_name"] != "django/forms/widgets/select_option.html":
                    return None
                parts.append(
                    f'\n  <option value="{conditional_escape(str(option["value"]))}"'
                    f"{_attrs(option['attrs'])}>{conditional_escape(option['label'])}</option>"
                )
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return "".join(parts)
    return None


def control(field: BoundField) -> str:
    """`{{ field }}`: BoundField.as_widget, with the widget's markup written here."""
    widget = field.field.widget
    if field.field.localize:
        widget.is_localized = True
    attrs = field.build_widget_attrs({}, widget)
    if field.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", field.auto_id)
    context = widget.get_context(field.html_name, field.value(), attrs)
    markup = _render(context["widget"])
    return str(field) if markup is None else markup


def _errors(field: BoundField) -> str:
    if not field.errors:
        return ""
    lines = "".join(f'<p class="field-error">{conditional_escape(e)}</p>' for e in field.errors)
    return f'<div id="{field.auto_id}_error">{lines}</div>'


def _hint(field: BoundField) -> str:
    if not field.help_text:
        return ""
    return f'<p class="field-hint" id="{field.auto_id}_helptext">{conditional_escape(field.help_text)}</p>'


def fields_markup(form: forms.BaseForm) -> SafeString:
    parts = []
    visible = form.visible_fields()
    if form.errors:
        heading = f"{conditional_escape(form.prefix or 'form')}-error-heading"
        items = [f"<li>{conditional_escape(e)}</li>" for e in form.non_field_errors()]
        items += [
            f'<li><a href="#{conditional_escape(f.id_for_label)}">{conditional_escape(f.label)}</a>: '
            f"{conditional_escape(f.errors[0])}</li>"
            for f in visible
            if f.errors
        ]
        parts.append(
            f'<div class="error-summary" role="alert" tabindex="-1" aria-labelledby="{heading}">\n'
            f'  <h2 id="{heading}">{conditional_escape(_("Kijk dit nog even na"))}</h2>\n'
            f"  <ul>{''.join(items)}</ul>\n</div>"
        )
    parts.append("\n" + "".join(control(f) for f in form.hidden_fields()) + "\n")
    for f in visible:
        label_for = conditional_escape(f.id_for_label)
        label = conditional_escape(f.label)
        state = " has-error" if f.errors else ""
        if f.widget_type == "checkbox":
            inner = (
                f"{_hint(f)}{_errors(f)}"
                f'<label class="choice" for="{label_for}">{control(f)} <span>{label}</span></label>'
            )
        else:
            inner = f'<label for="{label_for}">{label}</label>{_hint(f)}{_errors(f)}{control(f)}'
        parts.append(f'<div class="field{state}">\n  {inner}\n</div>\n')
    return mark_safe("".join(parts))  # noqa: S308 - every value is escaped above


@register.simple_tag
def form_fields(form: forms.BaseForm) -> SafeString:
    """The form's fields as core/_form_fields.html writes them."""
    return fields_markup(form)


@register.simple_tag
def field_control(field: BoundField) -> SafeString:
    """`{{ field }}` (the control alone), without the widget templates."""
    return mark_safe(control(field))  # noqa: S308 - escaped in control()
