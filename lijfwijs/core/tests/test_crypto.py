"""Encryption at rest: crypto helpers, the encrypted fields, key rotation and the settings rules."""

import importlib.util
import json
import runpy
import stat
from io import StringIO

import pytest
from cryptography.fernet import Fernet
from django.apps import apps
from django.core import exceptions, serializers
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.db import connection, models
from django.db.migrations.writer import MigrationWriter
from django.test import override_settings

from lijfwijs.core import crypto
from lijfwijs.core.fields import (
    EncryptedJSONField,
    EncryptedTextField,
    decrypt_to_plaintext,
    encrypt_existing_plaintext,
)

NOTE = "rugpijn na het tillen"
ANSWERS = {"text": "slecht geslapen"}
TABLE = "core_test_crypto_note"


def new_key() -> str:
    return Fernet.generate_key().decode()


# crypto ------------------------------------------------------------------------------------------


def test_round_trip_unicode_text():
    text = "Pijn in de onderrug — 7/10, ‘s nachts erger 😣; café, naïef"
    token = crypto.encrypt(text)
    assert isinstance(token, str)
    assert text not in token
    assert crypto.decrypt(token) == text


def test_round_trip_empty_string():
    assert crypto.decrypt(crypto.encrypt("")) == ""


def test_each_encryption_is_different():
    assert crypto.encrypt(NOTE) != crypto.encrypt(NOTE)


def test_old_key_still_decrypts_after_a_new_key_is_put_first_and_rotate_moves_it():
    old, new = new_key(), new_key()
    with override_settings(FIELD_ENCRYPTION_KEYS=[old]):
        token = crypto.encrypt(NOTE)
        assert crypto.is_current(token)
    with override_settings(FIELD_ENCRYPTION_KEYS=[new, old]):
        assert crypto.decrypt(token) == NOTE
        assert not crypto.is_current(token)
        rotated = crypto.rotate(token)
        assert rotated != token
        assert crypto.is_current(rotated)
        # new tokens are made with the first key
        assert Fernet(new).decrypt(crypto.encrypt("x").encode()) == b"x"
    with override_settings(FIELD_ENCRYPTION_KEYS=[new]):
        assert crypto.decrypt(rotated) == NOTE
        with pytest.raises(crypto.DecryptionError):
            crypto.decrypt(token)
    assert Fernet(new).decrypt(rotated.encode()).decode() == NOTE


def test_wrong_key_is_a_clear_error():
    with override_settings(FIELD_ENCRYPTION_KEYS=[new_key()]):
        token = crypto.encrypt(NOTE)
    with override_settings(FIELD_ENCRYPTION_KEYS=[new_key()]):
        with pytest.raises(crypto.DecryptionError, match="no key in FIELD_ENCRYPTION_KEYS"):
            crypto.decrypt(token)
        with pytest.raises(crypto.DecryptionError):
            crypto.rotate(token)


@pytest.mark.parametrize("junk", ["", "niet versleuteld", "gAAAAAbroken", "ünïcode"])
def test_junk_is_a_clear_error_never_garbage(junk):
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(junk)


def test_cache_follows_the_settings():
    first, second = new_key(), new_key()
    with override_settings(FIELD_ENCRYPTION_KEYS=[first]):
        token = crypto.encrypt(NOTE)
        fernet = crypto.get_fernet()
        assert crypto.get_fernet() is fernet  # cached
    with override_settings(FIELD_ENCRYPTION_KEYS=[second]):
        assert crypto.get_fernet() is not fernet
        with pytest.raises(crypto.DecryptionError):
            crypto.decrypt(token)
    crypto.reset()
    assert crypto.decrypt(crypto.encrypt(NOTE)) == NOTE


@pytest.mark.parametrize("keys", [[], ["not-a-key"], [Fernet.generate_key().decode(), "kort"]])
def test_bad_key_settings_are_improperly_configured(keys):
    with override_settings(FIELD_ENCRYPTION_KEYS=keys):
        with pytest.raises(ImproperlyConfigured, match="FIELD_ENCRYPTION_KEYS"):
            crypto.encrypt(NOTE)


def test_looks_like_token():
    assert crypto.looks_like_token(crypto.encrypt(NOTE))
    for value in ("", NOTE, json.dumps(ANSWERS), "gAAAAA", "ünïcode"):
        assert not crypto.looks_like_token(value)


# settings ------------------------------------------------------------------------------------------


def _load_settings():
    return runpy.run_path(importlib.util.find_spec("lijfwijs.settings").origin)


def test_start_up_without_keys_stops_when_not_debug(monkeypatch, tmp_path):
    monkeypatch.setenv("LIJFWIJS_VAR_DIR", str(tmp_path))
    monkeypatch.setenv("DEBUG", "0")
    monkeypatch.setenv("FIELD_ENCRYPTION_KEYS", "")
    with pytest.raises(ImproperlyConfigured, match="FIELD_ENCRYPTION_KEYS is not set"):
        _load_settings()
    assert not (tmp_path / "field_encryption_key").exists()


def test_start_up_with_a_malformed_key_stops(monkeypatch, tmp_path):
    monkeypatch.setenv("LIJFWIJS_VAR_DIR", str(tmp_path))
    monkeypatch.setenv("FIELD_ENCRYPTION_KEYS", f"{new_key()},geen-sleutel")
    with pytest.raises(ImproperlyConfigured, match="key 2 is not a Fernet key"):
        _load_settings()


def test_debug_keeps_one_generated_key_in_var(monkeypatch, tmp_path):
    monkeypatch.setenv("LIJFWIJS_VAR_DIR", str(tmp_path))
    monkeypatch.setenv("DEBUG", "1")
    monkeypatch.setenv("FIELD_ENCRYPTION_KEYS", "")
    keys = _load_settings()["FIELD_ENCRYPTION_KEYS"]
    path = tmp_path / "field_encryption_key"
    assert keys == [path.read_text().strip()]
    Fernet(keys[0])
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert _load_settings()["FIELD_ENCRYPTION_KEYS"] == keys  # kept, not regenerated
    assert [p.name for p in tmp_path.iterdir() if "field_encryption" in p.name] == [path.name]


def test_keys_from_the_environment_win(monkeypatch, tmp_path):
    first, second = new_key(), new_key()
    monkeypatch.setenv("LIJFWIJS_VAR_DIR", str(tmp_path))
    monkeypatch.setenv("DEBUG", "1")
    monkeypatch.setenv("FIELD_ENCRYPTION_KEYS", f" {first} , {second} ")
    assert _load_settings()["FIELD_ENCRYPTION_KEYS"] == [first, second]
    assert not (tmp_path / "field_encryption_key").exists()


# fields ----------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def note_model(django_db_setup, django_db_blocker):
    """A model with both fields and its table, registered for this module's tests only."""

    class CryptoNote(models.Model):
        note = EncryptedTextField(blank=True, default="")
        answers = EncryptedJSONField(default={})
        extra = EncryptedJSONField(null=True, blank=True)

        class Meta:
            app_label = "core"
            db_table = TABLE

        def __str__(self) -> str:
            return f"CryptoNote {self.pk}"

    with django_db_blocker.unblock():
        with connection.schema_editor() as editor:
            editor.create_model(CryptoNote)
    try:
        yield CryptoNote
    finally:
        with django_db_blocker.unblock():
            with connection.schema_editor() as editor:
                editor.delete_model(CryptoNote)
        del apps.all_models["core"]["cryptonote"]
        apps.clear_cache()


def raw_rows():
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, note, answers, extra FROM {TABLE} ORDER BY id")  # noqa: S608
        return cursor.fetchall()


@pytest.mark.django_db
def test_raw_select_shows_no_plaintext_and_the_orm_gives_it_back(note_model):
    obj = note_model.objects.create(note=NOTE, answers=ANSWERS)
    [(_, note, answers, extra)] = raw_rows()
    assert "rugpijn" not in note and "tillen" not in note
    assert "slecht" not in answers and "geslapen" not in answers and "text" not in answers
    assert crypto.looks_like_token(note) and crypto.looks_like_token(answers)
    assert extra is None
    obj = note_model.objects.get(pk=obj.pk)
    assert obj.note == NOTE
    assert obj.answers == ANSWERS
    assert obj.extra is None
    assert list(note_model.objects.values_list("note", "answers")) == [(NOTE, ANSWERS)]


@pytest.mark.django_db
def test_round_trips_unicode_empty_and_nested_json(note_model):
    nested = {
        "scores": [1, 2.5, None, True],
        "regio": {"onderrug": {"links": "zeurend", "rechts": "stekend 🔥"}},
        "lijst": [{"a": []}, {}],
    }
    obj = note_model.objects.create(note="ëén — ‘quote’ 😣", answers=nested, extra=[1, "twee"])
    obj.refresh_from_db()
    assert obj.note == "ëén — ‘quote’ 😣"
    assert obj.answers == nested
    assert obj.extra == [1, "twee"]

    empty = note_model.objects.create()
    assert empty.note == "" and empty.answers == {}
    empty.refresh_from_db()
    assert empty.note == "" and empty.answers == {} and empty.extra is None
    row = {r[0]: r for r in raw_rows()}[empty.pk]
    assert row[1] == ""  # empty text stays empty
    assert crypto.looks_like_token(row[2])  # {} is encrypted like any JSON


@pytest.mark.django_db
def test_json_default_is_not_shared_between_instances(note_model):
    first, second = note_model(), note_model()
    first.answers["x"] = 1
    assert second.answers == {}
    assert note_model().answers == {}


@pytest.mark.django_db
def test_update_bulk_create_and_bulk_update_encrypt(note_model):
    a, b = note_model.objects.bulk_create([note_model(note="een"), note_model(note="twee")])
    note_model.objects.filter(pk=a.pk).update(note="drie", answers={"k": "vier"})
    b.note, b.answers = "vijf", {"k": "zes"}
    note_model.objects.bulk_update([b], ["note", "answers"])
    for _, note, answers, _extra in raw_rows():
        # Every stored value is a token (a short word may turn up inside random base64 by chance).
        assert crypto.looks_like_token(note) and crypto.looks_like_token(answers)
    assert {(o.note, o.answers["k"]) for o in note_model.objects.filter(answers__isnull=False)} == {
        ("drie", "vier"),
        ("vijf", "zes"),
    }


@pytest.mark.django_db
def test_content_lookups_are_refused(note_model):
    note_model.objects.create(note=NOTE)
    note_model.objects.create(note="")
    assert note_model.objects.filter(note="").count() == 1
    assert note_model.objects.exclude(note="").count() == 1
    assert note_model.objects.filter(note__isnull=False).count() == 2
    assert note_model.objects.filter(extra__isnull=True).count() == 2
    assert note_model.objects.filter(extra=None).count() == 2
    with pytest.raises(exceptions.FieldError, match="cannot be filtered by its content"):
        note_model.objects.filter(note=NOTE)
    with pytest.raises(exceptions.FieldError, match="cannot be filtered by its content"):
        note_model.objects.filter(answers={})
    for lookup in ("note__icontains", "note__startswith", "note__in", "answers__text"):
        with pytest.raises(exceptions.FieldError):
            note_model.objects.filter(**{lookup: "rug"})


@pytest.mark.django_db
def test_reading_with_a_wrong_key_is_a_clear_error(note_model):
    obj = note_model.objects.create(note=NOTE, answers=ANSWERS)
    with override_settings(FIELD_ENCRYPTION_KEYS=[new_key()]):
        with pytest.raises(crypto.DecryptionError):
            note_model.objects.get(pk=obj.pk)


def test_json_field_validation_forms_and_serialization():
    field = EncryptedJSONField(default=dict)
    field.set_attributes_from_name("answers")
    assert field.to_python('{"a": [1]}') == {"a": [1]}
    assert field.to_python({"a": 1}) == {"a": 1}
    with pytest.raises(exceptions.ValidationError):
        field.clean("{niet json", None)
    with pytest.raises(exceptions.ValidationError):
        field.clean({"a": object()}, None)
    form_field = field.formfield()
    assert form_field.clean('{"pijn": 3}') == {"pijn": 3}
    assert form_field.prepare_value({"pijn": 3}) == '{"pijn": 3}'


@pytest.mark.django_db
def test_serializers_give_plain_values_back(note_model):
    note_model.objects.create(note=NOTE, answers=ANSWERS)
    for fmt in ("json", "xml"):
        data = serializers.serialize(fmt, note_model.objects.all())
        [restored] = list(serializers.deserialize(fmt, data))
        assert restored.object.note == NOTE
        assert restored.object.answers == ANSWERS


@pytest.mark.parametrize(
    "field, path, kwargs",
    [
        (
            EncryptedTextField(blank=True, default=""),
            "lijfwijs.core.fields.EncryptedTextField",
            {"blank": True, "default": ""},
        ),
        (
            EncryptedJSONField(default=dict),
            "lijfwijs.core.fields.EncryptedJSONField",
            {"default": dict},
        ),
        (
            EncryptedJSONField(default={}, encoder=json.JSONEncoder, null=True),
            "lijfwijs.core.fields.EncryptedJSONField",
            {"default": {}, "encoder": json.JSONEncoder, "null": True},
        ),
    ],
)
def test_fields_deconstruct_for_migrations(field, path, kwargs):
    _, got_path, args, got_kwargs = field.deconstruct()
    assert (got_path, args, got_kwargs) == (path, [], kwargs)
    rebuilt = type(field)(*args, **got_kwargs)
    assert rebuilt.deconstruct()[3] == got_kwargs
    serialized, imports = MigrationWriter.serialize(field)
    assert "lijfwijs.core.fields" in serialized and "import lijfwijs.core.fields" in imports


@pytest.mark.parametrize("option", [{"unique": True}, {"db_index": True}])
def test_unique_or_indexed_encrypted_field_is_a_system_check_error(option):
    field = EncryptedTextField(**option)
    assert [error.id for error in field._check_encrypted_options()] == ["core.E101"]
    assert EncryptedTextField()._check_encrypted_options() == []


# rotation --------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_rotate_command_re_encrypts_with_the_new_key(note_model):
    old, new = new_key(), new_key()
    with override_settings(FIELD_ENCRYPTION_KEYS=[old]):
        obj = note_model.objects.create(note=NOTE, answers=ANSWERS)
        empty = note_model.objects.create(note="", answers={})
        [(_, old_note, old_answers, _), (_, _, old_empty_answers, _)] = raw_rows()

    with override_settings(FIELD_ENCRYPTION_KEYS=[new, old]):
        assert note_model.objects.get(pk=obj.pk).note == NOTE  # old tokens still readable
        out = StringIO()
        call_command("rotate_encryption_keys", "--batch-size", "1", stdout=out)
        output = out.getvalue()
        assert "core.CryptoNote.note: 1 re-encrypted, 0 already current, 1 empty (2 rows)" in output
        assert (
            "core.CryptoNote.answers: 2 re-encrypted, 0 already current, 0 empty (2 rows)" in output
        )
        assert (
            "core.CryptoNote.extra: 0 re-encrypted, 0 already current, 2 empty (2 rows)" in output
        )

        rows = raw_rows()
        (_, new_note, new_answers, _), (_, empty_note, new_empty_answers, _) = rows
        assert new_note != old_note and new_answers != old_answers
        assert new_empty_answers != old_empty_answers and empty_note == ""

        # idempotent: a second run has nothing left to do and changes nothing
        out = StringIO()
        call_command("rotate_encryption_keys", stdout=out)
        assert "core.CryptoNote.note: 0 re-encrypted, 1 already current, 1 empty" in out.getvalue()
        assert "core.CryptoNote.answers: 0 re-encrypted, 2 already current" in out.getvalue()
        assert raw_rows() == rows

    # the new key alone reads everything
    assert Fernet(new).decrypt(new_note.encode()).decode() == NOTE
    assert json.loads(Fernet(new).decrypt(new_answers.encode())) == ANSWERS
    with override_settings(FIELD_ENCRYPTION_KEYS=[new]):
        obj = note_model.objects.get(pk=obj.pk)
        assert (obj.note, obj.answers) == (NOTE, ANSWERS)
        assert note_model.objects.get(pk=empty.pk).answers == {}


@pytest.mark.django_db
def test_rotate_dry_run_writes_nothing(note_model):
    old, new = new_key(), new_key()
    with override_settings(FIELD_ENCRYPTION_KEYS=[old]):
        note_model.objects.create(note=NOTE, answers=ANSWERS)
    before = raw_rows()
    with override_settings(FIELD_ENCRYPTION_KEYS=[new, old]):
        out = StringIO()
        call_command("rotate_encryption_keys", "--dry-run", stdout=out)
    assert "core.CryptoNote.note: 1 to re-encrypt" in out.getvalue()
    assert raw_rows() == before


@pytest.mark.django_db
def test_rotate_command_reports_unreadable_rows(note_model):
    lost, old, new = new_key(), new_key(), new_key()
    with override_settings(FIELD_ENCRYPTION_KEYS=[lost]):
        bad = note_model.objects.create(note="onleesbaar")
    with override_settings(FIELD_ENCRYPTION_KEYS=[old]):
        good = note_model.objects.create(note=NOTE)
    with override_settings(FIELD_ENCRYPTION_KEYS=[new, old]):
        with pytest.raises(CommandError, match=rf"core.CryptoNote.note pk {bad.pk}\b"):
            call_command("rotate_encryption_keys", stdout=StringIO())
        # the readable row was rotated all the same
    [good_note] = [r[1] for r in raw_rows() if r[0] == good.pk]
    assert Fernet(new).decrypt(good_note.encode()).decode() == NOTE


@pytest.mark.django_db
def test_migration_helpers_encrypt_existing_plaintext_and_back(note_model):
    token = crypto.encrypt("al versleuteld")
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {TABLE} (note, answers, extra) VALUES (%s, %s, %s), (%s, %s, %s)",  # noqa: S608
            [NOTE, json.dumps(ANSWERS), None, token, json.dumps([1, 2]), "{}"],
        )

    class Editor:
        pass

    editor = Editor()
    editor.connection = connection
    for name in ("note", "answers", "extra"):
        encrypt_existing_plaintext("core", "CryptoNote", name)(apps, editor)
        encrypt_existing_plaintext("core", "CryptoNote", name)(apps, editor)  # harmless twice
    for _, note, answers, _extra in raw_rows():
        assert crypto.looks_like_token(note) and crypto.looks_like_token(answers)
    objs = list(note_model.objects.order_by("pk"))
    assert [(o.note, o.answers, o.extra) for o in objs] == [
        (NOTE, ANSWERS, None),
        ("al versleuteld", [1, 2], {}),
    ]

    for name in ("note", "answers", "extra"):
        decrypt_to_plaintext("core", "CryptoNote", name)(apps, editor)
    assert [row[1:] for row in raw_rows()] == [
        (NOTE, json.dumps(ANSWERS, ensure_ascii=False), None),
        ("al versleuteld", "[1, 2]", "{}"),
    ]
