from django.forms.renderers import TemplatesSetting


class SiteFormRenderer(TemplatesSetting):
    """Every form renders through our accessible templates (label, help and errors tied to
    the field with aria-describedby), including allauth's."""

    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"
