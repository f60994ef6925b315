"""Turn an instrument section and a result into plain context for the templates."""

import html
from functools import lru_cache
from typing import Any

from django.db import connection
from django.templatetags.static import static
from django.urls import get_script_prefix, reverse
from django.utils.formats import localize
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lijfwijs.core import charts
from lijfwijs.core.i18n import current_language, pick
from lijfwijs.exercises.models import Exercise
from lijfwijs.learn import services as learn_services
from lijfwijs.program import program

from . import engine, labels, registry, services


def dom_id(item_id: str) -> str:
    """The HTML id of an item's fieldset; its options are `<dom_id>-<n>`."""
    return "q-" + item_id.replace(".", "-")


def present_item(item: engine.Item, value: Any, error: str, lang: str) -> dict[str, Any]:
    dom = dom_id(item.id)
    chosen = value if isinstance(value, list) else [value]
    if item.type == "scale" and not item.options:
        options = [{"code": v, "label": str(v)} for v in range(item.min, item.max + 1)]
    else:
        options = [{"code": o.code, "label": pick(o.label, lang)} for o in item.options]
    entered = {str(c) for c in chosen if c not in ("", None)}
    for n, opt in enumerate(options):
        opt["dom"] = f"{dom}-{n}"
        opt["checked"] = str(opt["code"]) in entered
    kind = "checkbox" if item.type == "multi" else "radio"
    layout = (
        "scale11"
        if item.type == "scale" and not item.options
        else ("inline" if len(options) <= 5 else "")
    )
    return {
        "dom": dom,
        "text": pick(item.text, lang),
        "help": pick(item.help, lang),
        "required": item.required,
        "layout": layout,
        "anchors": {k: pick(v, lang) for k, v in item.anchors.items()},
        "error": error,
        "choices": choices(item.id, kind, item.required and kind == "radio", options),
    }


def choices(name: str, kind: str, required: bool, options: list[dict[str, Any]]) -> SafeString:
    """An item's options as radio buttons or checkboxes, each in its label.

    Written here rather than as a template loop: a page has up to ~50 options, and the template
    engine spends ~20 µs on each (a third of the page); this takes 1 µs. Every value is escaped.
    """
    name, tail = html.escape(name), " required>" if required else ">"
    return mark_safe(  # noqa: S308 - every value inside is escaped here
        "\n".join(
            f'<label class="choice" for="{html.escape(o["dom"])}"><input type="{kind}"'
            f' id="{html.escape(o["dom"])}" name="{name}" value="{html.escape(str(o["code"]))}"'
            f"{' checked' if o['checked'] else ''}{tail}"
            f"<span>{html.escape(str(o['label']))}</span></label>"
            for o in options
        )
    )


def fieldsets(items: list[dict[str, Any]]) -> SafeString:
    """A page's questions, each a fieldset with its legend, help, message and options.

    Written here rather than as a template loop, for the same reason as `choices`: a page has
    up to a dozen questions of eight tags each. Every value is escaped."""
    optional = _e(_("niet verplicht"))
    parts = []
    for item in items:
        dom = _e(item["dom"])
        described = " ".join(
            [f"{dom}-error"] * bool(item["error"]) + [f"{dom}-help"] * bool(item["help"])
        )
        anchors = item["anchors"]
        parts.append(
            f'<fieldset id="{dom}" class="{"has-error" if item["error"] else ""}"'
            + (f' aria-describedby="{described}"' if described else "")
            + f"><legend>{_e(item['text'])}"
            + ("" if item["required"] else f' <span class="muted">({optional})</span>')
            + "</legend>"
            + (f'<p class="help" id="{dom}-help">{_e(item["help"])}</p>' if item["help"] else "")
            + (
                f'<p class="field-error" id="{dom}-error">{_e(item["error"])}</p>'
                if item["error"]
                else ""
            )
            + (
                f'<p class="anchors"><span>{_e(anchors.get("min", ""))}</span>'
                f"<span>{_e(anchors.get('max', ''))}</span></p>"
                if anchors
                else ""
            )
            + f'<div class="choices {_e(item["layout"])}">{item["choices"]}</div></fieldset>'
        )
    return _markup(parts)


def page_context(
    instrument: engine.Instrument,
    section: engine.Section,
    values: dict[str, Any],
    errors: dict[str, str],
) -> dict[str, Any]:
    """One page of questions, with the stored or entered answers checked and a message per item."""
    lang = current_language()
    ids = [s.id for s in instrument.sections]
    number = ids.index(section.id) + 1
    items = [present_item(i, values.get(i.id), errors.get(i.id, ""), lang) for i in section.items]
    return {
        "instrument_title": pick(instrument.title, lang),
        "section": section,
        "section_title": pick(section.title, lang),
        "section_intro": pick(section.intro, lang),
        "items": items,
        "fieldsets": fieldsets(items),
        "progress": _("Pagina %(step)s van %(steps)s") % {"step": number, "steps": len(ids)},
        "errors": errors,
        "step": number,
        "steps": len(ids),
        "is_first": number == 1,
        "is_last": number == len(ids),
    }


def safety_context(safety: dict[str, Any], instrument: engine.Instrument) -> dict[str, Any]:
    level = safety.get("level") or "none"
    crisis = bool(safety.get("crisis"))
    advice = instrument.crisis.get("advice")
    return {
        "crisis": crisis,
        "crisis_advice": labels.crisis_advice(advice) if crisis and advice else None,
        "level": level,
        "prominent": bool(safety.get("crisis")) or level in ("urgent", "same_day"),
        "heading": labels.LEVELS.get(level, ""),
        "advice": labels.with_links(labels.LEVEL_ADVICE[level])
        if level in labels.LEVEL_ADVICE
        else "",
        "flags": [labels.FLAGS[f] for f in safety.get("flags", []) if f in labels.FLAGS],
    }


def _why(reason: dict[str, str] | None, words: dict[str, Any]) -> str:
    if not reason:
        return ""
    kind, code = reason.get("kind"), reason.get("code", "")
    if kind == "state":
        return words["reasons_state"].get(code, "")
    if kind == "domain":
        return words["reason_domain"].get(code, "")
    return words["reasons"].get(kind, words["reasons"]["basis"])


_SLUG = "slug-of-the-item"  # one reverse a page: addresses of one kind differ only in their slug
STATE_ORDER = ("ventral", "sympathetic", "dorsal")


# The report's fixed sentences, by the name the template uses for them (translated once per
# process and language in `report_words`, instead of a {% translate %} tag each per request).
REPORT_TEXTS = {
    "jouw_pijntest_uitslag": gettext_lazy("Jouw Pijntest-uitslag"),
    "je_pijn_zit_je": gettext_lazy("Je pijn zit je meer in de weg dan de vorige keer"),
    "eerst_naar_een_arts": gettext_lazy("Eerst naar een arts"),
    "je_gaf_een_signaal": gettext_lazy(
        "Je gaf een signaal aan waar een arts snel naar moet kijken. Daarom staat hier geen startpunt, geen uitleg over pijn en het zenuwstelsel en alleen een rustige ademoefening. Kom terug naar de rest nadat een arts je heeft onderzocht."
    ),
    "dit_is_een_beeld": gettext_lazy(
        "Dit is een beeld van wat je op dit moment belast, zoals je het zelf hebt ingevuld. Het is geen diagnose: het helpt je zien waar je kunt beginnen."
    ),
    "bewaar_deze_uitslag": gettext_lazy("Bewaar deze uitslag"),
    "deze_uitslag_staat_niet": gettext_lazy(
        "Deze uitslag staat niet in je account. Bewaar het adres van deze pagina als je hem later wilt terugzien."
    ),
    "met_een_gratis_account": gettext_lazy(
        "Met een gratis account bewaar je je uitslag en vergelijk je hem later met een nieuwe test."
    ),
    "account_aanmaken": gettext_lazy("Account aanmaken"),
    "inloggen": gettext_lazy("Inloggen"),
    "zonder_account_bewaar_het": gettext_lazy(
        "Zonder account: bewaar het adres van deze pagina. Iedereen met dit adres kan de uitslag openen, dus deel het alleen met wie je vertrouwt."
    ),
    "hier_begin_je": gettext_lazy("Hier begin je"),
    "de_twee_domeinen_die": gettext_lazy(
        "De twee domeinen die nu het zwaarst wegen. Daar kun je met kleine stappen beginnen, als je dat wilt."
    ),
    "een_rustige_ademoefening_als": gettext_lazy("Een rustige ademoefening, als je wilt"),
    "drie_oefeningen_om_mee": gettext_lazy("Drie oefeningen om mee te beginnen"),
    "wat_je_zenuwstelsel_belast": gettext_lazy("Wat je zenuwstelsel belast"),
    "zes_domeinen_die_bij": gettext_lazy(
        "Zes domeinen die bij veel mensen met aanhoudende pijn meespelen. Hoe hoger het percentage, hoe zwaarder dat domein nu bij jou weegt."
    ),
    "bekijk_als_figuur": gettext_lazy("Bekijk als figuur"),
    "je_pijn_en_wat": gettext_lazy("Je pijn en wat die in de weg zit"),
    "peg_score_van_0": gettext_lazy("PEG-score, van 0 tot 10"),
    "de_peg_is_een": gettext_lazy(
        "De PEG is een korte, onderzochte vragenlijst over pijn. Je score is het gemiddelde van drie vragen: hoe sterk je pijn was, en hoeveel die je plezier en je dagelijkse bezigheden in de weg zat."
    ),
    "wat_betekent_deze_score": gettext_lazy("Wat betekent deze score?"),
    "hoe_hoger_de_score": gettext_lazy(
        "Hoe hoger de score, hoe meer je pijn je leven nu in de weg zit. Als je de test later opnieuw doet, is een verschil van ongeveer 1 punt een verandering die mensen echt merken."
    ),
    "je_hebt_al_langer": gettext_lazy(
        "Je hebt al langer dan drie maanden pijn. Bij pijn die zo lang blijft, speelt een gevoelig geworden zenuwstelsel vaak mee; alleen een arts of fysiotherapeut kan beoordelen wat voor jou geldt."
    ),
    "je_stemming": gettext_lazy("Je stemming"),
    "de_phq_4_is": gettext_lazy(
        "De PHQ-4 is een korte, onderzochte vragenlijst met vier vragen over spanning en somberheid in de afgelopen twee weken."
    ),
    "je_antwoorden_wijzen_op": gettext_lazy("Je antwoorden wijzen op veel spanning of zorgen."),
    "je_antwoorden_wijzen_op_2": gettext_lazy(
        "Je antwoorden wijzen op een sombere stemming of weinig plezier."
    ),
    "dit_is_een_screening": gettext_lazy("Dit is een screening, geen diagnose."),
    "hoe_je_zenuwstelsel_vaak": gettext_lazy("Hoe je zenuwstelsel vaak staat"),
    "je_gaf_bij_geen": gettext_lazy(
        "Je gaf bij geen van de standen aan dat je je zo voelde, dus er is geen stand die eruit springt."
    ),
    "hoe_je_je_de": gettext_lazy(
        "Hoe je je de afgelopen twee weken voelde, verdeeld over drie standen. Deze standen zijn een beeld voor hoe je je voelt, geen meting van je lichaam."
    ),
    "patronen_in_je_pijn": gettext_lazy("Patronen in je pijn"),
    "wat_zeggen_deze_kenmerken": gettext_lazy("Wat zeggen deze kenmerken?"),
    "deze_kenmerken_zijn_vuistregels": gettext_lazy(
        "Deze kenmerken zijn vuistregels, geen criteria. Ze gaan nooit voor op de veiligheidsvragen: een signaal voor de huisarts blijft altijd voorop staan."
    ),
    "je_hebt_deze_vragen": gettext_lazy(
        "Je hebt deze vragen overgeslagen. Je kunt ze bij een volgende keer invullen."
    ),
    "waar_je_begint_in": gettext_lazy("Waar je begint in het 5-stappenprogramma"),
    "doel": gettext_lazy("Doel:"),
    "alle_vijf_stappen": gettext_lazy("Alle vijf stappen"),
    "om_te_lezen": gettext_lazy("Om te lezen"),
    "over_deze_uitslag": gettext_lazy("Over deze uitslag"),
    "de_domeinen_de_standen": gettext_lazy(
        "De domeinen, de standen van je zenuwstelsel en de pijnpatronen komen uit een vragenlijst die Lijfwijs zelf heeft gemaakt om over jezelf na te denken. Ze zijn niet wetenschappelijk gevalideerd. De PEG en de PHQ-4 zijn wel bestaande, onderzochte vragenlijsten."
    ),
    "lijfwijs_vervangt_je_huisarts": gettext_lazy(
        "Lijfwijs vervangt je huisarts of een medisch onderzoek niet."
    ),
}


@lru_cache(maxsize=8)
def report_words(lang: str, script_prefix: str) -> dict[str, Any]:
    """The report's fixed words in one language, translated once per process and language:
    gettext's catalogs do not change while a process runs (like the layout's addresses in
    `core.context_processors`). Words (the template's escaped once, as `{{ }}` would) and fixed
    addresses, not a person's data or markup. `lang` must be active."""
    names = {c: str(labels.DOMAINS[c]) for c in labels.DOMAINS}
    return {
        "names": names,
        "lines": {c: str(labels.DOMAIN_LINES[c]) for c in labels.DOMAINS},
        "domain_why": {c: str(labels.DOMAIN_WHY[c]) for c in labels.DOMAINS},
        "states": {c: str(labels.STATES[c]) for c in STATE_ORDER},
        "reasons_state": {c: str(t) for c, t in labels.REASONS_STATE.items()},
        "reason_domain": {
            c: _("Omdat %(domain)s bij jou nu het zwaarst weegt.") % {"domain": n.lower()}
            for c, n in names.items()
        },
        "reasons": {
            "safety": _(
                "Rustig ademen kan zittend, zonder je adem in te houden. Stop als je duizelig "
                "wordt of pijn op je borst krijgt."
            ),
            "neuroplastic": _(
                "Omdat je een aantal kenmerken van een gevoelig geworden zenuwstelsel herkent."
            ),
            "basis": _("Een goede basis voor iedereen met aanhoudende pijn."),
        },
        "why": _("Waarom je dit ziet:"),
        # escaped here once, as `{{ }}` would on every request (the template's only use of them)
        "texts": {
            **{key: escape(str(text)) for key, text in REPORT_TEXTS.items()},
            "css": escape(static("assessments/report.css")),
        },
        "chart_title": _("Belasting per domein"),
        "chart_description": _(
            "Hoe zwaarder een domein weegt, hoe verder de vorm naar buiten gaat (0 tot 100%)."
        ),
        "exercise_url": reverse("exercises:detail", kwargs={"slug": _SLUG}),
        "program_url": reverse("program:overview"),
        "step_urls": {
            n: reverse("program:step", kwargs={"number": n})
            for n in range(1, program.LAST_STEP + 1)
        },
        "article_url": reverse("learn:detail", kwargs={"slug": _SLUG}),
        "register_url": reverse("accounts:register"),
        "login_url": reverse("accounts:login"),
        "phq4_bands": {c: str(t) for c, t in labels.PHQ4_BANDS.items()},
        "neuro_bands": {c: str(t) for c, t in labels.NEURO_BANDS.items()},
        "state_text": {c: str(t) for c, t in labels.STATE_TEXT.items()},
    }


def _headline(domains: dict[str, int], priority: list[str], names: dict[str, str]) -> str:
    """The report's main message: what weighs most, in one plain sentence."""
    heavy = [c for c in priority if domains.get(c, 0) > 0]
    if not heavy:
        return _("Geen van de zes domeinen weegt bij jou nu zwaar.")
    if len(heavy) == 1:
        return _("Wat je zenuwstelsel nu het meest belast: %(first)s.") % {
            "first": names[heavy[0]].lower()
        }
    return _("Wat je zenuwstelsel nu het meest belast: %(first)s en %(second)s.") % {
        "first": names[heavy[0]].lower(),
        "second": names[heavy[1]].lower(),
    }


def _markup(parts: list[str]) -> SafeString:
    """Markup written in this module from escaped values (`_e`) and our own tags only."""
    return mark_safe("\n".join(parts))  # noqa: S308 - every value inside is escaped with _e


def _e(value: Any) -> str:
    return html.escape(str(value))


def _cards(rows: list[tuple[str, str, str, str]], url: str, why: str) -> SafeString:
    """Recommended exercises or articles as cards: a linked title, the summary and why.
    `rows`: (slug, title, summary, why this one)."""
    why = _e(why)
    return _markup(
        [
            f'<li class="card"><h3><a href="{_e(url.replace(_SLUG, slug))}">{_e(title)}</a></h3>'
            f'<p>{_e(summary)}</p><p class="why"><strong>{why}</strong> {_e(reason)}</p></li>'
            for slug, title, summary, reason in rows
        ]
    )


# What the report reads of the recommended exercises, and which of them it may show: the rule of
# `Exercise.objects.active()` (articles: `learn.services.article_rows_for`).
_SHOWN = {
    "exercise": (Exercise, "name", "{t}.{is_active}"),
}


@lru_cache(maxsize=64)
def _content_sql(kind: str, lang: str, count: int, vendor: str) -> str:
    """SQL for `count` recommended exercises or articles by slug, written once per process: the
    ORM spends ten times longer building this same small query on every request than the
    database spends answering it."""
    model, name, rule = _SHOWN[kind]
    quote = connection.ops.quote_name
    column = {f.name: quote(f.column) for f in model._meta.concrete_fields}
    table = quote(model._meta.db_table)
    fields = ("slug", f"{name}_nl", f"{name}_{lang}", "summary_nl", f"summary_{lang}")
    # only quoted names of the model's own columns, and %s placeholders for the values
    select = ", ".join(f"{table}.{column[f]}" for f in fields)
    where = f"{rule.format(t=table, **column)} AND {table}.{column['slug']}"
    return f"SELECT {select} FROM {table} WHERE {where} IN ({', '.join(['%s'] * count)})"  # noqa: S608


def _content_rows(kind: str, slugs: list[str], lang: str) -> list[tuple[str, str, str]]:
    """(slug, name or title, summary) of the recommended exercises or articles that may be
    shown, in the order recommended, in the page's language (Dutch where one is missing)."""
    if not slugs:
        return []
    params: list[Any] = list(slugs)
    with connection.cursor() as cursor:
        cursor.execute(_content_sql(kind, lang, len(slugs), connection.vendor), params)
        found = {row[0]: row for row in cursor.fetchall()}
    return [
        (s, found[s][2] or found[s][1], found[s][4] or found[s][3]) for s in slugs if s in found
    ]


def report_context(result: dict[str, Any]) -> dict[str, Any]:
    """Everything the report shows, from a stored result (two queries: exercises, articles).

    The parts that repeat (domains, states, cards) are written here as escaped markup, with
    each word translated once and each kind of address reversed once: the template engine
    spends far more on a loop of tags than this does (docs/decisions.md, plain pages)."""
    lang = current_language()
    words = report_words(lang, get_script_prefix())
    names = words["names"]
    instrument = registry.get(result["instrument"], result["version"])
    domains = result["domains"]
    state = result["state"]
    dominant = state.get("dominant")
    overridden = services.is_overridden(result)
    reco = services.recommendations_of(result)
    reasons = reco.get("reasons", {})
    exercises = _content_rows("exercise", reco["exercises"], lang)
    # a practice may hide a shipped article: learn links one on the same subject instead, and
    # the card gives the reason of the article it stands for
    articles = [
        (slug, title, summary, _why(reasons.get(named), words))
        for slug, title, summary, named in learn_services.article_rows_for(reco["articles"], lang)
    ]
    radar = charts.radar(
        [(names[c], v) for c, v in domains.items()],
        title=words["chart_title"],
        description=words["chart_description"],
    )
    phq4 = result["phq4"]
    neuro = result["neuroplastic"]
    start = program.step(program.start_step(reco.get("program_step")))
    level = result["safety"].get("level") or "none"
    lines = words["lines"]
    domain_cards = _markup(
        [
            f'<li class="stat domain-card"><span class="stat-value">{int(v)}%</span>'
            f'<strong class="domain-name">{_e(names[c])}</strong>'
            f'<span class="stat-label">{_e(lines[c])}</span></li>'
            for c, v in domains.items()
        ]
    )
    why = words["domain_why"]
    priority = _markup(
        [
            f'<li class="card"><h3>{_e(names[c])} <span class="tag">{int(domains[c])}%</span>'
            f"</h3><p>{_e(why[c])}</p></li>"
            for c in result["priority_domains"]
        ]
    )
    state_names = words["states"]
    states = _markup(
        [
            f'<li class="bar"><span>{_e(state_names[c])}</span>'
            f"{charts.bar(state[c], label=state_names[c])}"
            f'<span class="num">{int(state[c])}%</span></li>'
            for c in STATE_ORDER
        ]
    )
    # An overridden report shows no starting point, neuroplastic text or article (the template
    # leaves those sections out); only the override's exercise is offered.
    return {
        "w": words["texts"],
        "result": result,
        "overridden": overridden,
        "now_steps": [labels.with_links(s) for s in labels.NOW_STEPS.get(level, ())]
        if overridden
        else (),
        "safety": safety_context(result["safety"], instrument),
        "headline": _headline(domains, result["priority_domains"], names),
        "radar": radar,
        "domain_cards": domain_cards,
        "priority": priority,
        "states": states,
        "dominant": dominant,
        "dominant_line": _("Het vaakst: %(state)s.") % {"state": state_names[dominant]}
        if dominant
        else "",
        "dominant_text": words["state_text"].get(dominant, "") if dominant else "",
        "peg": result["pain"]["peg"],
        "chronic": result["pain"]["chronic"],
        "phq4": phq4,
        "phq4_total": _("%(total)s van 12") % {"total": phq4["total"]},
        "phq4_band": words["phq4_bands"].get(phq4["band"], ""),
        "phq4_advice": labels.with_links(labels.PHQ4_ADVICE[phq4["band"]])
        if phq4["band"] in labels.PHQ4_ADVICE
        else "",
        "neuro": neuro,
        "neuro_line": _("Je herkende %(yes)s van de %(asked)s kenmerken.")
        % {"yes": neuro.get("yes"), "asked": neuro.get("asked")},
        "neuro_text": words["neuro_bands"].get(neuro.get("band") or "", ""),
        "program_line": _(
            "Het programma maakt van oefenen een pad in vijf stappen. Jij begint bij stap "
            "%(number)s: %(name)s."
        )
        % {"number": start.number, "name": pick(start.name, lang)},
        "program_start": {
            "number": start.number,
            "goal": pick(start.goal, lang),
            "url": words["step_urls"][start.number],
            "link": _("Bekijk stap %(number)s") % {"number": start.number},
        },
        "program_url": words["program_url"],
        "exercises": _cards(
            [(*row, _why(reasons.get(row[0]), words)) for row in exercises],
            words["exercise_url"],
            words["why"],
        ),
        "articles": _cards(
            articles,
            words["article_url"],
            words["why"],
        )
        if articles
        else "",
    }


def worse_context(response: Any) -> dict[str, Any] | None:
    """The safety net when this PEG is worse than the person's previous one."""
    worse = services.worsening(response)
    if worse is None:
        return None
    return {
        **worse,
        "text": _("Je PEG-score is hoger dan de vorige keer: van %(before)s naar %(after)s.")
        % {"before": localize(worse["before"]), "after": localize(worse["after"])},
        "safety_net": labels.SAFETY_NET,
        "advice": labels.PEG_WORSE if worse["meaningful"] else "",
    }


def result_context(response: Any) -> dict[str, Any]:
    """The result page of an instrument other than the Pijntest: the crisis advice first, then
    the score as the instrument states it."""
    instrument = response.definition()
    result = response.result
    safety = dict(result.get("safety") or {})
    safety["crisis"] = services.is_crisis(response)
    band = result.get("band")
    return {
        "instrument_title": pick(instrument.title),
        "description": pick(instrument.description),
        "safety": safety_context(safety, instrument),
        "total": result.get("total"),
        "peg": result.get("peg"),
        "band": labels.SCALE_BANDS.get(band, "") if isinstance(band, str) else "",
        "validated": instrument.kind == "validated",
        "worse": worse_context(response),
        "phq4_advice": labels.with_links(labels.PHQ4_ADVICE[band])
        if instrument.id == "phq4" and band in labels.PHQ4_ADVICE
        else "",
        "heart_lung": (
            labels.with_links(labels.NIJMEGEN_HEART_LUNG)
            if instrument.id == "nijmegen"
            and any((response.answers.get(i) or 0) > 0 for i in labels.NIJMEGEN_HEART_LUNG_ITEMS)
            else ""
        ),
    }


def compare_context(first: Any, second: Any) -> dict[str, Any]:
    diff = services.compare(first.result, second.result)
    labels_of = {c: str(labels.DOMAINS[c]) for c in first.result["domains"]}
    radar = charts.radar(
        [(labels_of[c], v) for c, v in second.result["domains"].items()],
        overlay=[(labels_of[c], v) for c, v in first.result["domains"].items()],
        title=_("Belasting per domein: eerste en tweede uitslag"),
        description=_("De doorgetrokken vorm is de nieuwste uitslag, de gestippelde de eerdere."),
    )
    for row in diff["domains"]:
        row["label"] = labels_of[row["code"]]
    return {
        "first": first,
        "second": second,
        "diff": diff,
        "radar": radar,
        "meaningful_change": services.PEG_MEANINGFUL_CHANGE,
        "safety_net": labels.SAFETY_NET if diff["peg"]["direction"] == "worse" else "",
        "peg_worse": labels.PEG_WORSE
        if diff["peg"]["direction"] == "worse" and diff["peg"]["meaningful"]
        else "",
    }
