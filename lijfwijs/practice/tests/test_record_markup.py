"""The overview tab written in Python (record_markup) is the markup of the templates it replaced:
the client's details, "in het kort", the alerts with their acknowledge forms and the program with
its controls, for a client with nothing yet and with much, a name and notes that need escaping,
every program state and a form sent back with mistakes, in both languages."""

import re
from datetime import timedelta

import pytest
from django.template import engines
from django.test import RequestFactory
from django.utils import timezone, translation

from lijfwijs.accounts.localtime import local_today
from lijfwijs.accounts.models import PractitionerAccess, User
from lijfwijs.accounts.tests.helpers import give_access, make_client_user, pijntest_result
from lijfwijs.diary.models import CheckIn, Tag
from lijfwijs.exercises.tests.log_factories import practise
from lijfwijs.practice import alert_views, client_page, program_controls, record_markup
from lijfwijs.practice.models import Alert
from lijfwijs.program.models import ProgramProgress

pytestmark = pytest.mark.django_db

# client.html's two blocks before record_markup, kept here as the reference (the includes are
# the templates themselves)
FACTS = (
    "{% load i18n %}"
    + "  <dl class=\"facts\">\n    <dt>{% translate 'E-mail' %}</dt><dd><a href=\"mailto:{{ client.email }}\">{{ client.email }}</a></dd>\n    {% if granted_at %}<dt>{% translate 'Toegang sinds' %}</dt><dd>{{ granted_at|date:\"DATE_FORMAT\" }}</dd>{% endif %}\n    <dt>{% translate 'Programma' %}</dt><dd>{% if glance.program %}{% blocktranslate trimmed with number=glance.program.step name=glance.program.name %}stap {{ number }}: {{ name }}{% endblocktranslate %}{% else %}{% translate 'nog niet begonnen' %}{% endif %}</dd>\n    <dt>{% translate 'Open meldingen' %}</dt><dd>{% if open_alerts %}<strong>{{ open_alerts }}</strong>{% else %}{% translate 'geen' %}{% endif %}</dd>\n    <dt>{% translate 'Dagboeknotities' %}</dt><dd>{% if shares_notes %}{% translate 'gedeeld met jou' %}{% else %}{% translate 'niet gedeeld' %}{% endif %}</dd>\n  </dl>\n  <p><a href=\"{% url 'messaging:client_conversation' client_id=client.pk %}\">{% translate 'Berichten' %}</a></p>\n  <p><a href=\"{% url 'exports:client' client.pk %}\">{% translate 'Downloads: een overzicht voor de huisarts (PDF), het dagboek en oefenlogboek (CSV), FHIR' %}</a></p>\n"
)
TAB = (
    "{% load i18n %}"
    + '<section aria-labelledby="glance-heading">\n  <h2 id="glance-heading">{% translate \'In het kort\' %}</h2>\n  <ul class="stats">\n    <li class="stat">{% if glance.pijntest %}<span class="stat-value">{{ glance.pijntest.peg|floatformat:1 }}</span>\n      <span class="stat-label">{% translate \'PEG bij de laatste Pijntest (0 tot 10)\' %}</span>\n      {% with change=glance.pijntest.change %}{% if change %}<span class="stat-label">{% if change.direction == "same" %}{% translate \'gelijk aan de vorige keer\' %}{% elif change.direction == "worse" %}{% blocktranslate trimmed with points=change.change|floatformat:1 %}{{ points }} punt hoger dan de vorige keer{% endblocktranslate %}{% else %}{% blocktranslate trimmed with points=change.change|floatformat:1|cut:"-" %}{{ points }} punt lager dan de vorige keer{% endblocktranslate %}{% endif %}{% if change.meaningful %} · {% translate \'merkbaar\' %}{% elif change.direction != "same" %} · {% translate \'niet merkbaar\' %}{% endif %}</span>{% endif %}{% endwith %}\n      <a href="{% url \'practice:client_report\' client_id=client.pk response_id=glance.pijntest.id %}">{% translate \'Laatste uitslag bekijken\' %}</a>\n      {% else %}<span class="stat-value">–</span><span class="stat-label">{% translate \'Nog geen Pijntest\' %}</span>{% endif %}</li>\n    <li class="stat">{% with diary=glance.diary %}{% if diary.last_two_weeks_mean is not None %}<span class="stat-value">{{ diary.last_two_weeks_mean|floatformat:1 }}</span>\n      <span class="stat-label">{% translate \'Pijn in het dagboek, gemiddeld over de laatste 2 weken (0 tot 10)\' %}</span>\n      {% if diary.change is not None %}<span class="stat-label">{% if diary.direction == "same" %}{% translate \'gelijk aan de 2 weken ervoor\' %}{% elif diary.direction == "worse" %}{% blocktranslate trimmed with points=diary.change|floatformat:1 %}{{ points }} punt hoger dan de 2 weken ervoor{% endblocktranslate %}{% else %}{% blocktranslate trimmed with points=diary.change|floatformat:1|cut:"-" %}{{ points }} punt lager dan de 2 weken ervoor{% endblocktranslate %}{% endif %}{% if diary.meaningful %} · {% translate \'merkbaar\' %}{% elif diary.direction != "same" %} · {% translate \'niet merkbaar\' %}{% endif %}</span>{% endif %}\n      {% else %}<span class="stat-value">–</span><span class="stat-label">{% translate \'Geen check-ins in de laatste 2 weken\' %}</span>{% endif %}{% endwith %}</li>\n  </ul>\n  <p>{% if glance.what_calms_me %}<strong>{% translate \'Wat het meest rust geeft:\' %}</strong> {% for calm in glance.what_calms_me %}{% blocktranslate trimmed with name=calm.name points=calm.mean_drop|floatformat:1 %}{{ name }} ({{ points }} punt minder spanning){% endblocktranslate %}{% if not forloop.last %}, {% endif %}{% endfor %}{% else %}{% translate \'Nog geen oefening met een duidelijke daling in spanning.\' %}{% endif %}</p>\n  {% include "practice/_client_trend_table.html" with weeks=trend_weeks %}\n  <p class="muted">{% blocktranslate trimmed with peg=meaningful_peg %}Een merkbare verandering: ongeveer {{ peg }} punt op de PEG (Reed 2023); 2 punten of 30% op de pijnschaal van het dagboek (Ostelo 2008).{% endblocktranslate %}</p>\n</section>\n\n{% include "practice/_client_alerts.html" %}\n\n{% include "practice/_client_program.html" %}'
)


def normal(html: str) -> str:
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "CSRF", str(html))
    return re.sub(r"\s+", " ", re.sub(r">\s+<", "><", html)).strip()


def compare(practitioner, client, form=None, language="nl"):
    with translation.override(language):
        request = RequestFactory().get(f"/praktijk/clienten/{client.pk}/?x=<b>")
        request.user = practitioner
        context, alerts = client_page.overview_context(request, client)
        written = record_markup.overview(request, client, context, alerts, form)
        reference = {
            **context,
            **alert_views.client_section(request, client, alerts),
            "client": client,
            "program_form": form or program_controls.OverrideForm(client=client),
        }
        django = engines["django"]
        facts = django.from_string(FACTS).render(reference, request)
        tab = django.from_string(TAB).render(reference, request)
    assert normal(written["facts_html"]) == normal(facts)
    assert normal(written["tab_html"]) == normal(tab)
    return normal(tab)


@pytest.fixture
def client_of(pieter):
    person = make_client_user("zo@example.org", display_name='<Zo> & "Co"')
    give_access(person, pieter)
    return person


def fill(person, practitioner, rita):
    today = local_today(person)
    tags = list(Tag.objects.filter(user__isnull=True)[:3])
    for n in range(35):
        made = CheckIn.objects.create(user=person, day=today - timedelta(days=n), pain=n % 11)
        made.tags.add(*tags[: n % 3])
    User.objects.data_changed(person)
    for n in range(6):
        practise(person, "schudden", 7, 2 + n % 2, ago=timedelta(days=n, hours=1))
    for peg in (3, 6):
        pijntest_result(person, peg=peg)
    Alert.objects.create(
        client=person, practitioner=practitioner, kind="silence", cause="silence:1"
    )
    Alert.objects.create(
        client=person, practitioner=practitioner, kind="pain_rising", cause="flare:2026-11-02"
    )
    for n in range(7):
        Alert.objects.create(
            client=person,
            practitioner=practitioner,
            kind="urgent",
            cause=f"response:x{n}",
            acknowledged_at=timezone.now() - timedelta(days=n),
            acknowledged_by=practitioner if n % 2 else None,
            acknowledged_note=f'Gebeld <i>{n}</i> & "ok"\nregel 2' if n % 3 else "",
        )
    Alert.objects.create(client=person, practitioner=rita, kind="silence", cause="silence:1")


@pytest.mark.parametrize("language", ["nl", "en"])
def test_a_client_with_nothing_yet(pieter, client_of, language):
    html = compare(pieter, client_of, language=language)
    assert "<Zo>" not in html


@pytest.mark.parametrize("language", ["nl", "en"])
def test_a_client_with_much_in_every_program_state(pieter, rita, client_of, language):
    fill(client_of, pieter, rita)
    html = compare(pieter, client_of, language=language)
    assert "&lt;i&gt;1&lt;/i&gt;" in html and 'aria-describedby="id_ack-' in html
    access = PractitionerAccess.objects.get(client=client_of, practitioner=pieter)
    access.share_notes = True
    access.save()
    program_controls.services.set_override(client_of, pieter, "unlock")
    compare(pieter, client_of, language=language)
    program_controls.services.set_override(client_of, pieter, "hold")
    compare(pieter, client_of, language=language)
    ProgramProgress.objects.filter(user=client_of).update(current_step=5, override_by=None)
    compare(pieter, client_of, language=language)


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize("sent", [{}, {"action": "x"}, {"action": "unlock"}])
def test_the_program_form_sent_back_with_mistakes(pieter, rita, client_of, language, sent):
    fill(client_of, pieter, rita)
    program_controls.services.set_override(client_of, pieter, "hold")
    ProgramProgress.objects.filter(user=client_of).update(current_step=5)
    with translation.override(language):
        form = program_controls.OverrideForm(sent, client=client_of)
        assert not form.is_valid()
    html = compare(pieter, client_of, form, language)
    assert "field-error" in html


@pytest.mark.parametrize("language", ["nl", "en"])
def test_without_consent_the_forms_general_mistake(pieter, language):
    person = make_client_user("geen@example.org", consent=False)
    give_access(person, pieter)
    with translation.override(language):
        form = program_controls.OverrideForm({"action": "hold"}, client=person)
        assert not form.is_valid()
    assert "error-summary" in compare(pieter, person, form, language)


# --- around every tab, and the timeline's section ------------------------------------------------

FRAME = (
    "{% load i18n static %}"
    '<p class="back-link"><a href="{% url \'practice:home\' %}">← '
    "{% translate 'Terug naar je cliënten' %}</a></p>"
    '<link rel="stylesheet" href="{% static \'practice/client.css\' %}">'
)
TIMELINE_TITLE = (
    "{% load i18n %}{% blocktranslate trimmed with name=client %}Tijdlijn van {{ name }}"
    "{% endblocktranslate %}"
)


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_frame_of_every_tab_is_client_bases(client_of, language):
    with translation.override(language):
        frame = client_page._frame(client_of.pk, "client_timeline")
        django = engines["django"]
        assert frame["back_link"] + frame["client_css"] == django.from_string(FRAME).render({})
        title = django.from_string(TIMELINE_TITLE).render({"client": client_of})
        assert "&lt;Zo&gt;" in title
        assert client_page.timeline_title(client_of) == title
        insights = django.from_string(
            TIMELINE_TITLE.replace("Tijdlijn van", "Inzichten van")
        ).render({"client": client_of})
        assert client_page.insights_title(client_of) == insights


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize("count", [1, 12])
def test_the_timelines_section_is_its_templates(pieter, rita, client_of, language, count):
    from django.template.loader import render_to_string

    from lijfwijs.practice import timeline

    fill(client_of, pieter, rita)
    with translation.override(language):
        weeks = timeline.timeline(client_of, pieter, weeks=count)
        reference = render_to_string(
            "practice/_client_timeline.html",
            {"weeks": weeks, "timeline_html": timeline.markup(weeks)},
        )
        assert normal(timeline.section(weeks)) == normal(reference)


# --- the insights tab -------------------------------------------------------------------------


def _insights_reference(context):
    from django.template.loader import render_to_string

    return render_to_string("practice/_client_insights.html", context)


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_insights_are_their_templates(pieter, rita, client_of, language):
    from lijfwijs.diary import presenting

    for filled in (False, True):
        if filled:
            fill(client_of, pieter, rita)
        with translation.override(language):
            context = presenting.page_context(client_of, local_today(client_of))
            written = record_markup.insights(context)
            assert normal(written) == normal(_insights_reference(context))


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize("full", [True, False])
def test_every_part_of_the_insights_is_its_templates(language, full):
    from django.utils.safestring import mark_safe

    odd = '<b>"Zo" & zo</b>'
    context = {
        "days": 1 if full else 12,
        "flare": {"text": odd} if full else None,
        "trend_sentence": odd,
        "trend_safety_net": mark_safe("<em>bel</em>") if full else "",
        "trend_chart": mark_safe("<svg></svg>") if full else "",
        "trend_numbers": mark_safe("<li>1</li>") if full else "",
        "trend_rows": mark_safe("<tr><td>1</td></tr>") if full else "",
        "clear": [1] if full else [],
        "clear_cards": mark_safe('<li class="card">k</li>'),
        "interval_chart": mark_safe("<svg id=i></svg>") if full else "",
        "unclear": [1] if full else [],
        "unclear_cards": mark_safe('<li class="card">o</li>'),
        "unclear_items": mark_safe("<li>t</li>") if not full else "",
    }
    with translation.override(language):
        assert normal(record_markup.insights(context)) == normal(_insights_reference(context))
