"""Form widgets of the organisations app."""

from typing import Any

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString


class FastSelect(forms.Select):
    """A <select> rendered in Python rather than one template per option: the catalogue's
    skill list has a few hundred options, which cost tens of milliseconds per page through
    the template engine. Same markup as Django's own select (attributes, optgroups)."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        groups = []
        for group_name, options, _index in widget["optgroups"]:
            rendered = format_html_join(
                "",
                '<option value="{}"{}>{}</option>',
                (
                    (option["value"], " selected" if option["selected"] else "", option["label"])
                    for option in options
                ),
            )
            groups.append(
                format_html('<optgroup label="{}">{}</optgroup>', group_name, rendered)
                if group_name
                else rendered
            )
        return format_html(
            "<select{}>{}</select>",
            flatatt({"name": widget["name"], **widget["attrs"]}),
            SafeString("".join(groups)),
        )
