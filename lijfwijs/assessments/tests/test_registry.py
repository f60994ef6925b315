"""Instruments a practice adds, versions side by side, and re-scoring with a stored version."""

import json

import pytest

from lijfwijs.assessments import registry
from lijfwijs.assessments.models import Response

LICENSED = """
id = "practice-scale"
version = "{version}"
kind = "licensed"
title = {{ nl = "Praktijkschaal", en = "Practice scale" }}
[source]
citation = "A licensed scale the practice holds a licence for"
[licence]
name = "Licensed to the practice"
note = "Item texts supplied by the practice under its own licence"
[[sections]]
id = "s"
[[sections.items]]
id = "ps.1"
type = "scale"
min = 0
max = {top}
text = {{ nl = "Vraag een", en = "Question one" }}
[[sections.items]]
id = "ps.2"
type = "scale"
min = 0
max = {top}
text = {{ nl = "Vraag twee", en = "Question two" }}
[[scoring]]
key = "total"
kind = "sum"
items = ["ps.*"]
"""


@pytest.fixture
def practice_folder(tmp_path, settings):
    settings.EXTRA_INSTRUMENTS_DIR = str(tmp_path)
    registry.reload()
    yield tmp_path
    registry.reload()


def test_a_dropped_file_becomes_an_instrument(practice_folder):
    (practice_folder / "practice-scale.toml").write_text(LICENSED.format(version="1.0", top=4))
    registry.reload()
    instrument = registry.get("practice-scale")
    assert instrument.kind == "licensed" and instrument.licence["name"]
    assert "practice-scale" in [i.id for i in registry.latest()]


@pytest.mark.django_db
def test_the_api_serves_and_scores_a_dropped_file(client, practice_folder):
    (practice_folder / "practice-scale.toml").write_text(LICENSED.format(version="1.0", top=4))
    registry.reload()
    assert (
        client.get("/api/v1/instruments/practice-scale", HTTP_ACCEPT_LANGUAGE="en").json()["title"]
        == "Practice scale"
    )
    response = client.post(
        "/api/v1/instruments/practice-scale/responses",
        data=json.dumps({"answers": {"ps.1": 3, "ps.2": 4}}),
        content_type="application/json",
    )
    assert response.status_code == 201 and response.json()["result"]["total"] == 7


@pytest.mark.django_db
def test_a_stored_response_keeps_and_rescored_with_its_own_version(practice_folder):
    (practice_folder / "v1.toml").write_text(LICENSED.format(version="1.0", top=4))
    registry.reload()
    old = Response.objects.create(
        instrument="practice-scale",
        version="1.0",
        status="completed",
        answers={"ps.1": 4, "ps.2": 4},
        result={"total": 8},
        completed_at="2026-01-01T00:00:00Z",
    )
    # version 2 widens the scale; new responses use it, the old one still scores with 1.0
    (practice_folder / "v2.toml").write_text(LICENSED.format(version="2.0", top=10))
    registry.reload()
    assert registry.get("practice-scale").version == "2.0"
    assert old.definition().version == "1.0"
    assert old.rescore()["total"] == 8 and old.rescore()["version"] == "1.0"


def test_a_broken_practice_file_is_skipped_and_reported(practice_folder):
    (practice_folder / "broken.toml").write_text('id = "x"\nversion = "1"\n[source]\n[licence]\n')
    registry.reload()
    assert registry.get("pijntest").id == "pijntest"
    assert any("broken.toml" in p for p in registry.problems())
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError

    with pytest.raises(SystemCheckError, match="broken.toml"):
        call_command("check", fail_level="WARNING")


def test_the_same_version_twice_keeps_the_first(practice_folder):
    (practice_folder / "a.toml").write_text(LICENSED.format(version="1.0", top=4))
    (practice_folder / "b.toml").write_text(LICENSED.format(version="1.0", top=10))
    registry.reload()
    assert registry.get("practice-scale").items["ps.1"].max == 4
    assert any("defined twice" in p for p in registry.problems())
