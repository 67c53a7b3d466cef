"""The form renderer: Django's widget templates in their Jinja2 version, the others through Django's engine.

Django ships every form and widget template twice, as Django and as Jinja2
templates giving the same HTML; Jinja2 renders them several times faster, which
counts on the pages with a form on every row (screening, results management:
B7). Templates with no Jinja2 version (the admin's widgets) fall back to
Django's engine, as the default renderer would find them.
"""

from django.forms.renderers import DjangoTemplates, Jinja2
from django.template import TemplateDoesNotExist


class FormRenderer(Jinja2):
    fallback = DjangoTemplates()

    def get_template(self, template_name):
        try:
            return super().get_template(template_name)
        except TemplateDoesNotExist:
            return self.fallback.get_template(template_name)
