"""Empty form fields written as plain markup in one pass, as `core/_form_fields.html` and Django's
widget templates write them (the same elements, attributes and order).

Building a form deep-copies its fields, and rendering it goes through a template per control, per
option and per attribute list: for the empty forms of the notes and assignments tab that cost more
than the rest of the tab. The forms that use these writers (`notes.blank_note_fields`,
`assignments.blank_exercise_fields`, `assignments.BlankStepForm`) read their words from the form
classes' own fields, and tests hold each to Django's rendering of the same form. Every argument
here is markup already: the callers escape each value (`html.escape`).
"""

from collections.abc import Iterable


def field(id_: str, label: str, control: str, hint: str = "") -> str:
    """One field without mistakes: its label, its hint (when it has one) and its control."""
    shown = f'<p class="field-hint" id="{id_}_helptext">{hint}</p>' if hint else ""
    return f'<div class="field">\n  <label for="{id_}">{label}</label>{shown}{control}\n</div>\n'


def fields(*written: str) -> str:
    """The fields of a form without hidden fields, as `{% form_fields %}` joins them."""
    return "\n\n" + "".join(written)


def select(
    name: str, id_: str, options: Iterable[tuple[str, str]], chosen: str, required: bool = False
) -> str:
    """A `<select>` of (value, label) options, `chosen` selected."""
    items = "".join(
        f'\n  <option value="{value}"{" selected" if value == chosen else ""}>{label}</option>'
        for value, label in options
    )
    return f'<select name="{name}"{" required" if required else ""} id="{id_}">{items}\n</select>'


def textarea(name: str, id_: str, rows: int, maxlength: int, required: bool = False) -> str:
    """An empty `<textarea>` described by its hint (forms.Textarea: 40 columns)."""
    return (
        f'<textarea name="{name}" cols="40" rows="{rows}" maxlength="{maxlength}"'
        f'{" required" if required else ""} aria-describedby="{id_}_helptext" id="{id_}">\n'
        "</textarea>"
    )


def date_input(name: str, id_: str, value: str) -> str:
    """A required `<input type="date">` with its value, described by its hint."""
    return (
        f'<input type="date" name="{name}" value="{value}" required '
        f'aria-describedby="{id_}_helptext" id="{id_}">'
    )
