"""The report's "contact me" panel writes ReportContactForm's empty fields as plain markup: held
here to what the form renders through leads/_form.html and Django's widget templates."""

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template import engines
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from lijfwijs.accounts.tests.helpers import pijntest_result
from lijfwijs.outreach.leads.forms import ReportContactForm
from lijfwijs.outreach.leads.views import report_panel

pytestmark = pytest.mark.django_db

# the panel as it was written with the form: a test reference, not used by the site
WITH_THE_FORM = """{% load i18n %}<section class="card stack" aria-labelledby="leads-report-heading">
  <h2 id="leads-report-heading">{% translate 'Wil je dat de praktijk contact met je opneemt?' %}</h2>
  <p>{% translate 'Laat je e-mailadres achter. De praktijk neemt contact met je op, en je krijgt een kopie van wat je stuurt.' %}</p>
  {% translate 'Neem contact met mij op' as submit %}
  {% include "leads/_form.html" with form=form shown=shown action=action submit=submit %}
</section>"""


def _normal(markup: str) -> str:
    """Whitespace between tags aside; the CSRF token is masked anew on every render."""
    markup = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "CSRF", markup)
    return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", markup)).strip()


def _both(user, response):
    request = RequestFactory().get(f"/pijntest/uitslag/{response.pk}/")
    request.user = user
    panel = report_panel(request, response)
    assert panel is not None
    assert panel["action"] == reverse("leads:report_contact", args=[response.pk])
    initial = {"name": user.display_name, "email": user.email} if user.is_authenticated else {}
    form = ReportContactForm(practices=[], can_attach=True, initial=initial)
    context = {"form": form, "shown": panel["shown"], "action": panel["action"]}
    reference = engines["django"].from_string(WITH_THE_FORM).render(context, request)
    shown = render_to_string(panel["template"], {"panel": panel}, request)
    return _normal(shown), _normal(reference)


@pytest.mark.parametrize("language", ["nl", "en"])
def test_a_visitors_panel_is_the_forms_markup(language):
    with translation.override(language):
        shown, reference = _both(AnonymousUser(), pijntest_result(None))
    assert shown == reference
    assert 'id="contact-email"' in shown and 'autocomplete="email"' in shown
    assert 'value="' not in shown.replace('name="shown" value="', "")


@pytest.mark.parametrize("language", ["nl", "en"])
def test_a_clients_panel_is_the_forms_markup_with_their_name_and_address(anna, language):
    anna.display_name = 'Anna "<b>" & Co'
    anna.save(update_fields=["display_name"])
    with translation.override(language):
        shown, reference = _both(anna, pijntest_result(anna))
    assert shown == reference
    assert 'value="Anna &quot;&lt;b&gt;&quot; &amp; Co"' in shown
    assert f'value="{anna.email}"' in shown


def test_a_client_without_a_name_gets_no_empty_value(anna):
    anna.display_name = ""
    anna.save(update_fields=["display_name"])
    shown, reference = _both(anna, pijntest_result(anna))
    assert shown == reference
