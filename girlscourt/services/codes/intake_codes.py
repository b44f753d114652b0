"""Loading the county's intake code lists and instruments: shipped defaults, county files first.

A county overrides a shipped file by putting its own copy in the data folder (``intake/codes.json``,
``instruments/*.json``); a licensed instrument is added the same way, with no code change.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

from girlscourt.config import data_dir
from girlscourt.domain.instrument_loading import load_instrument
from girlscourt.domain.instruments import Instrument
from girlscourt.domain.intake_rules import IntakeCodes, parse_codes
from girlscourt.errors import ConfigurationError, ValidationError
from girlscourt.resources import resource


def _county(*parts: str) -> Path:
    return data_dir().joinpath(*parts)


@functools.cache
def _codes_from(path: Path) -> IntakeCodes:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise ConfigurationError(f"{path.name}: cannot be read: {error}") from error
    return parse_codes(data, path.name)


def intake_codes() -> IntakeCodes:
    """The county's copy if it has one, else the shipped list."""
    county = _county("intake", "codes.json")
    return _codes_from(county if county.is_file() else resource("intake", "codes.json"))


@functools.cache
def _instruments_in(folder: Path) -> dict[str, Instrument]:
    found: dict[str, Instrument] = {}
    for path in sorted(folder.glob("*.json")):
        if path.name.endswith(".schema.json"):
            continue
        instrument = load_instrument(path)
        found[instrument.key] = instrument
    return found


def instruments() -> dict[str, Instrument]:
    """Every instrument by ``id@version``: shipped ones, then the county's (which win)."""
    merged = dict(_instruments_in(resource("instruments")))
    county = _county("instruments")
    if county.is_dir():
        merged.update(_instruments_in(county))
    return merged


def instrument(key: str, *, kind: str, field: str) -> Instrument:
    """One instrument by ``id@version`` or by ``id`` (then its newest version)."""
    available = instruments()
    if key in available:
        found = available[key]
    else:
        versions = [i for i in available.values() if i.id == key]
        if not versions:
            raise ValidationError(field, f"unknown instrument {key!r}")
        found = max(
            versions,
            key=lambda i: tuple(int(p) if p.isdigit() else 0 for p in i.version.split(".")),
        )
    if found.kind != kind:
        raise ValidationError(field, f"{key!r} is a {found.kind} instrument, not a {kind} one")
    return found


def default_instrument(kind: str) -> Instrument:
    """The instrument the desk uses unless the officer picks another (newest of that kind)."""
    preferred = {"screening": "csec-screen-gc", "risk": "detention-risk-example"}[kind]
    county = [i for i in instruments().values() if i.kind == kind and i.id != preferred]
    return instrument(county[0].id if county else preferred, kind=kind, field=kind)
