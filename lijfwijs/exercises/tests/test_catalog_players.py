"""The players' data in the catalog: what docs/clinical.md gives, checked when the catalog loads,
with a clear message naming the file and the field when something is wrong."""

import re
import shutil

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import translation

from lijfwijs.exercises import content
from lijfwijs.exercises.models import Exercise, player_kind
from lijfwijs.exercises.tests.test_content import FORBIDDEN


@pytest.fixture
def catalog(db):
    content.load()


def _broken(tmp_path, name: str, old: str, new: str):
    """A copy of one catalog file with `old` replaced by `new` (which must be there once)."""
    text = (content.CATALOG_DIR / f"{name}.toml").read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} is not once in {name}.toml"
    path = tmp_path / f"{name}.toml"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


# (file, text in it, replaced by, what the message says)
BROKEN = [
    ("4-7-8-ademhaling", "max_cycles = 8", "max_cycles = 2", "parameters.min_cycles <= the default (4) <= parameters.max_cycles"),
    ("4-7-8-ademhaling", 'phase = "hold", seconds = 7', 'phase = "pause", seconds = 7', "parameters.phases[1].phase: Input should be 'inhale', 'hold' or 'exhale'"),
    ("4-7-8-ademhaling", 'phase = "hold", seconds = 7', 'phase = "hold", seconds = 0', "parameters.phases[1].seconds: Input should be greater than 0"),
    ("4-7-8-ademhaling", 'phase = "hold", seconds = 7', 'phase = "hold", seconds = "7"', "parameters.phases[1].seconds: Input should be a valid number"),
    ("4-7-8-ademhaling", ', en = "Gently hold your breath"', "", "parameters.phases[1] needs a text in both languages (en is missing or empty)"),
    ("4-7-8-ademhaling", "cycles = 4\n", "cycles = 4\nmax_minutes = 5\n", "parameters.cycles cannot go with ['max_minutes']"),
    ("4-7-8-ademhaling", "duration_minutes = 2", "duration_minutes = 10", "the pacer lasts 81 s, which does not fit duration_minutes = 10"),
    ("4-7-8-ademhaling", "max_cycles = 8", "max_cycles = 9", "a pacer with breath holds runs a number of cycles, at most 8"),
    ("4-7-8-ademhaling", "seconds = 7,", "seconds = 8,", "parameters.phases: a hold lasts at most 7 s"),
    ("rustig-ademen", "max_minutes = 10", "max_minutes = 600", "the pacer may last at most 60 minutes"),
    ("4-7-8-ademhaling", 'phase = "exhale", seconds = 8, nl', 'phase = "hold", seconds = 8, nl', "at least one inhale and one exhale"),
    ("rustig-ademen", "adjustable_seconds = [5, 6]", "adjustable_seconds = [6, 7]", "parameters.phases[0] (5.5 s) lies outside adjustable_seconds [6, 7]"),
    ("rustig-ademen", "adjustable_seconds = [5, 6]", "adjustable_seconds = [6, 5]", "adjustable_seconds must be [low, high]"),
    ("rustig-ademen", "tempo_step = 0.5", "tempo_step = 2", "tempo_step must be above 0 and fit"),
    ("rustig-ademen", "max_minutes = 10", "max_minutes = 4", "parameters.min_minutes <= the default (5) <= parameters.max_minutes"),
    ("box-ademhaling", "cycles = 4\nmax_cycles = 8", "min_minutes = 1\nmax_minutes = 8", "a pacer with breath holds runs a number of cycles"),
    ("box-ademhaling", "max_cycles = 8", "tempo_step = 0.5", "tempo_step needs parameters.adjustable_seconds"),
    ("schudden", "{ at = 120,", "{ at = 130,", "parameters.cues[4] at 130 s comes after the end of the timer (120 s)"),
    ("schudden", "{ at = 60,", "{ at = 10,", "parameters.cues[2]: the cues must be in order of time"),
    ("schudden", "seconds = 120", "seconds = 600", "the timer lasts 600 s, which does not fit duration_minutes = 2"),
    ("schudden", 'en = "Now your arms and shoulders."', 'en = ""', "parameters.cues[1] needs a text in both languages (en is missing or empty)"),
    ("niets-doen", "minute_choices = [5, 10]", "minute_choices = [10, 5]", "minute_choices must be rising whole minutes"),
    ("niets-doen", "minute_choices = [5, 10]", "minute_choices = [10]", "that include duration_minutes (5)"),
    ("niets-doen", "minute_choices = [5, 10]", "", "a timer needs either parameters.seconds or parameters.minute_choices"),
    ("niets-doen", "cues = [", "cue = [", "parameters.cues: Field required"),
    ("gronden", "Noem 4 dingen die je voelt, zoals", "Noem vier dingen die je voelt, zoals", "the nl prompt for 'touch' does not name its count 4"),
    ("gronden", '{ at = 90, sense = "hear"', '{ at = 90, sense = "smell"', "one prompt per sense, in the order of senses"),
    ("vuist-contrast", '{ seconds = 10, mark = "tense", nl = "Maak met je rechter', '{ seconds = 12, mark = "tense", nl = "Maak met je rechter', "parameters.guide[1]: a tense step lasts 10 s"),
    ("vuist-contrast", '{ seconds = 25, mark = "compare", nl = "Vergelijk je linker', '{ seconds = 40, mark = "compare", nl = "Vergelijk je linker', "parameters.guide[6]: a compare step lasts 20-30 s"),
    ("vuist-contrast", 'mark = "release", nl = "Laat los. Open je rechter', 'mark = "squeeze", nl = "Laat los. Open je rechter', "parameters.guide[2].mark: Input should be '', 'tense', 'release' or 'compare'"),
    ("progressieve-ontspanning", "tense_seconds = 10\n", "", "needs clench_seconds (or tense_seconds), compare_min_seconds"),
    ("bodyscan", "guide = [", "gids = [", "parameters.guide: Field required"),
    ("bodyscan", "{ seconds = 30, nl", "{ seconds = 2, nl", "parameters.guide[0].seconds: Input should be greater than or equal to 3"),
    ("somatisch-volgen", "duration_minutes = 5", "duration_minutes = 9", "the guide lasts 300 s, which does not fit duration_minutes = 9"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "old", "new", "message"), BROKEN)
def test_bad_player_data_is_refused_with_a_clear_message(tmp_path, name, old, new, message):
    path = _broken(tmp_path, name, old, new)
    with pytest.raises(ImproperlyConfigured) as refused:
        content.parse_file(path)
    text = str(refused.value)
    assert text.startswith(f"{name}.toml: "), text
    assert message in text, text


def test_every_catalog_file_passes(tmp_path):
    assert {e["slug"] for e in content.read_catalog()} == {
        p.stem for p in content.CATALOG_DIR.glob("*.toml")
    }


@pytest.mark.django_db
def test_a_bad_file_stops_the_whole_load_and_changes_nothing(tmp_path):
    content.load()
    for path in content.CATALOG_DIR.glob("*.toml"):
        shutil.copy(path, tmp_path / path.name)
    _broken(tmp_path, "schudden", "seconds = 120", "seconds = 600")
    text = (tmp_path / "bodyscan.toml").read_text(encoding="utf-8")
    (tmp_path / "bodyscan.toml").write_text(text.replace("Bodyscan", "Lichaamsscan"), "utf-8")
    with pytest.raises(ImproperlyConfigured, match="schudden.toml"):
        content.load(tmp_path)
    assert Exercise.objects.get(slug="bodyscan").name_nl == "Bodyscan"


# --- The clinical parameters as the players get them ------------------------------------------


def _data(slug: str, lang: str = "nl") -> dict:
    with translation.override(lang):
        return Exercise.objects.get(slug=slug).player_data()


def test_478_plays_4_7_8_after_one_out_breath_4_rounds_at_most_8(catalog):
    data = _data("4-7-8-ademhaling")
    assert data["kind"] == "pacer"
    assert [(p["phase"], p["seconds"]) for p in data["phases"]] == [
        ("inhale", 4.0),
        ("hold", 7.0),
        ("exhale", 8.0),
    ]
    assert data["cycles"] == {"default": 4, "min": 1, "max": 8}
    assert "minutes" not in data and "tempo" not in data
    assert data["lead_in"]["phase"] == "exhale"
    assert data["phases"][0]["text"] == "Adem in door je neus"
    assert _data("4-7-8-ademhaling", "en")["phases"][2]["text"] == (
        "Breathe out slowly through your mouth"
    )


def test_slow_breathing_has_a_tempo_of_5_to_6_seconds_and_5_to_10_minutes(catalog):
    data = _data("rustig-ademen")
    assert data["tempo"] == {"default": 5.5, "min": 5.0, "max": 6.0, "step": 0.5}
    assert data["minutes"] == {"default": 5, "min": 5, "max": 10}
    assert {p["phase"] for p in data["phases"]} == {"inhale", "exhale"}
    assert "cycles" not in data


def test_box_runs_at_most_8_rounds_and_the_sigh_for_minutes(catalog):
    box = _data("box-ademhaling")
    assert [p["seconds"] for p in box["phases"]] == [4.0] * 4
    assert box["cycles"] == {"default": 4, "min": 1, "max": 8}  # breath holds: at most 8 rounds
    sigh = _data("fysiologische-zucht")
    assert [p["phase"] for p in sigh["phases"]] == ["inhale", "inhale", "exhale"]
    assert sigh["minutes"]["default"] == 5
    assert sigh["phases"][2]["seconds"] == pytest.approx(2 * 3, rel=0.1)


def test_timers(catalog):
    shaking = _data("schudden")
    assert shaking["kind"] == "timer" and shaking["seconds"] == 120
    assert [c["at"] for c in shaking["cues"]] == [0, 30, 60, 90, 120]
    assert shaking["cues"][1]["text"] == "Nu je armen en schouders."
    nothing = _data("niets-doen", "en")
    assert nothing["minutes"] == {"default": 5, "choices": [5, 10]}
    assert nothing["end_cue"] == "Time is up. Take your time getting going again."
    grounding = _data("gronden")
    assert grounding["seconds"] == 180
    prompts = [c["text"] for c in grounding["cues"]]
    for count in "54321":
        assert any(text.startswith(f"Noem {count} ") for text in prompts), count


def test_guides_have_timed_steps_that_fill_their_duration(catalog):
    for exercise in Exercise.objects.all():
        if player_kind(exercise.kind) != "guide":
            continue
        steps = exercise.player_data()["steps"]
        assert len(steps) >= 2, exercise.slug
        total = sum(s["seconds"] for s in steps)
        assert abs(total - exercise.duration_minutes * 60) <= 60, exercise.slug


def test_fist_clench_is_10_seconds_then_20_to_30_seconds_compare_for_each_hand(catalog):
    steps = _data("vuist-contrast")["steps"]
    tense = [s for s in steps if s["mark"] == "tense"]
    compare = [s for s in steps if s["mark"] == "compare"]
    assert len(tense) == 2 and all(s["seconds"] == 10 for s in tense)
    assert len(compare) == 2 and all(20 <= s["seconds"] <= 30 for s in compare)
    assert "rechterhand" in tense[0]["text"] and "linkerhand" in tense[1]["text"]
    marks = [s["mark"] for s in steps]
    assert marks.index("tense") < marks.index("release") < marks.index("compare")


def test_progressive_relaxation_follows_the_clinical_rules(catalog):
    exercise = Exercise.objects.get(slug="progressieve-ontspanning")
    assert exercise.kind == "contrast" and exercise.is_active
    cautions = " ".join(exercise.cautions_nl).lower()
    assert "adem" in cautions and "nooit" in cautions  # never hold the breath
    assert "pijn" in cautions  # gentle on painful areas
    assert any("breath" in c.lower() for c in exercise.cautions_en)
    steps = exercise.player_data()["steps"]
    tense = [s for s in steps if s["mark"] == "tense"]
    assert len(tense) >= 6 and all(s["seconds"] == 10 for s in tense)
    assert all(20 <= s["seconds"] <= 30 for s in steps if s["mark"] == "compare")
    assert not any(re.search(r"\brug\b", s["text"]) for s in tense)  # the back is left alone
    with translation.override("en"):
        assert "Progressive relaxation" in str(exercise.name)


def test_player_texts_are_there_in_both_languages_and_say_nothing_forbidden(catalog):
    for exercise in Exercise.objects.all():
        texts = {}
        for lang in ("nl", "en"):
            data = _data(exercise.slug, lang)
            items = [
                *(p["text"] for p in data.get("phases", [])),
                *(c["text"] for c in data.get("cues", [])),
                *(s["text"] for s in data.get("steps", [])),
                data.get("end_cue", ""),
                (data.get("lead_in") or {}).get("text", ""),
            ]
            texts[lang] = [t for t in items if t]
            for text in texts[lang]:
                assert not FORBIDDEN.search(text), (exercise.slug, text)
        assert len(texts["nl"]) == len(texts["en"]), exercise.slug
        assert all(a != b for a, b in zip(texts["nl"], texts["en"], strict=True)), exercise.slug


def test_detail_page_describes_the_new_parameters(client, catalog):
    html = client.get("/oefeningen/progressieve-ontspanning/").content.decode()
    assert "Aanspannen 10 s, daarna 20-30 s het verschil voelen" in html
    assert "Begeleid in 18 stappen, samen 5 minuten" in html
    assert (
        "Timer naar keuze: 5 of 10 minuten"
        in client.get("/oefeningen/niets-doen/").content.decode()
    )
    assert "4 rondes, hooguit 8" in client.get("/oefeningen/box-ademhaling/").content.decode()


# (file, text in it, replaced by, what the message says): the file's own fields
BROKEN_FILE = [
    ("bodyscan", 'slug = "bodyscan"', 'slug = "lijfscan"', "slug 'lijfscan' must equal the file name"),
    ("bodyscan", 'kind = "body_scan"', 'kind = "yoga"', "kind: Input should be"),
    ("bodyscan", "duration_minutes = 10", "duration_minutes = 0", "duration_minutes: Input should be greater than or equal to 1"),
    ("bodyscan", "duration_minutes = 10", "duration_minutes = true", "duration_minutes: Input should be a valid integer"),
    ("bodyscan", 'en = "Body scan"', 'en = "  "', "name.en: String should have at least 1 character"),
    ("bodyscan", "sort_order = 70", 'sort_order = "70"', "sort_order: Input should be a valid integer"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "old", "new", "message"), BROKEN_FILE)
def test_a_bad_field_of_the_file_is_refused_naming_it(tmp_path, name, old, new, message):
    with pytest.raises(ImproperlyConfigured) as refused:
        content.parse_file(_broken(tmp_path, name, old, new))
    assert str(refused.value).startswith(f"{name}.toml: ") and message in str(refused.value)
