"""The words around the articles, in the reader's language.

Articles are translated as content; this is the page furniture: buttons,
headings, the feedback widget. English is the source text and the fallback;
a string without a translation is shown in English, never left out.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from babel import Locale, UnknownLocaleError

GERMAN: dict[str, str] = {
    # base, search box, footer
    "Skip to content": "Zum Inhalt springen",
    "Search help": "Hilfe durchsuchen",
    "Site search": "Suche",
    "Suggestions": "Vorschläge",
    "Search": "Suchen",
    "If you type personal information into the search or feedback boxes, it will not be used to identify or contact you.":
        "Wenn Sie persönliche Daten in das Such- oder Feedbackfeld eingeben, werden sie nicht verwendet, um Sie zu identifizieren oder zu kontaktieren.",
    "How we treat your data": "Wie wir mit Ihren Daten umgehen",
    # home
    "How can we help?": "Wie können wir helfen?",
    "Search help articles": "Hilfeartikel durchsuchen",
    "For example: share my screen": "Zum Beispiel: Bildschirm freigeben",
    "Browse by topic": "Nach Thema stöbern",
    "Popular articles": "Beliebte Artikel",
    # search
    "Search results": "Suchergebnisse",
    "Filter results": "Ergebnisse filtern",
    "Product": "Produkt",
    "All products": "Alle Produkte",
    "Topic": "Thema",
    "All topics": "Alle Themen",
    "Filter": "Filtern",
    "No results for": "Keine Ergebnisse für",
    "Showing results for": "Ergebnisse für",
    "Did you mean": "Meinten Sie",
    "result": "Ergebnis",
    "results": "Ergebnisse",
    "for": "für",
    "Result pages": "Ergebnisseiten",
    "Previous": "Zurück",
    "Next": "Weiter",
    "Page": "Seite",
    "of": "von",
    "No articles match": "Keine Artikel gefunden für",
    "Try fewer or different words, check the spelling, or describe what you see on screen, such as an error code.":
        "Versuchen Sie weniger oder andere Wörter, prüfen Sie die Schreibweise, oder beschreiben Sie, was Sie auf dem Bildschirm sehen, etwa einen Fehlercode.",
    "Type a few words to search": "Geben Sie ein paar Wörter ein, um zu suchen",
    # article
    "Help": "Hilfe",
    "Breadcrumb": "Brotkrümelnavigation",
    "Also in": "Auch auf",
    "On this page": "Auf dieser Seite",
    "Updated": "Aktualisiert",
    "Related articles": "Verwandte Artikel",
    # feedback widget
    "Was this information helpful?": "War diese Information hilfreich?",
    "Yes": "Ja",
    "No": "Nein",
    "What affected your experience?": "Was hat Ihre Erfahrung beeinflusst?",
    "Resolved my issue": "Mein Problem wurde gelöst",
    "Clear instructions": "Klare Anleitung",
    "Easy to follow": "Leicht nachvollziehbar",
    "No jargon": "Kein Fachjargon",
    "Pictures helped": "Bilder haben geholfen",
    "Other": "Sonstiges",
    "Didn't match my screen": "Passte nicht zu meinem Bildschirm",
    "Incorrect instructions": "Falsche Anleitung",
    "Too technical": "Zu technisch",
    "Not enough information": "Nicht genug Informationen",
    "Not enough pictures": "Nicht genug Bilder",
    "Any additional feedback?": "Weiteres Feedback?",
    "Feedback is used to improve our products and services. Your organisation's IT admin may be able to collect it. Please don't include personal information.":
        "Feedback wird verwendet, um unsere Produkte und Dienste zu verbessern. Die IT-Administration Ihrer Organisation kann es möglicherweise erfassen. Bitte geben Sie keine persönlichen Daten an.",
    "Privacy": "Datenschutz",
    "Submit": "Senden",
    "Leave this field empty": "Dieses Feld leer lassen",
    "Thank you for your feedback!": "Vielen Dank für Ihr Feedback!",
    "Back to the article": "Zurück zum Artikel",
    "Tell us more about": "Erzählen Sie uns mehr über",
    "Your answer": "Ihre Antwort",
    "is saved.": "ist gespeichert.",
    "Feedback": "Feedback",
    "characters": "Zeichen",
    "Your feedback could not be sent. Please try again later.":
        "Ihr Feedback konnte nicht gesendet werden. Bitte versuchen Sie es später noch einmal.",
    # privacy page, and the lists its JSON twin shares
    "How we treat what you type": "Wie wir mit Ihren Eingaben umgehen",
    "Before anything is stored, names, email addresses, phone numbers, addresses, account numbers and other personal details are replaced by placeholders.":
        "Bevor etwas gespeichert wird, werden Namen, E-Mail-Adressen, Telefonnummern, Anschriften, Kontonummern und andere persönliche Angaben durch Platzhalter ersetzt.",
    "For example, an email address becomes": "Eine E-Mail-Adresse wird zum Beispiel zu",
    "What we keep": "Was wir speichern",
    "What we never keep": "Was wir nie speichern",
    "Your Yes/No vote, the reasons you chose and your comment, after personal data is removed":
        "Ihre Ja/Nein-Bewertung, die gewählten Gründe und Ihren Kommentar, nachdem persönliche Daten entfernt wurden",
    "Search words, after personal data is removed": "Suchbegriffe, nachdem persönliche Daten entfernt wurden",
    "The client name, its major version, the operating system family and the language":
        "Den Namen des Programms, seine Hauptversion, die Betriebssystemfamilie und die Sprache",
    "The hour (not the minute) something happened": "Die Stunde (nicht die Minute), in der etwas geschah",
    "IP addresses": "IP-Adressen",
    "Full user-agent strings": "Vollständige Browserkennungen (User-Agent)",
    "Cookies that identify you": "Cookies, die Sie identifizieren",
    "Text you type, before personal data is removed from it": "Von Ihnen eingegebenen Text, bevor persönliche Daten daraus entfernt wurden",
    "How we count visitors": "Wie wir Besucher zählen",
    "To count one vote per person per day, we compute a code from your network address and browser with a secret that changes every day at midnight (UTC) and is deleted after 48 hours. The code cannot be turned back into your address, and yesterday's codes cannot be linked to today's.":
        "Um pro Person und Tag eine Bewertung zu zählen, berechnen wir aus Ihrer Netzwerkadresse und Ihrem Browser einen Code, mit einem Geheimnis, das jeden Tag um Mitternacht (UTC) wechselt und nach 48 Stunden gelöscht wird. Aus dem Code lässt sich Ihre Adresse nicht zurückgewinnen, und die Codes von gestern lassen sich nicht mit denen von heute verknüpfen.",
    "How long we keep it": "Wie lange wir Daten aufbewahren",
    "Searches, clicks and page views: %(days)s days.": "Suchen, Klicks und Seitenaufrufe: %(days)s Tage.",
    "Feedback comments: %(days)s days.": "Feedback-Kommentare: %(days)s Tage.",
    "Daily totals (counts with no text of yours) are kept for reports.":
        "Tagessummen (Zahlen ohne Text von Ihnen) werden für Berichte aufbewahrt.",
    "Reports show a search phrase only when at least %(k)s different visitors used it on the same day.":
        "Berichte zeigen einen Suchbegriff nur, wenn ihn mindestens %(k)s verschiedene Besucher am selben Tag verwendet haben.",
    "Your organisation": "Ihre Organisation",
    "Your organisation's IT admin may be able to collect the feedback sent from your organisation, after personal data has been removed, and can turn feedback off.":
        "Die IT-Administration Ihrer Organisation kann das aus Ihrer Organisation gesendete Feedback möglicherweise erfassen, nachdem persönliche Daten entfernt wurden, und kann Feedback abschalten.",
    # errors
    "We couldn't find that page": "Diese Seite wurde nicht gefunden",
    "Something went wrong": "Etwas ist schiefgelaufen",
    "We couldn't do that": "Das hat nicht geklappt",
    "Not found": "Nicht gefunden",
    "Error": "Fehler",
    "Search help articles instead": "Stattdessen Hilfeartikel durchsuchen",
    "These articles may help": "Diese Artikel könnten helfen",
    "Go to the help home page": "Zur Startseite der Hilfe",
    "No results in {searched}; {count} in {found}": "Keine Ergebnisse auf {searched}; {count} auf {found}",
}

CATALOGS: dict[str, dict[str, str]] = {"de": GERMAN}
UI_LOCALES = ("en-US", "de-DE")


def translator(locale: str | None) -> Callable[[str], str]:
    """A function from English source text to the locale's text (English where none is known)."""
    catalog = CATALOGS.get((locale or "en").split("-", 1)[0].lower(), {})
    return lambda text: catalog.get(text, text)


def language_name(locale: str, ui: str) -> str:
    """A locale's name in the reader's language, from CLDR ("German (Germany)"); its code where CLDR has none."""
    try:
        return Locale.parse(locale, sep="-").get_display_name(Locale.parse(ui, sep="-")) or locale
    except (ValueError, UnknownLocaleError):
        return locale


def fallback_message(fallback: dict[str, Any], ui: str) -> str:
    """Says that the reader's locale found nothing and where the hits shown come from."""
    return translator(ui)("No results in {searched}; {count} in {found}").format(
        searched=language_name(fallback["from"], ui), count=fallback["total"], found=language_name(fallback["locale"], ui))
