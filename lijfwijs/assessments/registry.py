"""The instruments this installation knows: built-in files plus those a practice adds."""

import logging
from functools import cache
from pathlib import Path

from django.conf import settings

from . import engine
from .labels import CRISIS_ADVICE

BUILTIN_DIR = Path(__file__).resolve().parent / "instruments"
log = logging.getLogger(__name__)


class UnknownInstrument(LookupError):
    pass


def _folders() -> list[Path]:
    folders = [BUILTIN_DIR]
    extra = Path(settings.EXTRA_INSTRUMENTS_DIR) if settings.EXTRA_INSTRUMENTS_DIR else None
    if extra and extra.is_dir():
        folders.append(extra)
    return folders


def problems() -> list[str]:
    """What is wrong with the files a practice added (shown by `manage.py check`)."""
    return _load()[1]


@cache
def _load() -> tuple[dict[tuple[str, str], engine.Instrument], list[str]]:
    """Read every file. A broken built-in file is a bug and stops everything; a broken file a
    practice added is reported and skipped, so it cannot take the Pijntest down with it."""
    found: dict[tuple[str, str], engine.Instrument] = {}
    skipped: list[str] = []
    for folder in _folders():
        builtin = folder == BUILTIN_DIR
        for path in sorted(folder.glob("*.toml")):
            try:
                instrument = engine.load_file(path)
                key = (instrument.id, instrument.version)
                if key in found:
                    raise engine.DefinitionError(
                        f"{path}: {instrument.id} {instrument.version} is defined twice"
                    )
                advice = instrument.crisis.get("advice")
                if advice is not None and advice not in CRISIS_ADVICE:
                    # A crisis answer must always show help: no file may name advice we lack.
                    raise engine.DefinitionError(
                        f"{path}: [crisis] names advice {advice!r}; known: {sorted(CRISIS_ADVICE)}"
                    )
            except engine.DefinitionError as exc:
                if builtin:
                    raise
                log.error("instrument file skipped: %s", exc)
                skipped.append(str(exc))
                continue
            found[key] = instrument
    return found, skipped


def _all() -> dict[tuple[str, str], engine.Instrument]:
    return _load()[0]


def reload() -> None:
    """Forget what was read (after a file was added to the practice's folder)."""
    _load.cache_clear()


def get(instrument_id: str, version: str | None = None) -> engine.Instrument:
    """The instrument at `version`, or its highest version."""
    instruments = _all()
    if version is not None:
        try:
            return instruments[(instrument_id, version)]
        except KeyError:
            raise UnknownInstrument(f"{instrument_id} {version}") from None
    versions = [i for (iid, _), i in instruments.items() if iid == instrument_id]
    if not versions:
        raise UnknownInstrument(instrument_id)
    return max(versions, key=lambda i: i.version_key)


def latest() -> list[engine.Instrument]:
    ids = sorted({iid for iid, _ in _all()})
    return [get(iid) for iid in ids]
