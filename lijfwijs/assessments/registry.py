"""The instruments this installation knows: built-in files plus those a practice adds."""

from functools import cache
from pathlib import Path

from django.conf import settings

from . import engine

BUILTIN_DIR = Path(__file__).resolve().parent / "instruments"


class UnknownInstrument(LookupError):
    pass


def _folders() -> list[Path]:
    folders = [BUILTIN_DIR]
    extra = Path(settings.EXTRA_INSTRUMENTS_DIR) if settings.EXTRA_INSTRUMENTS_DIR else None
    if extra and extra.is_dir():
        folders.append(extra)
    return folders


@cache
def _all() -> dict[tuple[str, str], engine.Instrument]:
    found: dict[tuple[str, str], engine.Instrument] = {}
    for folder in _folders():
        for path in sorted(folder.glob("*.toml")):
            instrument = engine.load_file(path)
            key = (instrument.id, instrument.version)
            if key in found:
                raise engine.DefinitionError(f"{path}: {key} is defined twice")
            found[key] = instrument
    return found


def reload() -> None:
    """Forget what was read (after a file was added to the practice's folder)."""
    _all.cache_clear()


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
