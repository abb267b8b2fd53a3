"""The UI's translation catalogs, and the marker that puts English source text into them.

Owns ``<lang>/LC_MESSAGES/messages.po`` (one folder per language the page
furniture speaks; ``messages.pot`` is their template, extracted by ``make
messages``) and ``N_``, which marks text that is shown later, in whatever
language the page that shows it speaks. Loading the catalogs is ``web.i18n``'s
job. Imports nothing from helpsvc, so every package may import it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

LOCALE_DIR = Path(__file__).resolve().parent
DOMAIN = "messages"


class Message(str):
    """English text that remembers its source text and values, so a page can say it in the reader's language.

    Wherever a string is expected (JSON, CSV, logs, the CLI) it is the English
    text; ``web.i18n.translate`` looks ``msgid`` up in a catalog and fills in
    ``values`` again.
    """

    msgid: str
    values: dict[str, Any]

    def __new__(cls, msgid: str, **values: Any) -> "Message":
        text = super().__new__(cls, msgid % values if values else msgid)
        text.msgid = msgid
        text.values = values
        return text

    def __reduce__(self) -> tuple[Any, ...]:
        # Pickled (a cached page, a result) as what it says and where it came from.
        return (_rebuild, (self.msgid, self.values))


def _rebuild(msgid: str, values: dict[str, Any]) -> Message:
    return Message(msgid, **values)


def N_(msgid: str, **values: Any) -> Message:
    """Marks English text for the catalogs (Babel extracts ``N_``), to be translated where it is shown.

    Values fill ``%(name)s`` placeholders, in English now and in the reader's
    language later: ``N_("Feedback from %(org)s, newest first", org=org)``.
    """
    return Message(msgid, **values)
