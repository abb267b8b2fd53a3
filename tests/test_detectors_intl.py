"""Detectors across our readers' countries: phones, streets, postcodes and towns, IBANs,
national ids and dates of birth in German, French, Spanish, Dutch, Italian, Polish and
UK/US English; paths and pasted log lines; obfuscated e-mail addresses. Each kind has
look-alikes that must stay: versions, error codes, KB numbers, correlation ids, ranges,
and ids of the right shape whose check digits are wrong.

Every id below is made for these tests: python-stdnum computed its check digits.
"""
from __future__ import annotations

import re

import pytest

from helpsvc.privacy import Scrubber
from helpsvc.privacy.detectors.checksums import national_digits_ok
from helpsvc.privacy.detectors.identity import NationalIdDetector

PLACEHOLDER_RE = re.compile(r"\{\{([A-Z_]+)\}\}")


@pytest.fixture(scope="module")
def scrubber() -> Scrubber:
    return Scrubber()


def _survives(value: str, output: str) -> bool:
    """The value's letters and digits can still be read in order, with light formatting between."""
    text = PLACEHOLDER_RE.sub(" ", output).lower()
    chars = [c for c in value.lower() if c.isalnum()]
    pattern = "[^0-9a-z]{0,3}".join(re.escape(c) for c in chars)
    return bool(re.search(rf"(?<![0-9a-z]){pattern}(?![0-9a-z])", text))


# (country, text, value that must go, placeholder it must become)
FOUND: list[tuple[str, str, str, str]] = [
    # Germany
    ("de", "Mein Diensthandy 0152 / 27 38 49 - 61 klingelt nicht", "0152 / 27 38 49 - 61", "PHONE"),
    ("de", "Rückruf bitte unter +49 89 21 43 65 87", "+49 89 21 43 65 87", "PHONE"),
    ("de", "Bitte an Auf dem Hügel 14, 53121 Bonn schicken", "Auf dem Hügel 14", "ADDRESS"),
    ("de", "Lieferung an Gartenweg 7b, 04109 Leipzig", "Gartenweg 7b", "ADDRESS"),
    ("de", "Lieferung an Gartenweg 7b, 04109 Leipzig", "04109", "POSTCODE"),
    ("de", "Erstattung bitte auf DE89 3704 0044 0532 0130 00", "DE89 3704 0044 0532 0130 00", "IBAN"),
    ("de", "Die Personalabteilung will meine Steuer-Identifikationsnummer, hier: 39170342364", "39170342364", "NATIONAL_ID"),
    ("de", "Meine IdNr lautet 41 372 159 010, ist das sicher?", "41 372 159 010", "NATIONAL_ID"),
    ("de", "Beim Geburtsdatum habe ich wie verlangt 03.11.1979 angegeben", "03.11.1979", "DATE_OF_BIRTH"),
    ("de", "Ich bin am 21.08.1968 geboren, das Formular glaubt es nicht", "21.08.1968", "DATE_OF_BIRTH"),
    ("de", "mein Geburtstag ist der 9. Mai 1984", "9. Mai 1984", "DATE_OF_BIRTH"),
    # France
    ("fr", "Rappelez-moi au 06 47 82 19 35 svp", "06 47 82 19 35", "PHONE"),
    ("fr", "Envoyez le casque au 8 avenue Jean Jaurès, 69007 Lyon", "8 avenue Jean Jaurès", "ADDRESS"),
    ("fr", "Envoyez le casque au 8 avenue Jean Jaurès, 69007 Lyon", "69007", "POSTCODE"),
    ("fr", "Remboursement sur FR14 2004 1010 0505 0001 3M02 606", "FR14 2004 1010 0505 0001 3M02 606", "IBAN"),
    ("fr", "On m'a demandé mon numéro de sécu : 1 85 05 78 006 084 91", "1 85 05 78 006 084 91", "NATIONAL_ID"),
    ("fr", "né le 14 juillet 1983, je n'arrive pas à valider", "14 juillet 1983", "DATE_OF_BIRTH"),
    ("fr", "écrivez à claire.morel (at) exemple (point) fr", "claire.morel (at) exemple (point) fr", "EMAIL"),
    # Spain
    ("es", "Mi móvil es 612 48 93 27, llamadme", "612 48 93 27", "PHONE"),
    ("es", "Enviar a Calle de Alcalá 48, 28014 Madrid", "Calle de Alcalá 48", "ADDRESS"),
    ("es", "El reembolso a ES91 2100 0418 4502 0005 1332 por favor", "ES91 2100 0418 4502 0005 1332", "IBAN"),
    ("es", "Mi DNI 47300781Q aparece en el chat", "47300781Q", "NATIONAL_ID"),
    ("es", "tengo NIE Y2345678Z y no puedo entrar", "Y2345678Z", "NATIONAL_ID"),
    ("es", "escribidme: lucia.gomez arroba correo punto es", "lucia.gomez arroba correo punto es", "EMAIL"),
    # Netherlands
    ("nl", "Bel me op 06-38472915 als het werkt", "06-38472915", "PHONE"),
    ("nl", "Stuur de headset naar Prinsengracht 263, 1016 GV Amsterdam", "Prinsengracht 263", "ADDRESS"),
    ("nl", "Stuur de headset naar Prinsengracht 263, 1016 GV Amsterdam", "1016 GV", "POSTCODE"),
    ("nl", "terugbetalen op NL91 ABNA 0417 1643 00 graag", "NL91 ABNA 0417 1643 00", "IBAN"),
    ("nl", "HR vroeg mijn burgerservicenummer via de chat, ik stuurde 314159265", "314159265", "NATIONAL_ID"),
    ("nl", "mijn geboortedatum is 21-09-1990 maar het formulier weigert", "21-09-1990", "DATE_OF_BIRTH"),
    # Italy
    ("it", "chiamatemi al 347 819 2634 per favore", "347 819 2634", "PHONE"),
    ("it", "Spedire a Via Garibaldi 21, 10122 Torino", "Via Garibaldi 21", "ADDRESS"),
    ("it", "rimborso su IT60 X054 2811 1010 0000 0123 456", "IT60 X054 2811 1010 0000 0123 456", "IBAN"),
    ("it", "ho inviato per sbaglio BNCGLI72H15F205F nella chat", "BNCGLI72H15F205F", "NATIONAL_ID"),
    ("it", "nato il 15/06/1972, la verifica fallisce", "15/06/1972", "DATE_OF_BIRTH"),
    ("it", "scrivete a marco.bianchi chiocciola esempio punto it", "marco.bianchi chiocciola esempio punto it", "EMAIL"),
    # Poland
    ("pl", "mój numer to 512 384 927, proszę oddzwonić", "512 384 927", "PHONE"),
    ("pl", "Proszę wysłać na ul. Długa 12, 31-147 Kraków", "ul. Długa 12", "ADDRESS"),
    ("pl", "adres: ul. Mickiewicza 15/3, 60-834 Poznań", "ul. Mickiewicza 15/3", "ADDRESS"),
    ("pl", "Proszę wysłać na ul. Długa 12, 31-147 Kraków", "31-147", "POSTCODE"),
    ("pl", "zwrot na PL61 1090 1014 0000 0712 1981 2874", "PL61 1090 1014 0000 0712 1981 2874", "IBAN"),
    ("pl", "wysłałem w czacie 92031501232 zamiast linku", "92031501232", "NATIONAL_ID"),
    ("pl", "data urodzenia 09.05.1988 nie przechodzi", "09.05.1988", "DATE_OF_BIRTH"),
    ("pl", "piszcie na anna.nowak małpa firma kropka pl", "anna.nowak małpa firma kropka pl", "EMAIL"),
    # Switzerland, Austria, Belgium: neighbours our German, French and Dutch readers live in
    ("ch", "Die HR will meine AHV-Nummer 756.9217.0769.85 per Chat", "756.9217.0769.85", "NATIONAL_ID"),
    ("at", "meine SVNR ist 4862 150385, passt das?", "4862 150385", "NATIONAL_ID"),
    ("be", "mijn rijksregisternummer 85073003328 staat in het gesprek", "85073003328", "NATIONAL_ID"),
    # typed in lower case after an address cue, as queries are
    ("gb", "my address is 7 willow road leeds ls6 2ab", "7 willow road", "ADDRESS"),
    ("fr", "adresse de livraison : 3 rue des lilas, 33000 bordeaux", "3 rue des lilas", "ADDRESS"),
    ("es", "dirección de envío: calle luna 14, 29001 málaga", "calle luna 14", "ADDRESS"),
    # United Kingdom
    ("gb", "ring me on 07700 900461 after lunch", "07700 900461", "PHONE"),
    ("gb", "send it to 14 Alder Grove, Leeds LS6 2AB", "14 Alder Grove", "ADDRESS"),
    ("gb", "send it to 14 Alder Grove, Leeds LS6 2AB", "LS6 2AB", "POSTCODE"),
    ("gb", "refund to GB29 NWBK 6016 1331 9268 19", "GB29 NWBK 6016 1331 9268 19", "IBAN"),
    ("gb", "payroll wants my national insurance number, it's AB 12 34 56 C", "AB 12 34 56 C", "NATIONAL_ID"),
    # United States
    ("gb", "my postcode is LS62AB but the form wants a space", "LS62AB", "POSTCODE"),
    ("us", "my cell is (503) 555-0147, text first", "(503) 555-0147", "PHONE"),
    ("us", "send it to 415 W. Elm Street, Apt 2, Dayton, Ohio 45402", "415 W. Elm Street", "ADDRESS"),
    ("us", "send it to 415 W. Elm Street, Apt 2, Dayton, Ohio 45402", "45402", "POSTCODE"),
    ("au", "the office in Parramatta NSW 2150 has no audio", "2150", "POSTCODE"),
    ("us", "ship to 902 Maple Avenue, Boise, ID 83702 please", "902 Maple Avenue", "ADDRESS"),
    ("us", "the form kept my SSN 536-22-1845 in the chat", "536-22-1845", "NATIONAL_ID"),
    ("us", "it asks for my date of birth and I typed 11/23/1975 twice", "11/23/1975", "DATE_OF_BIRTH"),
    ("us", "mail me: sam dot carter at example dot org", "sam dot carter at example dot org", "EMAIL"),
    ("us", "mail me: sam[at]example[dot]org", "sam[at]example[dot]org", "EMAIL"),
    ("gb", "drop a line to r.hughes at example.co.uk", "r.hughes at example.co.uk", "EMAIL"),
    # meeting ids, passcodes, logins and bank accounts stated with each language's words
    ("nl", "vergadering-ID 517 204 883 19, wachtwoord: kT8m2W", "kT8m2W", "MEETING_ID"),
    ("pl", "identyfikator spotkania 402 118 935 27, hasło: Zr5p9Q", "402 118 935 27", "MEETING_ID"),
    ("nl", "mijn gebruikersnaam: pdevries werkt niet meer", "pdevries", "USERNAME"),
    ("pl", "nazwa użytkownika: mzielinska jest zablokowana", "mzielinska", "USERNAME"),
    ("de", "Anmeldename hlange2 wird nicht angenommen", "hlange2", "USERNAME"),
    ("gb", "refund to sort code 40-47-84 please", "40-47-84", "ACCOUNT_NUMBER"),
    ("de", "Kontonummer 0532013000 bei der alten Bank", "0532013000", "ACCOUNT_NUMBER"),
    ("de", "Server sfbpool07 antwortet seit heute nicht", "sfbpool07", "HOSTNAME"),
    ("de", "für die Einwahl-PIN 60418 gibt es keine Ansage", "60418", "MEETING_ID"),
    ("us", "my PC is called MARIAS-PC and it will not join", "MARIAS-PC", "HOSTNAME"),
    ("us", "runas /user:CORP\\adm-tkeller opens nothing", "adm-tkeller", "USERNAME"),
    # IBANs written without spaces and with no word for them, checked by their own digits
    ("gb", "the direct debit goes from GB56BARC20325341827365.", "GB56BARC20325341827365", "IBAN"),
    ("nl", "De automatische incasso loopt via NL03INGB0006843122, maar", "NL03INGB0006843122", "IBAN"),
    # a MAC address without separators, named a few words before
    ("de", "Die Tischtelefone haben MAC-Adressen wie 0004F2A19C3E und starten neu", "0004F2A19C3E", "MAC"),
    ("nl", "Vergader-ID 618 903 274 wordt niet herkend", "618 903 274", "MEETING_ID"),
    ("us", "meeting with Ana got stuck on connecting, ID 348 221 907 and passcode fails", "348 221 907", "MEETING_ID"),
    # the birth-date field named in one sentence, the date given in the next
    ("de", "Wozu braucht das Formular mein Geburtsdatum? Ich hab 03.07.1985 eingegeben", "03.07.1985", "DATE_OF_BIRTH"),
    ("us", "DOB is needed for the porting form?? I entered 1990-04-21 but it was rejected", "1990-04-21", "DATE_OF_BIRTH"),
]


@pytest.mark.parametrize(("country", "text", "value", "kind"), FOUND)
def test_personal_data_of_each_country_is_found(scrubber: Scrubber, country: str, text: str, value: str, kind: str) -> None:
    out = scrubber.scrub(text)
    assert not _survives(value, out), f"{country}: {value!r} survives in {out!r}"
    assert "{{" + kind + "}}" in out, f"{country}: no {kind} in {out!r}"


# ---------------------------------------------------------------- paths and pasted logs

PATHS: list[tuple[str, list[str], list[str]]] = [
    # (text, values that must go, words that must stay)
    (r"Die Logs liegen unter C:\Benutzer\hkrause\AppData\Local\Temp", ["hkrause"], ["AppData"]),
    (r"profile at C:/Users/o.bennett/AppData/Roaming is 4 GB", ["o.bennett"], ["AppData"]),
    ("crash dump in /home/tvoss/.cache/relay and /Users/mdiaz/Library/Logs", ["tvoss", "mdiaz"], ["Library"]),
    (r"Ordner \\nas-ber-07\home$\ewagner\Relay ist leer", ["nas-ber-07", "ewagner"], ["Relay"]),
    (r"redirected to \\files.corp.fabrikam.com\Users\rpatel\Desktop", ["files.corp.fabrikam.com", "rpatel"], ["Desktop"]),
    ("log: 2025-02-11 09:14:03.120 TLS handshake failed with sbc07.fabrikam.com:5061", ["sbc07.fabrikam.com"], ["2025-02-11"]),
    ("INVITE sip:mcu03.corp.fabrikam.com SIP/2.0 ms-diagnostics: 1008", ["mcu03.corp.fabrikam.com"], ["1008", "SIP/2.0"]),
    ("EventData: TargetUserName jfischer TargetDomainName FABRIKAM", ["jfischer"], ["TargetDomainName"]),
    ("WebSocket to wss://ucwa04.fabrikam.com:443/ucwa closed", ["ucwa04.fabrikam.com"], ["443"]),
    ("client-request-id=9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a user=akrol", ["akrol"],
     ["9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a"]),
    ("trace From: <sip:nadia.k@fabrikam.com>;tag=77f0 correlation 3f9d2c1a-0b4e-4c8d-9a7e-5d6c1b2a3f40",
     ["nadia.k@fabrikam.com"], ["3f9d2c1a-0b4e-4c8d-9a7e-5d6c1b2a3f40"]),
]


@pytest.mark.parametrize(("text", "gone", "kept"), PATHS)
def test_people_and_machines_in_paths_and_logs_are_found(scrubber: Scrubber, text: str, gone: list[str], kept: list[str]) -> None:
    out = scrubber.scrub(text)
    for value in gone:
        assert value.lower() not in out.lower(), out
    for word in kept:
        assert word in out, out


# ---------------------------------------------------------------- look-alikes that stay

KEPT: list[tuple[str, list[str]]] = [
    ("A MAC address is a 12-digit code; trace 0004F2A19C3E5 failed", ["0004F2A19C3E5"]),
    ("Geburtsdatum und Ablaufdatum: der Vertrag endet am 31.12.2027", ["31.12.2027"]),
    ("Nach dem Update auf 16.0.14326.20404 kommt Fehler 0x80070005", ["16.0.14326.20404", "0x80070005"]),
    ("KB5002121 und KB 4484104 haben nichts geändert", ["KB5002121", "4484104"]),
    ("Korrelations-ID 7c1e2f4a-9b3d-4e8f-a1c2-d3e4f5a6b7c8 und Call-ID 5e8a9c0d1f2b3a4c", ["7c1e2f4a-9b3d-4e8f-a1c2-d3e4f5a6b7c8", "5e8a9c0d1f2b3a4c"]),
    ("Parkplätze 7000-7999 im Call Park sind voll", ["7000-7999"]),
    ("Ports 50000-50059 UDP freigeben", ["50000-50059"]),
    ("Ausnahme für 172.16.0.0/12 eingetragen", ["172.16.0.0/12"]),
    ("Treiber 2.1.4.0 vom Hersteller installiert", ["2.1.4.0"]),
    ("Build 22631.2861 und Version 24004.1307.2669.7070", ["22631.2861", "24004.1307.2669.7070"]),
    ("Build 756.1234.5678.90 of the agent", ["756.1234.5678.90"]),
    ("see it at support.microsoft.com and sign in at teams.microsoft.com", ["support.microsoft.com", "teams.microsoft.com"]),
    ("the meeting at 10.30 in room 4.12, hosted at contoso.sharepoint.com", ["10.30", "4.12", "contoso.sharepoint.com"]),
    ("lyncdiscover.contoso.com and sip.contoso.com DNS records", ["lyncdiscover.contoso.com", "sip.contoso.com"]),
    ("map \\\\server\\share as drive H:", ["server", "share"]),
    ("Die Besprechung am 12.05.2024 um 10:30 fiel aus", ["12.05.2024", "10:30"]),
    ("Termin am 12.05.1999. Geboren bin ich nicht gestern.", ["12.05.1999"]),
    ("ms-diagnostics: 52001 Quelle unbekannt", ["52001"]),
    ("Exchange Server 2019 and SQL Server 2016 SP2 on Windows Server 2022", ["2019", "2016 SP2", "2022"]),
    ("see the reference architecture for 2019 and the PIN policy page", ["reference architecture", "PIN policy"]),
    ("(400 + 134) / 1024 * sessions", ["(400 + 134) / 1024"]),
    ("the SA 2000 series and postcode field: 1000 and more", ["SA 2000", "and more"]),
]


@pytest.mark.parametrize(("text", "words"), KEPT)
def test_look_alikes_stay(scrubber: Scrubber, text: str, words: list[str]) -> None:
    out = scrubber.scrub(text)
    for word in words:
        assert word in out, out


# The same ids with one check digit changed: the shape is right, stdnum says no.
WRONG_CHECK = [
    "Referenz 39170342365 im Ticket",          # German IdNr
    "numéro 1 85 05 78 006 084 92 du dossier",  # French NIR
    "código 47300781R del pedido",              # Spanish DNI
    "kenmerk 314159266 in de mail",             # Dutch BSN
    "codice BNCGLI72H15F205G nel modulo",       # codice fiscale
    "nr 92031501233 w zgłoszeniu",              # PESEL
]


@pytest.mark.parametrize("text", WRONG_CHECK)
def test_a_wrong_check_digit_is_no_national_id(text: str) -> None:
    assert list(NationalIdDetector().detect(text)) == []


def test_weak_check_digits_need_a_cue() -> None:
    # A Dutch BSN passes its 11-check one time in eleven: alone it is some number.
    assert national_digits_ok("314159265", cued=True)
    assert not national_digits_ok("314159265", cued=False)
    assert list(NationalIdDetector().detect("bestelling 314159265 is onderweg")) == []
