"""Words for the codes in a result (translatable), kept in one place for pages, API and PDF."""

import re
from functools import lru_cache
from typing import Any

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from .engine import Problem

# The numbers a person may need to call from an advice, and where each one leads. The sentences
# are translated; the numbers are the same in every language, so pages find them in the text.
PHONE_LINKS = {
    "0800-0113": "tel:08000113",
    "113": "tel:113",
    "112": "tel:112",
    "113.nl": "https://www.113.nl",
}
# A number on its own (not part of a longer number or of 113.nl); 0800-0113 before 113.
_LINKED = re.compile(r"(?<![\w.-])(0800-0113|113\.nl|11[23])(?![\w-]|\.\w)")


@lru_cache(maxsize=512)
def _linked(text: str) -> SafeString:
    pieces: list[tuple[str, str]] = []  # (text before, number)
    end = 0
    for match in _LINKED.finditer(text):
        pieces.append((text[end : match.start()], match.group(1)))
        end = match.end()
    linked = format_html_join(
        "",
        "{}{}",
        ((before, format_html('<a href="{}">{}</a>', PHONE_LINKS[n], n)) for before, n in pieces),
    )
    return format_html("{}{}", linked, text[end:])


def with_links(text: Any) -> SafeString:
    """An advice for a page: escaped, with 112, 113 and 0800-0113 as `tel:` links (a tap calls)
    and 113.nl as a link to the site. The API and mail keep the plain text."""
    return _linked(str(text))


# The crisis advice an instrument's [crisis] table can name (docs/clinical.md, "Safety screens").
# Numbers and addresses are data, the sentences are translated: the page and the API show the same.
CRISIS_ADVICE: dict[str, dict[str, Any]] = {
    "113": {
        "heading": _("Je hoeft hier niet alleen mee te blijven"),
        "text": _(
            "Je gaf aan dat je gedachten hebt over dood willen zijn of jezelf iets aandoen. "
            "Praat erover, het liefst vandaag."
        ),
        "service": _("113 Zelfmoordpreventie, dag en nacht, anoniem:"),
        "summary": _(
            "113 Zelfmoordpreventie is dag en nacht en anoniem bereikbaar: bel 113 of gratis "
            "0800-0113, of chat via 113.nl. Ben je in direct gevaar? Bel 112."
        ),
        "contacts": (
            {"kind": "phone", "label": _("bel 113"), "number": "113", "href": "tel:113"},
            {
                "kind": "phone",
                "label": _("gratis 0800-0113"),
                "number": "0800-0113",
                "href": "tel:08000113",
            },
            {
                "kind": "chat",
                "label": _("chat via 113.nl"),
                "number": "",
                "href": "https://www.113.nl",
            },
        ),
        "emergency": {
            "label": _("Ben je in direct gevaar? Bel 112."),
            "number": "112",
            "href": "tel:112",
        },
    },
}


def crisis_advice(name: str) -> dict[str, Any]:
    """The named crisis advice as plain text in the current language (pages and API)."""
    advice = CRISIS_ADVICE[name]
    return {
        "heading": str(advice["heading"]),
        "text": str(advice["text"]),
        "service": str(advice["service"]),
        "summary": str(advice["summary"]),
        "contacts": [{**c, "label": str(c["label"])} for c in advice["contacts"]],
        "emergency": {**advice["emergency"], "label": str(advice["emergency"]["label"])},
    }


DOMAINS = {
    "stress": _("Stress"),
    "breathing": _("Ademhaling"),
    "movement": _("Bewegen"),
    "nutrition": _("Voeding"),
    "sleep": _("Slaap"),
    "immune": _("Afweer"),
}

# What each domain is about, in one plain line (the report's cards).
DOMAIN_LINES = {
    "stress": _("Spanning, druk en hoge eisen aan jezelf."),
    "breathing": _("Hoe je ademt: hoog en snel, of laag en rustig."),
    "movement": _("Hoe je beweegt en hoe je lijf daarop reageert."),
    "nutrition": _("Wat je eet en drinkt, en hoe regelmatig."),
    "sleep": _("Hoe je slaapt en hoe uitgerust je wakker wordt."),
    "immune": _("Vaak ziek zijn, en darm- of huidklachten."),
}

# Describe, never attribute or predict (docs/clinical.md, "Wording").
DOMAIN_WHY = {
    "stress": _(
        "Spanning, hoge eisen aan jezelf en ingehouden gevoelens komen vaak samen voor met "
        "aanhoudende pijn. Veel mensen merken dat ontladen en hun grenzen voelen hen helpt om tot "
        "rust te komen."
    ),
    "breathing": _(
        "Een hoge, snelle adem hoort bij de actiestand van het lijf. Rustig en laag ademen is iets "
        "wat je zelf in handen hebt, en veel mensen merken dat het hen helpt om te ontspannen."
    ),
    "movement": _(
        "Wie bewegen uit voorzichtigheid vermijdt, merkt vaak dat het lijf stijver en gevoeliger "
        "wordt. Rustig en met plezier bewegen, in je eigen tempo, helpt veel mensen om weer "
        "vertrouwen te krijgen."
    ),
    "nutrition": _(
        "Onregelmatig eten en veel suiker of cafeïne gaan vaak samen met schommelingen in energie "
        "en spanning. Kleine, haalbare stappen in je eetpatroon kunnen je daarbij helpen."
    ),
    "sleep": _(
        "Slaap en pijn hangen samen: veel mensen merken hun pijn sterker na een slechte nacht. "
        "Rust voor het slapengaan helpt veel mensen om makkelijker in slaap te vallen."
    ),
    "immune": _(
        "Vaak ziek zijn, darmklachten of andere ontstekingsklachten gaan bij veel mensen samen met "
        "meer pijn en vermoeidheid. Herstel en rust kunnen de totale belasting lichter maken; "
        "bespreek klachten die blijven met je huisarts."
    ),
}

STATES = {
    "ventral": _("Rust en verbinding"),
    "sympathetic": _("Vechten of vluchten"),
    "dorsal": _("Bevriezen of uitschakelen"),
}

STATE_TEXT = {
    "ventral": _(
        "Je voelt je vaak rustig en verbonden. Dat is een goede basis om vanuit te oefenen."
    ),
    "sympathetic": _(
        "Je lijf staat vaak in de actiestand: onrustig, gespannen, op je hoede. Oefeningen die "
        "spanning ontladen en je adem vertragen kunnen je helpen om terug te schakelen."
    ),
    "dorsal": _(
        "Je voelt je vaak leeg, moe of afgesloten. Zachte oefeningen die je weer in het hier en nu "
        "brengen kunnen je helpen om voorzichtig weer op gang te komen."
    ),
}

LEVELS = {
    "urgent": _("Neem nu contact op met een arts"),
    "same_day": _("Neem vandaag contact op met je huisarts"),
    "days": _("Maak binnen een paar dagen een afspraak bij je huisarts"),
    "routine": _("Bespreek dit bij je huisarts"),
}

LEVEL_ADVICE = {
    "urgent": _(
        "Bel nu je huisarts. Buiten kantooruren bel je de huisartsenpost. Is het ernstig, bel dan 112. "
        "Wacht hier niet mee: deze signalen moet een arts direct beoordelen."
    ),
    "same_day": _(
        "Bel vandaag nog je huisarts, of buiten kantooruren de huisartsenpost. Een arts wil deze "
        "signalen dezelfde dag beoordelen."
    ),
    "days": _(
        "Maak binnen een paar dagen een afspraak bij je huisarts om dit te laten beoordelen. "
        "Waarschijnlijk is er niets ernstigs aan de hand, maar een arts moet het uitsluiten."
    ),
    "routine": _(
        "Bespreek dit bij een gewone afspraak met je huisarts; haast is niet nodig. Een arts kan "
        "beoordelen of er iets nodig is, zoals bij ochtendstijfheid die bij een ontstekingsvorm "
        "van rugpijn kan horen."
    ),
}

# The one plain line wherever pain gets worse (docs/clinical.md, "safety net"); the same words as
# the diary's, so it is one text to translate.
SAFETY_NET = _(
    "Verandert je pijn van karakter, of krijg je nieuwe problemen met plassen, ontlasting, "
    "gevoel rond je geslachtsdelen en anus, kracht in je benen, koorts of je erg ziek voelen? "
    "Neem dan contact op met je huisarts. Bij problemen met plassen, ontlasting, dat gevoel of "
    "de kracht in je benen: meteen, buiten kantooruren de huisartsenpost."
)
PEG_WORSE = _(
    "Dat is een verslechtering van 1 punt of meer ten opzichte van de vorige keer. Bespreek het "
    "met je huisarts of fysiotherapeut."
)

# What to do now, when a red flag overrides the rest of the report (docs/clinical.md).
NOW_STEPS = {
    "urgent": (
        _("Bel nu je huisarts. Buiten kantooruren bel je de huisartsenpost."),
        _("Is het ernstig, of twijfel je? Bel 112."),
        _("Vertel wat je hier hebt aangegeven. Wacht niet af of het vanzelf overgaat."),
    ),
    "same_day": (
        _("Bel vandaag nog je huisarts. Buiten kantooruren bel je de huisartsenpost."),
        _(
            "Vertel wat je hier hebt aangegeven, zodat een arts vandaag kan beoordelen wat er nodig is."
        ),
        _(
            "Wordt het erger, of komen er klachten bij? Bel dan meteen, en bij ernstige klachten 112."
        ),
    ),
}

FLAGS = {
    "redflag.bladder": _("nieuwe problemen met plassen of verlies van urine"),
    "redflag.saddle": _(
        "nieuw of erger wordend doof of tintelend gevoel rond geslachtsdelen, anus of binnenkant dijen"
    ),
    "redflag.bowel_sexual": _("nieuw verlies van ontlasting of nieuwe seksuele problemen"),
    "redflag.both_legs": _("nieuwe of erger wordende pijn, doofheid of tintelingen in beide benen"),
    "redflag.leg_weakness": _("een been dat snel zwakker wordt, of een klapvoet"),
    "redflag.fever": _("koorts of je erg ziek voelen"),
    "redflag.trauma": _("een recente val of een ongeluk"),
    "redflag.cancer": _("kanker (nu of vroeger) en rugpijn die nieuw of anders is"),
    "redflag.cancer_known": _(
        "kanker (nu of vroeger) en rugpijn die je al lang kent en die niet is veranderd"
    ),
    "redflag.weight_loss": _("ongewild afvallen"),
    "redflag.night_pain": _("constante pijn die erger wordt, ook 's nachts en liggend"),
    "redflag.age_onset": _("voor het eerst rugpijn jonger dan 20 of ouder dan 55"),
    "redflag.morning_stiffness": _(
        "ochtendstijfheid langer dan een half uur die beter wordt met bewegen"
    ),
}

PHQ4_BANDS = {
    "none": _("geen of nauwelijks klachten"),
    "mild": _("lichte klachten"),
    "moderate": _("matige klachten"),
    "severe": _("ernstige klachten"),
}

SCALE_BANDS = {
    "none": _("geen of nauwelijks klachten"),
    "minimal": _("minimale klachten"),
    "mild": _("lichte klachten"),
    "moderate": _("matige klachten"),
    "moderately_severe": _("matig ernstige klachten"),
    "severe": _("ernstige klachten"),
}

NEURO_BANDS = {
    "few": _(
        "Je herkent weinig van deze kenmerken. Dat zegt niets over hoe echt je pijn is; het betekent "
        "alleen dat deze patronen bij jou minder op de voorgrond staan."
    ),
    "some": _(
        "Je herkent een aantal van deze kenmerken. Ze komen vaak voor bij pijn die een gevoelig "
        "geworden zenuwstelsel gaande houdt. Alleen een arts of fysiotherapeut kan beoordelen wat "
        "voor jou geldt."
    ),
    "many": _(
        "Je herkent veel van deze kenmerken. Ze komen vaak voor bij pijn die een gevoelig geworden "
        "zenuwstelsel gaande houdt. Dat maakt de pijn niet minder echt. Alleen een arts of "
        "fysiotherapeut kan beoordelen wat voor jou geldt."
    ),
}

# PHQ-4 advice graded by band (docs/clinical.md): not the same text for a total of 3 as for 12.
PHQ4_ADVICE = {
    "none": _(
        "Je antwoorden wijzen niet op veel spanning of somberheid. Merk je toch dat het zwaar is, "
        "bespreek het dan met je huisarts of behandelaar."
    ),
    "mild": _(
        "Je hebt wat last van spanning of somberheid. Let op hoe het gaat: wordt het zwaarder of "
        "gaat het niet over, bespreek het dan met je huisarts of de praktijkondersteuner GGZ "
        "(POH-GGZ) van je huisartsenpraktijk."
    ),
    "moderate": _(
        "Je hebt behoorlijk last van spanning of somberheid. Maak een afspraak met je huisarts of "
        "de praktijkondersteuner GGZ (POH-GGZ) van je huisartsenpraktijk om het te bespreken: "
        "hier is goede hulp voor."
    ),
    "severe": _(
        "Je hebt veel last van spanning of somberheid. Neem deze week contact op met je huisarts "
        "of de praktijkondersteuner GGZ (POH-GGZ) van je huisartsenpraktijk: hier is goede hulp "
        "voor. Heb je gedachten om jezelf iets aan te doen, bel dan 113 of gratis 0800-0113, en "
        "in direct gevaar 112."
    ),
}

# Nijmegen symptoms that a doctor should look at first (docs/clinical.md).
NIJMEGEN_HEART_LUNG_ITEMS = ("nijmegen.1", "nijmegen.8", "nijmegen.15")
NIJMEGEN_HEART_LUNG = _(
    "Je gaf pijn of een beklemd gevoel op de borst of hartkloppingen aan. Laat een arts eerst "
    "uitsluiten dat er een oorzaak in je hart of longen is, voordat je deze klachten aan je "
    "ademhaling toeschrijft. Bij plotselinge, hevige pijn op de borst bel je 112."
)

REASONS_STATE = {
    "ventral": _("Past bij de rust die je vaak al voelt: om die verder te versterken."),
    "sympathetic": _("Omdat je lijf vaak in de actiestand staat: dit helpt spanning te ontladen."),
    "dorsal": _("Omdat je je vaak leeg of afgesloten voelt: dit brengt je zacht terug in het nu."),
}

TIME_PER_DAY = {"5": _("5 minuten"), "10": _("10 minuten"), "20": _("20 minuten")}


def problem_message(problem: Problem, multi: bool = False) -> str:
    """The sentence shown next to an answer the engine rejected."""
    code, params = problem.code, problem.params
    if code == "required":
        return str(_("Kies minstens één antwoord.") if multi else _("Kies een antwoord."))
    if code in ("not_a_number", "out_of_range"):
        return str(
            _("Kies een getal van %(min)s tot en met %(max)s.")
            % {"min": params["min"], "max": params["max"]}
        )
    if code == "not_a_list":
        return str(_("Geef een lijst met antwoorden."))
    if code == "unknown_item":
        return str(_("Deze vraag hoort niet bij deze vragenlijst."))
    return str(_("Kies een van de antwoorden uit de lijst."))
