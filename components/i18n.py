"""Vietnamese by default, English on request: translated strings and Vietnamese number and date formats."""

from __future__ import annotations

import datetime as dt
import functools
import json
from pathlib import Path

import flask
from babel.dates import format_date as _babel_date
from babel.numbers import format_decimal

LANGUAGES = ("vi", "en")
DEFAULT = "vi"
COOKIE = "pccovid_lang"
_LOCALES = Path(__file__).with_name("locales")


@functools.cache
def _catalogue(lang: str) -> dict[str, str]:
    return json.loads((_LOCALES / f"{lang}.json").read_text(encoding="utf-8"))


def current_language() -> str:
    """The language of this request (cookie set by the switch in the header); Vietnamese outside a request."""
    if flask.has_request_context():
        lang = flask.request.cookies.get(COOKIE, DEFAULT)
        return lang if lang in LANGUAGES else DEFAULT
    return DEFAULT


def t(key: str, lang: str | None = None, **values: object) -> str:
    """The text for `key` in `lang`; a missing translation falls back to Vietnamese, then to the key."""
    lang = lang or current_language()
    text = _catalogue(lang).get(key) or _catalogue(DEFAULT).get(key) or key
    return text.format(**values) if values else text


def number(value: float | int | str | None, lang: str | None = None, digits: int = 0) -> str:
    """1.234.567 in Vietnamese, 1,234,567 in English; an em dash for no value; a count the reader may not see exactly
    as the data layer gave it ("<5", data/disclosure.py)."""
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(value, format=pattern, locale=lang or current_language())


def numeric(value: object) -> float | int | None:
    """A figure to compute with: None for no value and for a suppressed count ("<5")."""
    return value if isinstance(value, int | float) and not isinstance(value, bool) else None


def date(value: dt.date | str | None, lang: str | None = None) -> str:
    """02/08/2021 in both languages: the form Vietnamese officials and readers expect."""
    if value is None:
        return "—"
    if isinstance(value, str):
        value = dt.date.fromisoformat(value[:10])
    return _babel_date(value, "dd/MM/yyyy", locale=lang or current_language())


def plotly_separators(lang: str | None = None) -> str:
    """Plotly's `separators` (decimal, then thousands) for the language."""
    return ",." if (lang or current_language()) == "vi" else ".,"
