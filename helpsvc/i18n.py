"""The words around the articles, in the reader's language.

Articles are translated as content; this is the page furniture: buttons,
headings, the feedback widget. English is the source text and the fallback;
a string without a translation is shown in English, never left out.
"""

from __future__ import annotations

from collections.abc import Callable

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
    # errors
    "We couldn't find that page": "Diese Seite wurde nicht gefunden",
    "Something went wrong": "Etwas ist schiefgelaufen",
    "We couldn't do that": "Das hat nicht geklappt",
    "Not found": "Nicht gefunden",
    "Error": "Fehler",
    "Search help articles instead": "Stattdessen Hilfeartikel durchsuchen",
    "These articles may help": "Diese Artikel könnten helfen",
    "Go to the help home page": "Zur Startseite der Hilfe",
}

CATALOGS: dict[str, dict[str, str]] = {"de": GERMAN}
UI_LOCALES = ("en-US", "de-DE")


def translator(locale: str | None) -> Callable[[str], str]:
    """A function from English source text to the locale's text (English where none is known)."""
    catalog = CATALOGS.get((locale or "en").split("-", 1)[0].lower(), {})
    return lambda text: catalog.get(text, text)
