"""The words around the articles, in the reader's language.

Articles are translated as content; this is the page furniture: buttons,
headings, the feedback widget, error messages and the staff reports. The
text lives in gettext catalogs, ``helpsvc/locale/<lang>/LC_MESSAGES/messages.po``,
read with Babel when first needed (no compiled files to build or keep in git).
English is the source text and the fallback: a string without a translation
is shown in English, never left out. The languages the UI speaks are the
catalogs found on disk plus English, so a new language is a new catalog.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from io import BytesIO
from pathlib import Path
from typing import Any

import jinja2
from babel import Locale, UnknownLocaleError
from babel.core import get_global
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

from ..locale import DOMAIN, LOCALE_DIR, N_, Message

SOURCE_LOCALE = "en-US"

# The feedback reasons intake.feedback offers, which templates show with |translate: marked here so
# extraction puts them in the catalogs (tests/test_i18n.py checks this list and intake's agree).
FEEDBACK_REASONS = (
    N_("Resolved my issue"), N_("Clear instructions"), N_("Easy to follow"), N_("No jargon"), N_("Pictures helped"),
    N_("Other"), N_("Didn't match my screen"), N_("Incorrect instructions"), N_("Too technical"),
    N_("Not enough information"), N_("Not enough pictures"),
)


def catalog_path(language: str, root: Path = LOCALE_DIR) -> Path:
    return root / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def catalog_languages(root: Path = LOCALE_DIR) -> tuple[str, ...]:
    """The languages with a catalog on disk: ``de``, ``fr``, or ``pt_BR`` for a regional one."""
    return tuple(sorted(path.parent.parent.name for path in root.glob(f"*/LC_MESSAGES/{DOMAIN}.po")))


def _ui_locale(language: str) -> str:
    """A catalog's language as a locale the site negotiates: ``fr`` is ``fr-FR``, CLDR's most likely region."""
    if "_" in language:
        return language.replace("_", "-")
    likely = get_global("likely_subtags").get(language, "")
    region = next((part for part in likely.split("_")[1:] if part.isupper() and len(part) == 2), "")
    return f"{language}-{region}" if region else language


def ui_locales(root: Path = LOCALE_DIR) -> tuple[str, ...]:
    """The locales the page furniture speaks: English, then one per catalog found under ``root``."""
    return (SOURCE_LOCALE, *(_ui_locale(language) for language in catalog_languages(root)))


UI_LOCALES = ui_locales()


@functools.lru_cache(maxsize=None)
def load_catalog(path: Path, language: str) -> Translations:
    """A catalog read from its .po file and compiled in memory; fuzzy and empty entries are left out (English shows)."""
    with path.open("rb") as po:
        catalog = read_po(po, locale=language, domain=DOMAIN)
    for message in list(catalog):
        # write_mo keeps a plural entry with an empty form, which would show nothing for that count.
        if message.id and isinstance(message.string, tuple) and not all(message.string):
            catalog.delete(message.id, message.context)
    compiled = BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


_ENGLISH = NullTranslations()


@functools.lru_cache(maxsize=256)
def translations(locale: str | None) -> NullTranslations:
    """The catalog for a locale (``fr-CA`` uses ``fr_CA`` if there is one, else ``fr``); English has none."""
    if not locale:
        return _ENGLISH
    parts = locale.replace("_", "-").split("-")
    for language in (f"{parts[0].lower()}_{parts[1].upper()}" if len(parts) > 1 else "", parts[0].lower()):
        if language and catalog_path(language).is_file():
            return load_catalog(catalog_path(language), language)
    return _ENGLISH


def translator(locale: str | None) -> Callable[[str], str]:
    """A function from English source text to the locale's text (English where none is known)."""
    return translations(locale).gettext


def translate(text: str, locale: str | None) -> str:
    """Text in the locale's words: a ``Message`` is looked up by its source and filled in again; other text as it is."""
    if isinstance(text, Message):
        said = translations(locale).gettext(text.msgid)
        return said % text.values if text.values else said
    return translations(locale).gettext(text) if text else text


# ---------------------------------------------------------------- templates


def _page_locale(context: Any) -> str | None:
    locale = context.get("ui_locale")
    return locale if isinstance(locale, str) else None


@jinja2.pass_context
def _gettext(context: Any, message: str) -> str:
    return translations(_page_locale(context)).gettext(message)


@jinja2.pass_context
def _ngettext(context: Any, singular: str, plural: str, num: int) -> str:
    return translations(_page_locale(context)).ngettext(singular, plural, num)


@jinja2.pass_context
def _translate_filter(context: Any, text: Any) -> Any:
    """``{{ column.label|translate }}``: text made in Python (a report's titles, an error) in the page's language."""
    return translate(text, _page_locale(context)) if isinstance(text, str) else text


def install(env: jinja2.Environment) -> None:
    """Jinja2's i18n extension, speaking each page's ``ui_locale``: ``_()``, ``{% trans %}`` and ``|translate``.

    Newstyle gettext: ``_("Page %(page)s of %(pages)s", page=2, pages=9)`` fills
    in (and escapes) the values, and ``{% trans count=n %}…{% pluralize %}…``
    asks the catalog's plural rule.
    """
    env.add_extension("jinja2.ext.i18n")
    env.install_gettext_callables(_gettext, _ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.filters["translate"] = _translate_filter


# ---------------------------------------------------------------- locale names and sentences


def language_name(locale: str, ui: str) -> str:
    """A locale's name in the reader's language, from CLDR ("German (Germany)"); its code where CLDR has none."""
    try:
        return Locale.parse(locale, sep="-").get_display_name(Locale.parse(ui, sep="-")) or locale
    except (ValueError, UnknownLocaleError):
        return locale


def fallback_message(fallback: dict[str, Any], ui: str) -> str:
    """Says that the reader's locale found nothing and where the hits shown come from."""
    total = fallback["total"]
    sentence = translations(ui).ngettext(
        "No results in %(searched)s; %(num)s result in %(found)s.",
        "No results in %(searched)s; %(num)s results in %(found)s.",
        total,
    )
    return sentence % {"searched": language_name(fallback["from"], ui), "num": total,
                       "found": language_name(fallback["locale"], ui)}
