"""Street addresses in several national styles, and postcodes near them."""
from __future__ import annotations

import re
from typing import Iterator

from .span import Span, SpanDetector

_CAP = r"[A-ZÀ-ÖØ-ÞĀ-ſ][\w'’.\-]*"          # a capitalised word
_NUM = r"\d{1,5}[A-Za-z]?(?:[\-/]\d{1,5}[A-Za-z]?)?"

_EN_SUFFIX = (
    r"street|st|road|rd|avenue|ave|av|lane|ln|drive|dr|court|ct|boulevard|blvd|way|place|pl|gardens|gdns|close|"
    r"crescent|cres|terrace|tce|square|sq|parkway|pkwy|highway|hwy|circle|cir|row|mews|walk|grove|hill|park|"
    r"trail|trl|alley|plaza|green|rise|heights|drove|gate|wharf|quay|loop|pike|expressway|causeway|esplanade|"
    r"promenade|vale|wynd|main|cross|marg|nagar|layout"
)
_UNIT = r"(?:,?\s*(?:apt|apartment|suite|ste|unit|flat|floor|fl|room|#)\.?\s*[\w\-]{1,6})?"
_EN_STREET_RE = re.compile(
    rf"(?=[0-9])(?<![\w\-.,/])(?:{_NUM}|\d{{1,3}}(?:st|nd|rd|th)),?\s+(?:(?:[NSEW]|NE|NW|SE|SW)\.?\s+)?"
    rf"(?:{_CAP}\s+){{1,3}}(?i:{_EN_SUFFIX})\b\.?(?i:{_UNIT})"
)
_DE_SUFFIX = (
    r"straße|strasse|str\.|weg|gasse|allee|platz|damm|ufer|chaussee|pfad|steig|stieg|"    # German
    r"straat|laan|gracht|plein|kade|singel|dijk|steeg|"                               # Dutch
    r"gatan|gata|vägen|väg|gränd|torget|gade|vej|veien|vegen|katu|tie"                # Nordic
)
# Words a German street name may open with ("Alte Poststraße", "Am Weißen Steinweg",
# "St.-Anna-Platz"); any other word before it is the sentence's ("laut Lieferschein an ...").
_DE_OPENER = (
    r"(?:(?:An|Am|Auf|Im|In|Zum|Zur|Unter|Hinter|Vor|Bei|Sankt|St\.|(?:Alt|Neu|Gro(?:ß|ss)|Klein|Ober|Unter|Nieder|"
    r"Lang|Hoh|Breit|Hinter|Vorder|Mittler|Obere?|Untere?)e[rnms]?)\s+(?:(?:der|den|dem|die|des)\s+)?)"
)
_DE_STREET_RE = re.compile(
    rf"(?<![\w\-]){_DE_OPENER}?"
    rf"(?:[A-ZÄÖÜÅÆØ][\wäöüßåæø\-]*?(?:{_DE_SUFFIX}|-(?:Straße|Strasse|Str\.|Weg|Gasse|Allee|Platz|Damm|Ufer|Ring|Chaussee|Pfad|Steig))"
    rf"|[A-ZÄÖÜ][\wäöüß\-]+\s+(?:Straße|Strasse|Str\.|Weg|Gasse|Allee|Platz|Damm|Ufer|Chaussee|Ring|Markt|Steig))"
    rf"\s*{_NUM}(?![\w])",
)
_ROMANCE_KEY = (
    r"rue|avenue|av\.|boulevard|bd|place|chemin|allée|impasse|quai|route|cours|"
    r"calle|c/|avenida|avda\.?|paseo|plaza|camino|carrera|ronda|travesía|"
    r"via|viale|piazza|corso|largo|vicolo|strada|"
    r"rua|travessa|praça|estrada|alameda|"
    r"ul\.|ulica|aleja|al\.|plac|"
    r"ulitsa|ул\.|улица|проспект|пр\."
)
_LINK = r"(?:de\s+la\s+|de\s+l['’]|du\s+|des\s+|de\s+|del\s+|de\s+los\s+|de\s+las\s+|della\s+|dei\s+|di\s+|da\s+|do\s+|dos\s+|das\s+|d['’])?"
_ROMANCE_NUM_FIRST_RE = re.compile(
    rf"[0-9](?<![\w\-][0-9])[0-9]{{0,3}}(?:\s?(?:bis|ter|[a-z]))?,?\s+(?i:{_ROMANCE_KEY})\s+(?i:{_LINK}){_CAP}(?:[ \-]+{_CAP}){{0,3}}"
)
_ROMANCE_NUM_LAST_RE = re.compile(
    rf"(?<![\w\-])(?:Rue|Avenue|Boulevard|Chemin|Allée|Impasse|Quai|Calle|C/|Avenida|Avda\.?|Paseo|Camino|"
    rf"Via|Viale|Piazza|Corso|Vicolo|Rua|Travessa|Praça|Alameda|ul\.|Ulica|Aleja|Plac)\s+(?i:{_LINK}){_CAP}"
    rf"(?:[ \-]+{_CAP}){{0,3}},?\s*(?:n[oº°]\.?\s*)?\d{{1,4}}[a-zA-Z]?(?:[/\-]\d{{1,4}}[a-zA-Z]?)?(?![\w])",
)
_TR_STREET_RE = re.compile(
    rf"(?<![\w\-]){_CAP}(?:\s+{_CAP}){{0,2}}\s+(?:Caddesi|Cad\.|Sokak|Sokağı|Sok\.|Bulvarı|Blv\.|Mahallesi|Mah\.)"
    rf"(?:\s*,?\s*(?:No|Nr)\s*[:.]?\s*\d{{1,4}}[A-Za-z]?(?:/\d{{1,3}})?)?",
)
_IN_STREET_RE = re.compile(
    rf"(?<![\w])(?i:(?:house|flat|plot|door|shop|h\.?)\s*(?:no\.?|#)?|no\.?|#)\s*\d{{1,5}}[A-Za-z]?(?:/\d{{1,4}})?,\s*"
    rf"(?:[\w.\-]+\s+){{0,3}}(?i:main|cross|road|rd|street|st|block|stage|phase|sector|nagar|layout|colony|marg|lane)\b\.?"
    rf"(?:\s+[0-9]{{1,4}}[A-Za-z]?(?![\w]))?(?:\s*,\s*{_CAP}(?:\s+{_CAP})?)?"
)
_PO_BOX_RE = re.compile(r"(?<![\w])(?:p\.?\s?o\.?\s?box|postfach|boîte\s+postale|apartado(?:\s+de\s+correos)?)\s*\d{1,6}", re.IGNORECASE)

# Each street pattern runs only when one of its key words occurs (None: always).
_STREET_PATTERNS: tuple[tuple[re.Pattern[str], tuple[str, ...] | None], ...] = (
    (_EN_STREET_RE, None),
    (_DE_STREET_RE, ("straße", "strasse", "str.", "weg", "gasse", "allee", "platz", "damm", "ufer", "chaussee",
                     "pfad", "steig", "stieg", "straat", "laan", "gracht", "plein", "kade", "singel", "dijk",
                     "steeg", "gata", "väg", "gränd", "torget", "gade", "vej", "veien", "vegen", "katu", "tie",
                     "ring", "markt")),
    (_ROMANCE_NUM_FIRST_RE, None),
    (_ROMANCE_NUM_LAST_RE, ("rue", "avenue", "boulevard", "chemin", "allée", "impasse", "quai", "calle", "c/",
                            "avenida", "avda", "paseo", "camino", "via", "piazza", "corso", "vicolo", "rua",
                            "travessa", "praça", "alameda", "ul.", "ulica", "aleja", "plac")),
    (_TR_STREET_RE, ("cad", "sok", "bulvar", "blv", "mah")),
    (_IN_STREET_RE, None),
    (_PO_BOX_RE, ("box", "postfach", "boîte", "apartado")),
)

# An address cue takes the rest of the clause when no street pattern matched inside it.
_ADDRESS_CUE_RE = re.compile(
    # the longer cues first: the first alternative that matches is taken
    r"(?<![\w])(?:adresse\s+de\s+(?:facturation|livraison)|direcci[óo]n\s+de\s+(?:env[íi]o|entrega)|"
    r"indirizzo\s+di\s+(?:spedizione|consegna)|adres\s+(?:dostawy|do\s+wysyłki)|afleveradres|bezorgadres|"
    r"(?:my|our|home|postal|mailing|billing|shipping|delivery|street|new)\s+address|address|adresse|"
    r"anschrift|wohnadresse|lieferadresse|lieferanschrift|rechnungsadresse|dirección|domicilio|indirizzo|"
    r"endereço|adres|i\s+live\s+at|live\s+at|living\s+at|located\s+at|ship(?:ping)?\s+to|deliver(?:y)?\s+to|"
    r"wohne\s+in\s+der|j['’]habite(?:\s+au)?)"
    r"\s*(?:is|ist|est|es|:|-)?\s*(?::\s*)?",
    re.IGNORECASE,
)
# "IP address", "e-mail address", "SIP address": addresses, but not where someone lives.
_NOT_POSTAL_RE = re.compile(
    r"(?:ip|ipv4|ipv6|mac|e-?mail|mail|sip|web|sign[\s-]?in|log[\s-]?in|url|server|network|proxy|gateway|dns|"
    r"hardware|physical|return|reply|forwarding|ip-?|e-?mail-?|mac-?|web-?|sip-?|internet|memory|broadcast)[\s-]*$",
    re.IGNORECASE,
)
# What a postal address clause starts with: "12 Some Road", "Hauptweg 4", "No. 7, ...".
_ADDRESS_SHAPE_RE = re.compile(
    r"^\W{0,3}(?:\d{1,5}[A-Za-z]?,?\s+[A-ZÀ-Þ]|[A-ZÀ-Þ][\w.\-]+(?:\s+[\w.\-]+){0,3}\s+\d{1,5}\b|(?i:no|nr|flat|apt|unit)\.?\s*\d"
    # typed in lower case, as queries often are: a number, words and a street word
    rf"|\d{{1,5}}[a-z]?,?\s+(?:[a-zà-þ][\w'’.\-]*\s+){{1,3}}(?i:{_EN_SUFFIX}|{_DE_SUFFIX}|{_ROMANCE_KEY})(?:\b|\s|$)"
    rf"|[a-zà-þ][\w'’\-]*(?i:{_DE_SUFFIX})\s*\d{{1,5}}\b"
    rf"|\d{{1,5}}[a-z]?,?\s+(?i:{_ROMANCE_KEY})\s|(?i:{_ROMANCE_KEY})\s+(?:[\w'’\-]+\s+){{1,4}}\d{{1,4}}\b)"
)
_CLAUSE_END_RE = re.compile(r"\s[—–]\s|\s-\s|[;|\n(]|\.(?:\s|$)|,\s+(?:and|but|which|please|bitte|merci|svp|gracias)\b|$", re.IGNORECASE)

_ADDRESS_CUE_WORDS = (
    "addr", "adress", "anschrift", "afleveradres", "bezorgadres", "direcci", "domicil", "indirizz", "endere", "adres", "live at", "living at",
    "located at", "ship", "deliver", "wohne", "habite",
)
_POSTCODE_CUE_WORDS = ("post", "zip", "plz", "code postal", "c.p", "cp", "código", "cap", "pin", "cep", "posta")

# ---------------------------------------------------------------- postcodes
# US state codes; ID and OK are left out: "Event ID 20501" and "OK 20000" are not addresses.
_US_STATES = (
    "AL AK AZ AR CA CO CT DE FL GA HI IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND OH "
    "OR PA RI SC SD TN TX UT VT VA WA WV WI WY DC PR"
).split()
_UK_POSTCODE_RE = re.compile(r"[A-Z](?<![\w][A-Z])[A-Z]?[0-9][A-Z0-9]?\s[0-9][A-Z]{2}(?![\w])")
_US_STATE_NAMES = (
    "Alabama|Alaska|Arizona|Arkansas|California|Colorado|Connecticut|Delaware|Florida|Georgia|Hawaii|Idaho|"
    "Illinois|Indiana|Iowa|Kansas|Kentucky|Louisiana|Maine|Maryland|Massachusetts|Michigan|Minnesota|"
    "Mississippi|Missouri|Montana|Nebraska|Nevada|New Hampshire|New Jersey|New Mexico|New York|North Carolina|"
    "North Dakota|Ohio|Oklahoma|Oregon|Pennsylvania|Rhode Island|South Carolina|South Dakota|Tennessee|Texas|"
    "Utah|Vermont|Virginia|Washington|West Virginia|Wisconsin|Wyoming"
)
_US_ZIP_RE = re.compile(
    rf"([A-Z][a-z]+),?\s+(?:{'|'.join(_US_STATES)}|{_US_STATE_NAMES})\s+(\d{{5}}(?:-\d{{4}})?)(?![\w\-])"
)
# Australian states whose abbreviation is no English word or other code ("SA", "WA" are).
_AU_POSTCODE_RE = re.compile(r"(?<=\b(?:NSW|VIC|QLD|TAS|ACT) )\d{4}(?![\w\-])")
_CA_POSTCODE_RE = re.compile(r"[A-Z](?<![\w][A-Z])[0-9][A-Z] ?[0-9][A-Z][0-9](?![\w])")
_JP_POSTCODE_RE = re.compile(r"〒\s?\d{3}-?\d{4}")
_FIVE_DIGIT_CITY_RE = re.compile(r"([0-9](?<![\w\-.,/][0-9])[0-9]{4})\s+(?=[A-ZÄÖÜÀ-Ý][a-zäöüßà-ÿ])")
# Postcode shapes that stand before the town: Dutch "1012 AB", Polish "00-950"; 5 digits
# (Germany, France, Spain, Italy) are above, 4 digits (Austria, Switzerland, Belgium) count
# only after a street.
_COUNTRY_POSTCODE_RE = re.compile(r"(?<![\w\-])(?:D|A|CH|F|I|E|B|L|NL|PL)-\d{4,5}(?=\s+[A-ZÄÖÜÀ-ÞŁŚŻ])")
_LETTERED_CITY_RE = re.compile(
    r"([0-9](?<![\w\-.,/][0-9])[0-9]{3}\s?[A-Z]{2}|[0-9](?<![\w\-.,/][0-9])[0-9]-[0-9]{3})\s+(?=[A-ZŁŚŻŹĆ][a-ząćęłńóśźż])"
)
# "<street> <number>, <postcode> <Town>": whatever street name stands before a postcode and
# town is a street, with or without a suffix word ("Am Kirchberg 3, 83022 Rosenheim",
# "Piotrkowska 104, 90-001 Łódź"). Its words are capitalised or the particles of names.
# Particles ("de", "van", "der") only follow a word that opens street names ("Am", "Unter",
# "Calle", "Laan", "ul."), so "Bitte an Auf dem Hügel 14" starts at "Auf".
_PARTICLE = r"(?:de|la|le|du|des|del|della|di|da|do|dos|van|von|der|den|dem|die|het|l['’]|d['’])"
_OPENER = (
    r"(?:An|Am|Auf|Im|In|Zum|Zur|Unter|Hinter|Vor|Bei|Calle|Avenida|Paseo|Plaza|Camino|Via|Viale|Piazza|Corso|"
    r"Largo|Rue|Avenue|Place|Chemin|Rua|Laan|Plein|Aleja|Plac|ul\.|al\.|pl\.|C/)"
)
# Found from the postcode backwards: postcodes are rare, and a digit-led pattern is quick.
_POSTCODE_TOWN_RE = re.compile(
    r"[0-9](?<![\w\-.,/][0-9])(?:[0-9]{4}|[0-9]{3}\s?[A-Z]{2}|[0-9]-[0-9]{3}|[0-9]{3})\s+[A-ZÄÖÜÀ-ÞŁŚŻŹĆ][\w\-]+"
)
_STREET_BEFORE_TOWN_RE = re.compile(
    rf"(?<![\w\-])(?:{_OPENER}(?:\s+{_PARTICLE})*|{_CAP})(?:\s+{_CAP}(?:\s+{_PARTICLE})*){{0,4}}\s+{_NUM},?\s+$"
)
_STREET_REACH = 80
# A number that is a field's value ("ms-diagnostics: 52001", "Fehler 40001") is no postcode.
_FIELD_BEFORE_RE = re.compile(r"(?:[:=#]|\b(?:error|fehler|erreur|code|event|id|port|build|version|kb|diagnostics))\s*$", re.IGNORECASE)
_CONTEXT_POSTCODE_RE = re.compile(
    r"(?<![\w\-.,/])(?:\d{4}\s?[A-Z]{2}|\d{2}-\d{3}|[1-9]\d{5}|\d{4,5}"
    r"|[AC-FHKNPRTV-Y]\d[0-9W]\s?[AC-FHKNPRTV-Y0-9]{4})"  # Irish Eircode, "T12 X8K2"
    r"(?![\w\-]|[.,]\d)"
)
_POSTCODE_CUE_RE = re.compile(
    r"(?<![\w])(?:post\s*code|postal\s+code|zip(?:\s*code)?|plz|postleitzahl|code\s+postal|c\.?p\.?|"
    r"código\s+postal|cap|pin\s*code|pincode|cep|posta\s+kodu|postnummer)\s*[:#]?\s*(?:(?:is|ist|est|es|è)\s+)?"
    # a second part has a digit ("SW1A 1AA", "M5V 3L9") or is the two capitals of a Dutch one ("1012 AB")
    r"(?P<v>[A-Z0-9]{2,8}(?:[ \-](?=[A-Z0-9]*\d)[A-Z0-9]{2,4}|[ ](?-i:[A-Z]{2}))?)(?![\w])",
    re.IGNORECASE,
)


def _postcode_follows(text: str, end: int) -> bool:
    """A UK, US or Canadian postcode closes the line after it ("..., Leeds LS6 2AB")."""
    stop = text.find("\n", end)
    window = text[end : min(end + 50, stop if stop != -1 else len(text))]
    return any(regex.search(window) for regex in (_UK_POSTCODE_RE, _CA_POSTCODE_RE)) or bool(
        _US_ZIP_RE.search(window)
    )


class AddressDetector(SpanDetector):
    """Street addresses (several languages), PO boxes, and postcodes in an address context."""

    def __init__(self, common_words: frozenset[str]) -> None:
        self._common = common_words

    def detect(self, text: str) -> Iterator[Span]:
        if not any(c.isdigit() for c in text):
            return
        streets: list[Span] = []
        lowered = text.lower()
        for regex, gate in _STREET_PATTERNS:
            if gate and not any(word in lowered for word in gate):
                continue
            for m in regex.finditer(text):
                if regex is _EN_STREET_RE and not (self._plausible_en(m.group()) or _postcode_follows(text, m.end())):
                    continue
                streets.append(Span(m.start(), m.end(), "ADDRESS"))
        for pc in _POSTCODE_TOWN_RE.finditer(text):
            m = _STREET_BEFORE_TOWN_RE.search(text, max(0, pc.start() - _STREET_REACH), pc.start())
            if not m:
                continue
            street = m.group().rstrip(" ,")
            if not any(s.start < m.end() and s.end > m.start() for s in streets) and self._street_words(street):
                streets.append(Span(m.start(), m.start() + len(street), "ADDRESS"))
        cues = _ADDRESS_CUE_RE.finditer(text) if any(w in lowered for w in _ADDRESS_CUE_WORDS) else ()
        for m in cues:
            if _NOT_POSTAL_RE.search(text, max(0, m.start() - 12), m.start()):
                continue
            start = m.end()
            end_m = _CLAUSE_END_RE.search(text, start)
            end = min(end_m.start() if end_m else len(text), start + 100)
            clause = text[start:end]
            if not _ADDRESS_SHAPE_RE.search(clause[:40]) or any(s.start < end and s.end > start for s in streets):
                continue
            clause = clause.rstrip(" ,.")
            if len(clause) >= 6:
                streets.append(Span(start, start + len(clause), "ADDRESS"))
        yield from streets
        yield from self._postcodes(text, streets)

    def _plausible_en(self, match: str) -> bool:
        # "2 Way Calling" or "10 Minutes Walk" are not streets: the words before the
        # suffix must not all be everyday words unless the suffix is unambiguous.
        words = re.findall(r"[^\W\d_]+(?:['’][^\W\d_]+)*", match)
        if len(words) < 2:
            return False
        suffix = words[-1].lower()
        body = [w for w in words[:-1] if w.lower() not in ("st", "nd", "rd", "th")]
        if not body:
            return False
        unambiguous = suffix in ("street", "avenue", "boulevard", "blvd", "road", "lane", "drive", "court", "gardens", "crescent", "terrace", "close", "parkway", "mews")
        if not all(w[0].isupper() for w in body):
            return False
        return unambiguous or any(w.lower() not in self._common for w in body)

    def _street_words(self, street: str) -> bool:
        """Not a sentence that happens to end in a number ("Version 3, 12345 Nutzer"): a
        name of several words ("Unter den Linden"), or one that is no everyday word."""
        words = re.findall(r"[^\W\d_]+", street)
        return len(words) >= 2 or any(w.lower() not in self._common for w in words)

    def _postcodes(self, text: str, streets: list[Span]) -> Iterator[Span]:
        for regex in (_UK_POSTCODE_RE, _CA_POSTCODE_RE, _JP_POSTCODE_RE, _COUNTRY_POSTCODE_RE, _AU_POSTCODE_RE):
            for m in regex.finditer(text):
                yield Span(m.start(), m.end(), "POSTCODE")
        for m in _US_ZIP_RE.finditer(text):
            if m.group(1).lower() not in self._common:  # a town, not "Event" or "Error"
                yield Span(m.start(2), m.end(2), "POSTCODE")
        for regex in (_FIVE_DIGIT_CITY_RE, _LETTERED_CITY_RE):
            for m in regex.finditer(text):
                city = re.match(r"[^\W\d_]+", text[m.end(1) :].lstrip())
                if (
                    city
                    and city.group().lower() not in self._common
                    and not _FIELD_BEFORE_RE.search(text, max(0, m.start() - 16), m.start())
                ):
                    yield Span(m.start(1), m.end(1), "POSTCODE")
        lowered = text.lower()
        cues = _POSTCODE_CUE_RE.finditer(text) if any(w in lowered for w in _POSTCODE_CUE_WORDS) else ()
        for m in cues:
            if any(c.isdigit() for c in m.group("v")):
                yield Span(m.start("v"), m.end("v"), "POSTCODE")
        # Within the line after a street, a 4-6 digit group is the postcode.
        for street in streets:
            stop = text.find("\n", street.end)
            window_end = min(street.end + 60, stop if stop != -1 else len(text))
            for m in _CONTEXT_POSTCODE_RE.finditer(text, street.end, window_end):
                yield Span(m.start(), m.end(), "POSTCODE")
