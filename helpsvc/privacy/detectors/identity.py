"""Numbers that identify a person: cards, IBANs, national ids, dates of birth, meeting
passcodes and personal account, employee or ticket numbers."""
from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Iterator

from .checksums import (
    ahv_ok,
    codice_fiscale_ok,
    cpf_ok,
    digits_of,
    dni_ok,
    iban_ok,
    luhn_ok,
    national_digits_ok,
    pan_ok,
    resident_id_ok,
    ssn_ok,
    verhoeff_ok,
)
from .context import near_before
from .span import Span, SpanDetector

# ---------------------------------------------------------------- payment cards and IBANs

_CARD_RE = re.compile(
    r"[0-9](?<![\w\-][0-9])(?:[0-9]{3}([ \-]?)[0-9]{4}\1[0-9]{4}\1[0-9]{4}(?:\1[0-9]{1,3})?"  # 4-4-4-4(-3)
    r"|[0-9]{3}[ \-]?[0-9]{6}[ \-]?[0-9]{4,5}"                                        # Amex 4-6-5
    r"|[0-9]{12,18})(?![\w\-]|[.,][0-9])"
)
_CARD_CUE_RE = re.compile(
    r"(?<![a-z])(?:card|visa|master\s*card|mastercard|amex|american\s+express|discover|diners|jcb|maestro|cc|credit|debit|"
    r"karte|kreditkarte|carte|tarjeta|cartão|carta|kaart|kart)|カード|卡",
    re.IGNORECASE,
)
_IBAN_RE = re.compile(r"(?<![\w])[A-Z]{2}\d{2}(?:[ \-]?[A-Z0-9]{4}){2,7}(?:[ \-]?[A-Z0-9]{1,3})?(?![\w])", re.IGNORECASE)
_IBAN_CUE_RE = re.compile(
    r"iban|bic|swift|bank|account|konto|refund|rembourse|terugbetal|rekening|cuenta|conto|compte|rib|"
    r"überweis|transfer|erstatt|reembols|rimbors|hesap",
    re.IGNORECASE,
)


class PaymentDetector(SpanDetector):
    """Card numbers (Luhn-checked, or stated as a card) and IBANs (mod-97-checked, or stated as one)."""

    def detect(self, text: str) -> Iterator[Span]:
        if not any(c.isdigit() for c in text):
            return
        for m in _CARD_RE.finditer(text):
            value = m.group()
            digits = digits_of(value)
            if luhn_ok(value) or (
                13 <= len(digits) <= 19 and near_before(text, m.start(), _CARD_CUE_RE, reach=40)
            ):
                yield Span(m.start(), m.end(), "CREDIT_CARD")
            elif len(digits) == 16 and (" " in value or "-" in value):
                # Four groups of four digits are a card even with a typo in the check digit.
                yield Span(m.start(), m.end(), "CREDIT_CARD")
            elif len(digits) > 15:
                # Too long for a phone number, not a valid card: some account or contract number.
                yield Span(m.start(), m.end(), "ACCOUNT_NUMBER")
        for m in _IBAN_RE.finditer(text):
            span = self._iban(text, m.start(), m.group())
            if span:
                yield span

    def _iban(self, text: str, start: int, value: str) -> Span | None:
        # The pattern may run into a following word ("...164300 graag"): try shorter prefixes,
        # down to the first group alone, which is the whole IBAN when it is written compact.
        groups = re.split(r"(?<=\S)(?=[ \-])", value)
        for n in range(len(groups), 0, -1):
            candidate = "".join(groups[:n])
            if iban_ok(candidate):
                return Span(start, start + len(candidate), "IBAN")
        compact = re.sub(r"[ \-]", "", value)
        if (
            value[:2].isupper()
            and sum(c.isdigit() for c in compact) >= 10
            and near_before(text, start, _IBAN_CUE_RE, reach=40)
        ):
            return Span(start, start + len(value), "IBAN")
        return None


# ---------------------------------------------------------------- national ids

# Digit-led patterns put their left-boundary check after the first digit: a pattern that
# starts with a plain character class lets the regex engine skip ahead quickly.
_SSN_RE = re.compile(r"[0-8](?<![\w\-][0-8])[0-9]{2}-[0-9]{2}-[0-9]{4}(?![\w\-])")
_NINO_RE = re.compile(
    r"[A-CEGHJ-PR-TW-Z](?<![\w][A-CEGHJ-PR-TW-Z])(?<!B(?=G)|G(?=B)|N(?=K)|K(?=N)|T(?=N)|N(?=T)|Z(?=Z))"
    r"[A-CEGHJ-NPR-TW-Z] ?[0-9]{2} ?[0-9]{2} ?[0-9]{2} ?[A-D](?![\w])",
    re.IGNORECASE,
)
_PAN_RE = re.compile(r"[A-Z](?<![\w][A-Z])[A-Z]{2}[PCHFATBLJG][A-Z][0-9]{4}[A-Z](?![\w])")
_AADHAAR_RE = re.compile(r"[2-9](?<![\w\-][2-9])[0-9]{3}[ \-]?[0-9]{4}[ \-]?[0-9]{4}(?![\w\-])")
_CN_ID_RE = re.compile(r"[0-9](?<![\w][0-9])[0-9]{16}[0-9Xx](?![\w])")
_CPF_RE = re.compile(r"[0-9](?<![\w.][0-9])[0-9]{2}\.[0-9]{3}\.[0-9]{3}-[0-9]{2}(?![\w])")
_CODICE_FISCALE_RE = re.compile(r"[A-Z](?<![\w][A-Z])[A-Z]{5}[0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z](?![\w])", re.IGNORECASE)
_DNI_RE = re.compile(r"[0-9XYZ](?<![\w][0-9XYZ])[0-9]{7}(?<=[0-9]{8}|[XYZ][0-9]{7})-?[A-Z](?![\w])")
_AHV_RE = re.compile(r"7(?<![\w.\-]7)56[. ]?[0-9]{4}[. ]?[0-9]{4}[. ]?[0-9]{2}(?![\w]|[.\-][0-9])")
# Each id whose layout is its own, and the stdnum check its value must pass. The UK
# NI number has no check digit (stdnum has no module for it): its prefix rules are the regex's.
_SHAPED_IDS: tuple[tuple[re.Pattern[str], Callable[[str], bool]], ...] = (
    (_SSN_RE, ssn_ok),
    (_NINO_RE, lambda value: True),
    (_PAN_RE, pan_ok),
    (_CN_ID_RE, resident_id_ok),
    (_CPF_RE, cpf_ok),
    (_CODICE_FISCALE_RE, codice_fiscale_ok),
    (_DNI_RE, dni_ok),
    (_AHV_RE, ahv_ok),
)
# Digit ids as people write them: "47152938616", "86 021 473 858", "1 85 05 78 006 084 36".
_ID_DIGITS_RE = re.compile(r"[0-9](?<![\w+\-./,:][0-9])[0-9]*(?:[ \-][0-9]{2,})+(?![\w\-]|[.,/:][0-9])|[0-9](?<![\w+\-./,:][0-9])[0-9]{8,14}(?![\w\-]|[.,/:][0-9])")
_MAX_ID_GROUPS = 8


def _digit_id(text: str, start: int, value: str, cued: bool) -> Span | None:
    """The longest run of whole digit groups in ``value`` that stdnum takes for a national number."""
    bounds = [(m.start(), m.end()) for m in re.finditer(r"[0-9]+", value)][:_MAX_ID_GROUPS]
    for i in range(len(bounds)):
        for j in range(len(bounds), i, -1):
            piece = value[bounds[i][0] : bounds[j - 1][1]]
            if national_digits_ok(piece, cued=cued):
                return Span(start + bounds[i][0], start + bounds[j - 1][1], "NATIONAL_ID")
    return None


_ID_CUES = (
    r"ssn|social\s+security(?:\s+(?:number|no\.?|#))?|sozialversicherungs(?:nummer)?|national\s+insurance"
    r"(?:\s+(?:number|no\.?))?|ni\s+(?:number|no\.?)|nino|steuer-?\s?id|steuer-?identifikationsnummer|"
    r"steuerliche\s+identifikationsnummer|identifikationsnummer|idnr|steuernummer|tax\s+(?:id|number|no\.?)|"
    r"tin|tfn|aadhaa?r(?:\s+(?:number|no\.?|card))?|uidai|pan(?:\s+(?:card|number|no\.?))|passport(?:\s+(?:number|no\.?|#))?|"
    r"reisepass(?:nummer)?|personalausweis(?:nummer)?|ausweis(?:nummer)?|id\s+card(?:\s+(?:number|no\.?))?|"
    r"dni|nie|nif|bsn|burgerservicenummer|sofi-?nummer|sin|carte\s+vitale|tessera\s+sanitaria|seguridad\s+social|"
    r"rentenversicherungs(?:nummer)?|versicherungsnummer|svnr|sv-?nummer|ahv(?:-?nummer)?|avs|"
    r"rijksregisternummer|numéro\s+national|cpf|codice\s+fiscale|personnummer|henkilötunnus|pesel|"
    r"tc\s+kimlik(?:\s+no)?|kimlik\s+(?:no|numarası)|my\s?number|マイナンバー|身份证号?|"
    r"national\s+id(?:entity)?(?:\s+(?:number|no\.?|card))?|numéro\s+de\s+sécurité\s+sociale|n°\s+de\s+sécu|nir|"
    r"insee|curp|rut|cédula|cedula|driver'?s?\s+licen[cs]e(?:\s+(?:number|no\.?))?|führerschein(?:nummer)?"
)
_ID_CUE_RE = re.compile(
    rf"(?<![\w])(?:{_ID_CUES})\b(?:\s*(?:[:#=\-]|\b(?:is|was|ist|est|es)\b))*\s*"
    r"(?P<v>(?:[A-Z]{1,3}[ \-]?)?\d[\dA-Z]*(?:[ \-./]\d[\dA-Z]*){0,6}(?:[ \-]?[A-Z](?!\w))?)",
    re.IGNORECASE,
)


class NationalIdDetector(SpanDetector):
    """National ids, each validated by python-stdnum: German IdNr, French NIR, Spanish
    DNI/NIE, Dutch BSN, Italian codice fiscale, Polish PESEL, US SSN, Indian PAN and
    Aadhaar, Chinese resident id, Brazilian CPF, and the UK NI number by its prefix rules.
    Ids whose check digit is weak (BSN, a bare 9-digit SSN) count only after an id cue
    nearby. A value right after an explicit cue ("Steuer-ID: ...") is an id whatever its
    check digits say: the writer says what it is, and a mistyped id is still theirs."""

    def detect(self, text: str) -> Iterator[Span]:
        if not any(c.isdigit() for c in text):
            return
        for regex, valid in _SHAPED_IDS:
            for m in regex.finditer(text):
                if valid(m.group()):
                    yield Span(m.start(), m.end(), "NATIONAL_ID")
        for m in _AADHAAR_RE.finditer(text):
            if verhoeff_ok(m.group()) and (" " in m.group() or "-" in m.group() or _near_id_cue(text, m.start())):
                yield Span(m.start(), m.end(), "NATIONAL_ID")
        cued_text = _mentions(text.lower(), _ID_CUE_WORDS)
        for m in _ID_DIGITS_RE.finditer(text):
            span = _digit_id(text, m.start(), m.group(), cued_text and _near_id_cue(text, m.start(), reach=60))
            if span:
                yield span
        if not cued_text:
            return
        for m in _ID_CUE_RE.finditer(text):
            value = m.group("v").rstrip(" -./")
            if sum(c.isdigit() for c in value) >= 5:
                yield Span(m.start("v"), m.start("v") + len(value), "NATIONAL_ID")


_ID_CUE_WORDS = (
    "ssn", "social", "sozial", "insurance", "ni ", "nino", "steuer", "idnr", "tax", "tin", "tfn", "aadha",
    "uidai", "pan", "passport", "pass", "ausweis", "id card", "dni", "nie", "nif", "bsn", "burgerservice",
    "sofi", "vitale", "tessera", "seguridad", "versicherung", "svnr", "sv-", "ahv", "avs", "rijksregister",
    "sin", "cpf", "codice", "personnummer", "henkilö", "pesel", "kimlik", "number", "マイナンバー", "身份证",
    "national", "sécu", "nir", "insee", "curp", "rut", "cédula", "cedula", "licen", "führerschein",
)


def _mentions(lowered: str, words: tuple[str, ...]) -> bool:
    """Cheap gate: a cue regex can only match when one of its cue words occurs."""
    return any(w in lowered for w in words)


_ID_CUE_NEAR_RE = re.compile(rf"(?<![\w])(?:{_ID_CUES})\b", re.IGNORECASE)


def _near_id_cue(text: str, pos: int, reach: int = 30) -> bool:
    return near_before(text, pos, _ID_CUE_NEAR_RE, reach=reach)


# ---------------------------------------------------------------- meeting ids and passcodes

_MEETING_CUES = (
    r"(?:meeting|conference|conf|webinar|call|bridge|session|room|besprechungs|konferenz|réunion|reunión|riunione)"
    r"[\s\-]*(?:id|no\.?|nr\.?|number|#|code|key|pin)|passcode|pass\s*code|kenncode|password|passwort|kennwort|"
    r"mot\s+de\s+passe|contraseña|senha|pwd|pw|pin(?:\s*code)?|pin-?code|dial[\s\-]*in\s+pin|access\s+code|"
    r"participant\s+(?:code|pin)|attendee\s+(?:code|pin)|organi[sz]er\s+(?:code|pin)|leader\s+pin|host\s+(?:key|pin)|"
    r"zugangscode|einwahl(?:nummer|code)?|id\s+de\s+(?:la\s+)?réunion|code\s+(?:secret|d['’]accès)|"
    r"código(?:\s+de\s+acceso)?|meeting\s+link\s+id|join\s+code|one[\s\-]*time\s+code|otp|verification\s+code|security\s+code|"
    r"vergader(?:ing)?(?:s)?[\s\-]*id|id\s+(?:van\s+de\s+)?vergadering|identyfikator\s+(?:spotkania|konferencji)|"
    r"id\s+(?:spotkania|konferencji|riunione|reunión|de\s+reunión)|has[łl]o|wachtwoord|toegangscode|"
    r"kod\s+(?:dostępu|spotkania)|codice\s+(?:d['’]accesso|riunione)|parola\s+d['’]ordine"
)
_MEETING_RE = re.compile(
    rf"(?<![\w])(?:{_MEETING_CUES})\b(?P<conn>(?:\s*(?:[:#=\-]|\bis\b|\bwas\b|\bist\b|\best\b|\bes\b))*\s*)"
    r"(?P<v>\d{2,}(?:[ \-]\d{2,}){0,5}#?|[^\s,;()\"'<>]{3,64})",
    re.IGNORECASE,
)


_MEETING_CUE_WORDS = (
    "meeting", "conference", "conf", "webinar", "call", "bridge", "session", "room", "besprechung", "konferenz",
    "réunion", "reunión", "riunione", "pass", "kenn", "mot de", "contraseña", "senha", "pw", "pin", "dial",
    "access", "participant", "attendee", "organi", "leader", "host", "zugang", "einwahl", "code", "código",
    "join", "otp", "vergader", "spotkani", "konferencji", "has", "wachtwoord", "toegang", "kod", "codice", "parola",
)

# Hexadecimal runs of 12 or more (with letters and digits), GUIDs among them: trace and
# correlation ids of log lines, which support needs and which identify no one.
_TRACE_ID_RE = re.compile(
    r"(?=[0-9a-f\-]*[a-f])(?=[0-9a-f\-]*[0-9])(?:[0-9a-f]{8}(?:-[0-9a-f]{4,12}){1,4}|[0-9a-f]{12,})", re.IGNORECASE
)
_HEX_TOKEN_RE = re.compile(r"[0-9a-fA-F\-]+(?![\w])")
_SECRET_CUE_RE = re.compile(r"pass|pwd|pw\b|kennwort|mot\s+de|contra|senha|pin", re.IGNORECASE)

_MEETING_TOPIC_RE = re.compile(
    r"meeting|conference|webinar|besprechung|konferenz|réunion|reunión|riunione|vergader|spotkani|call|anruf|appel|llamada|chiamata",
    re.IGNORECASE,
)
# Nine or more digits in groups (or run together) after a bare "ID": the shape meeting ids take.
_BARE_ID_RE = re.compile(r"(?<![\w\-])id\s*[:#=]?\s*(?P<v>\d{3}(?:[ \-]?\d{3,4}){2,3})(?![\w\-])", re.IGNORECASE)

# Google Meet style codes ("abc-defg-hij") are meeting ids wherever they appear.
_MEET_CODE_RE = re.compile(r"(?<![\w\-])[a-z]{3}-[a-z]{4}-[a-z]{3}(?![\w\-])")


class MeetingDetector(SpanDetector):
    """Meeting/conference ids and passcodes, PINs and other secrets stated after a cue."""

    def __init__(self, common_words: frozenset[str]) -> None:
        self._common = common_words

    def detect(self, text: str) -> Iterator[Span]:
        if "-" in text:
            for m in _MEET_CODE_RE.finditer(text):
                if not all(part in self._common for part in m.group().split("-")):
                    yield Span(m.start(), m.end(), "MEETING_ID")
        if not _mentions(text.lower(), _MEETING_CUE_WORDS):
            return
        pos = 0
        while m := _MEETING_RE.search(text, pos):
            # A value that is no secret may be the next cue ("Einwahl-PIN 55612"): look on from it.
            pos = m.start("v") if m.start("v") > m.start() else m.end()
            value = m.group("v").rstrip(".!?:")
            if value and self._secret(m, value):
                yield Span(m.start("v"), m.start("v") + len(value), "MEETING_ID")
                pos = m.end()
        if _MEETING_TOPIC_RE.search(text):
            # In a text about a meeting, a bare "ID" names the meeting's: "meeting with Ana got
            # stuck, ID 348 221 907", "la réunion ... (ID : 912 334 5678)".
            for m in _BARE_ID_RE.finditer(text):
                yield Span(m.start("v"), m.end("v"), "MEETING_ID")

    def _secret(self, m: re.Match[str], value: str) -> bool:
        if value.startswith("{{"):
            return False
        if _TRACE_ID_RE.fullmatch(value) and not _SECRET_CUE_RE.search(m.group()):
            return False  # a SIP Call-ID or correlation id in a pasted log: it names a call, not a person
        if any(c.isdigit() for c in value):
            return bool(re.fullmatch(r"[\d\- ]+#?|[A-Za-z0-9@$!%*?&_.\-+=/]{3,64}", value))
        return bool(
            m.group("conn").strip()
            and value.lower() not in self._common
            and len(value) >= 4
            and re.search(r"(?i)pass|pwd|pw\b|kennwort|mot|contra|senha|code|has[łl]o|wachtwoord|parola", m.group())
        )


# ---------------------------------------------------------------- personal account numbers

_ACCOUNT_CUES = (
    r"(?:employee|staff|personnel|member(?:ship)?|customer|client|account|acct|subscriber|subscription|contract|"
    r"policy|badge|student|patient|order|invoice|billing|payroll|licen[cs]e|loyalty|reference|ref|case|ticket|"
    r"incident|request|support\s+case|service\s+request|sr|job|booking|reservation)"
    r"[\s\-]*(?:id|no\.?|nr\.?|number|num|#|code)"
    r"|employee|badge|ticket|case|incident|service\s+request|support\s+request|order|invoice|"
    r"kundennummer|kunden-?nr\.?|mitarbeiternummer|personalnummer|vertragsnummer|rechnungsnummer|auftragsnummer|"
    r"numéro\s+(?:de\s+)?(?:client|dossier|contrat|compte|employé|commande|facture)|n°\s+client|"
    r"número\s+de\s+(?:cliente|cuenta|pedido|empleado|factura)|numero\s+(?:cliente|ordine|dipendente)|"
    r"klantnummer|personeelsnummer|müşteri\s+(?:no|numarası)|"
    # bank accounts as each country states them, besides the IBAN
    r"sort\s+code|routing\s+(?:number|no\.?)|kontonummer|konto-?nr\.?|blz|bankleitzahl|rekeningnummer|"
    r"numer\s+(?:konta|klienta|zamówienia|faktury)|numero\s+di\s+conto|"
    r"reference|referenz|référence|referencia|riferimento|kenmerk"
)
_ACCOUNT_RE = re.compile(
    rf"(?<![\w])(?:{_ACCOUNT_CUES})(?:\b|(?<=[#.]))(?:\s*(?:[:=\-]|\bis\b|\bwas\b|\bist\b|\best\b|\bes\b))*\s*"
    r"(?P<v>#?\s?[A-Z]{0,5}[\-#/]?\d[\w\-/]{1,30}|#\d{3,})",
    re.IGNORECASE,
)
_ACCOUNT_CUE_WORDS = (
    "employee", "staff", "personnel", "member", "customer", "client", "account", "acct", "subscri", "contract",
    "policy", "badge", "student", "patient", "order", "invoice", "billing", "payroll", "licen", "loyalty",
    "ref", "case", "ticket", "incident", "request", "sr", "job", "booking", "reserv", "kunden", "mitarbeiter",
    "personal", "vertrag", "rechnung", "auftrag", "numéro", "n°", "número", "numero", "klant", "personeel",
    "müşteri", "sort code", "routing", "konto", "blz", "bankleitzahl", "rekening", "numer", "conto", "refer",
    "référence", "riferimento", "kenmerk",
)
_TICKET_RE = re.compile(r"(?<![\w])(?:INC|REQ|RITM|CHG|PRB|TASK|SCTASK|CS|CASE|SR|TKT)[\-#]?\d{5,12}(?![\w])")


class AccountDetector(SpanDetector):
    """Employee, customer, badge, order and ticket numbers stated as the writer's own."""

    def detect(self, text: str) -> Iterator[Span]:
        if not any(c.isdigit() for c in text):
            return
        if _mentions(text.lower(), _ACCOUNT_CUE_WORDS):
            yield from self._after_cues(text)
        for m in _TICKET_RE.finditer(text):
            yield Span(m.start(), m.end(), "ACCOUNT_NUMBER")

    def _after_cues(self, text: str) -> Iterator[Span]:
        for m in _ACCOUNT_RE.finditer(text):
            value = m.group("v").rstrip(".-/")
            token = _HEX_TOKEN_RE.match(text, m.start("v"))
            if token and _TRACE_ID_RE.fullmatch(token.group()):
                continue  # "client-request-id=<GUID>": a correlation id, which support needs
            if sum(c.isdigit() for c in value) >= 3:
                yield Span(m.start("v"), m.start("v") + len(value), "ACCOUNT_NUMBER")


# ---------------------------------------------------------------- dates of birth

_MONTHS = (
    r"jan(?:uary|uar|vier|\.)?|feb(?:ruary|ruar|rero|braio|\.)?|févr(?:ier|\.)?|mar(?:ch|s|zo|\.)?|märz|maerz|"
    r"apr(?:il|ile|\.)?|avr(?:il|\.)?|abr(?:il)?|may(?:o)?|mai|maggio|mei|jun(?:e|i|io|\.)?|juin|giugno|"
    r"jul(?:y|i|io|\.)?|juil(?:let|\.)?|luglio|aug(?:ust|\.)?|août|ago(?:sto)?|sep(?:tember|tiembre|tembre|t\.|\.)?|"
    r"set(?:tembre)?|oct(?:ober|obre|ubre|\.)?|okt(?:ober)?|ott(?:obre)?|nov(?:ember|embre|iembre|\.)?|"
    r"dec(?:ember|\.)?|dez(?:ember)?|déc(?:embre|\.)?|dic(?:iembre|embre)?|janvier|enero|gennaio|"
    r"ocak|şubat|mart|nisan|mayıs|haziran|temmuz|ağustos|eylül|ekim|kasım|aralık|"
    r"januari|februari|maart|augustus|"  # Dutch, where English spellings differ
    r"stycze[nń]|stycznia|luty|lutego|marca|kwietnia|kwiecie[nń]|maja|czerwca|czerwiec|lipca|lipiec|sierpnia|"
    r"sierpie[nń]|wrze[sś]nia|wrzesie[nń]|pa[zź]dziernika|pa[zź]dziernik|listopada|listopad|grudnia|grudzie[nń]"
)
_DAY = r"\d{1,2}(?:st|nd|rd|th|\.|º)?"
_DATE = (
    rf"\d{{4}}[\-/.]\d{{1,2}}[\-/.]\d{{1,2}}"
    rf"|\d{{1,2}}[\-/.]\d{{1,2}}[\-/.]\d{{2,4}}"
    rf"|{_DAY}\s*(?:of\s+|de\s+)?(?:{_MONTHS})\.?,?\s*(?:de\s+)?(?:\d{{4}}|'\d{{2}})?"
    rf"|(?:{_MONTHS})\.?\s+{_DAY},?\s*(?:\d{{4}}|'\d{{2}})?"
    rf"|(?:{_MONTHS})\.?\s+\d{{4}}"
    rf"|\d{{4}}\s*年\s*\d{{1,2}}\s*月\s*\d{{1,2}}\s*日?"
    rf"|(?:19|20)\d{{2}}"
)
_BIRTH_CUES = (
    r"born(?:\s+(?:on|in))?|b\.|d\.?o\.?b\.?|date\s+of\s+birth|birth\s*date|birth\s*day|bday|"
    r"geboren(?:\s+(?:am|im))?|geb\.|geburtsdatum|geburtstag|né(?:e)?\s+le|née?|date\s+de\s+naissance|"
    r"fecha\s+de\s+nacimiento|nacid[oa](?:\s+el)?|data\s+di\s+nascita|nat[oa]\s+il|data\s+de\s+nascimento|"
    r"nascid[oa](?:\s+em)?|geboortedatum|geboren\s+op|doğum\s+tarihi|doğum|urodzon[ya]|data\s+urodzenia|ur\.|"
    r"生年月日|出生日期|生日|誕生日"
)
_BIRTH_CUE_WORDS = (
    "born", "b.", "dob", "d.o.b", "birth", "bday", "geb", "né", "naiss", "nacim", "nacid", "nasc", "nato",
    "nata", "geboorte", "geboren", "doğum", "urodz", "ur.", "生", "誕",
)
_DOB_RE = re.compile(
    rf"(?:(?<![\w])|(?<=\d))(?:{_BIRTH_CUES})(?:\s*[:=\-,]|\s+(?:is|was|on|am|le|el|il|em|op|in))*\s*(?P<v>{_DATE})(?![\w])",
    re.IGNORECASE,
)


# A whole date (day, month and year) a birth cue stands before in the same sentence is a
# birth date even with words between: "Geburtsdatum, ich habe 14.03.1987 eingegeben",
# "date of birth (07/04/1986)". Years too recent to be a reader's birth are other dates.
_FULL_DATE_RE = re.compile(
    rf"(?<![\w.\-/])(?:\d{{4}}[\-/.]\d{{1,2}}[\-/.]\d{{1,2}}|\d{{1,2}}[\-/.]\d{{1,2}}[\-/.](?:\d{{4}}|\d{{2}})"
    rf"|{_DAY}\s*(?:of\s+|de\s+)?(?:{_MONTHS})\.?,?\s*(?:de\s+)?\d{{4}}|(?:{_MONTHS})\.?\s+{_DAY},?\s*\d{{4}})(?![\w]|[.\-/]\d)",
    re.IGNORECASE,
)
_BIRTH_CUE_RE = re.compile(rf"(?:(?<![\w])|(?<=\d))(?:{_BIRTH_CUES})", re.IGNORECASE)
# A full stop after a one- or two-digit number is an ordinal ("12. März"), not the end of
# a sentence; after a year ("... 1999. Geboren") it is one.
_SENTENCE_END_RE = re.compile(r"(?<!\b\d)(?<!\b\d\d)[.!?]\s|[;\n]")
# "am 03.04.1975 geboren", "14/02/1980 (date of birth)": the cue may follow the date.
_CUE_AFTER_REACH = 30
_LATEST_BIRTH_YEAR = date.today().year - 8
_CUE_REACH = 60


# The names of the birth-date field in forms and profiles.
_BIRTH_FIELD_RE = re.compile(
    r"(?<![\w])(?:d\.?o\.?b\.?|date\s+of\s+birth|birth\s*date|geburtsdatum|date\s+de\s+naissance|"
    r"fecha\s+de\s+nacimiento|data\s+di\s+nascita|data\s+de\s+nascimento|geboortedatum|data\s+urodzenia|"
    r"doğum\s+tarihi)(?![\w])|生年月日|出生日期",
    re.IGNORECASE,
)


def _plausible_birth_year(value: str) -> bool:
    years = re.findall(r"(?<!\d)\d{4}(?!\d)|(?<=[\-/.])\d{2}$", value)
    if not years:
        return False
    year = int(years[0]) if len(years[0]) == 4 else 1900 + int(years[0])
    return 1900 <= year <= _LATEST_BIRTH_YEAR


class BirthDateDetector(SpanDetector):
    """Dates (or years) stated as a birth date; other dates are kept."""

    def detect(self, text: str) -> Iterator[Span]:
        if not any(c.isdigit() for c in text):
            return
        if not _mentions(text.lower(), _BIRTH_CUE_WORDS):
            return
        for m in _DOB_RE.finditer(text):
            value = m.group("v").rstrip(" ,.")
            yield Span(m.start("v"), m.start("v") + len(value), "DATE_OF_BIRTH")
        if _BIRTH_FIELD_RE.search(text):
            # A text that names the birth-date field ("Geburtsdatum? Ich hab ... 03.07.1985
            # eingegeben", "DOB is needed ... I entered 1990-04-21") gives the value in another
            # sentence as often as in the cue's own: every whole date of a plausible birth year
            # in it is taken. "Geboren" or "born" alone only tells of a birth near the date.
            for m in _FULL_DATE_RE.finditer(text):
                if _plausible_birth_year(m.group()):
                    yield Span(m.start(), m.end(), "DATE_OF_BIRTH")
            return
        for cue in _BIRTH_CUE_RE.finditer(text):
            end = min(len(text), cue.end() + _CUE_REACH)
            stop = _SENTENCE_END_RE.search(text, cue.end(), end)
            start = max(0, cue.start() - _CUE_AFTER_REACH)
            ends = list(_SENTENCE_END_RE.finditer(text, start, cue.start()))
            for lo, hi in ((cue.end(), stop.start() if stop else end), (ends[-1].end() if ends else start, cue.start())):
                for m in _FULL_DATE_RE.finditer(text, lo, hi):
                    if _plausible_birth_year(m.group()):
                        yield Span(m.start(), m.end(), "DATE_OF_BIRTH")
