"""Check digits that tell a real card, IBAN or ID number from a random digit run.

The arithmetic is python-stdnum's; this module only decides what to hand it.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import date

from stdnum import iban, luhn, verhoeff
from stdnum.at import vnr
from stdnum.be import nn
from stdnum.br import cpf
from stdnum.ch import ssn as ahv
from stdnum.cn import ric
from stdnum.de import idnr
from stdnum.es import dni, nie
from stdnum.fr import nir
from stdnum.in_ import pan
from stdnum.it import codicefiscale
from stdnum.nl import bsn
from stdnum.pl import pesel
from stdnum.us import ssn


def digits_of(value: str) -> str:
    return "".join(c for c in value if c.isdigit())


def luhn_ok(value: str) -> bool:
    """Payment cards (and some national ids) end in a Luhn check digit."""
    digits = digits_of(value)
    # Shorter runs pass Luhn one time in ten: too often to call them cards.
    return len(digits) >= 12 and luhn.is_valid(digits)


def iban_ok(value: str) -> bool:
    """ISO 13616: the country's length and layout, and the mod-97 check digits.

    The national check digits some countries add inside the account part are not
    checked: an IBAN whose own check digits hold is the reader's either way.
    """
    compact = "".join(c for c in value.upper() if c.isalnum())
    if not (15 <= len(compact) <= 34) or not compact.isascii():
        return False
    return iban.is_valid(compact, check_country=False)


def verhoeff_ok(value: str) -> bool:
    """Aadhaar numbers carry a Verhoeff check digit."""
    digits = digits_of(value)
    return bool(digits) and verhoeff.is_valid(digits)


# Each national number stdnum validates, by how many digits (or characters) it has.
# "strong" ones are rarely passed by chance (a date, a digit-repetition rule or mod 97
# besides the check digit); the weak ones (one check digit in 11, nothing else) count
# only next to a cue that says it is an id.
_DIGIT_IDS: dict[int, tuple[tuple[Callable[[str], bool], bool], ...]] = {
    9: ((bsn.is_valid, False), (ssn.is_valid, False)),
    10: ((vnr.is_valid, False),),  # Austrian social insurance number
    11: ((idnr.is_valid, True), (lambda number: _pesel_ok(number), True), (nn.is_valid, True)),  # ... Belgian national number
    15: ((nir.is_valid, True),),
}


def _pesel_ok(number: str) -> bool:
    """stdnum checks the PESEL's date and check digit; a birth date still to come is no one's."""
    return pesel.is_valid(number) and pesel.get_birth_date(number) <= date.today()


def national_digits_ok(value: str, *, cued: bool) -> bool:
    """A run of digits is a German IdNr, Polish PESEL, French NIR, Belgian national number,
    Dutch BSN, Austrian social insurance number or US SSN that stdnum validates; weak check
    digits also need ``cued`` (an id cue nearby)."""
    digits = digits_of(value)
    return any(valid(digits) and (strong or cued) for valid, strong in _DIGIT_IDS.get(len(digits), ()))


def ssn_ok(value: str) -> bool:
    """A US social security number in its dashed form (area, group and serial not reserved)."""
    return ssn.is_valid(value)


def dni_ok(value: str) -> bool:
    """A Spanish DNI or NIE with its check letter."""
    compact = value.replace("-", "").upper()
    return dni.is_valid(compact) or nie.is_valid(compact)


def codice_fiscale_ok(value: str) -> bool:
    """An Italian codice fiscale: date of birth, place code and check letter."""
    return codicefiscale.is_valid(value)


def pan_ok(value: str) -> bool:
    """An Indian PAN: holder type and layout."""
    return pan.is_valid(value)


def resident_id_ok(value: str) -> bool:
    """A Chinese resident id: region, birth date and check character."""
    return ric.is_valid(value)


def cpf_ok(value: str) -> bool:
    """A Brazilian CPF with its two check digits."""
    return cpf.is_valid(value)


def ahv_ok(value: str) -> bool:
    """A Swiss AHV/AVS number: 756, then nine digits and an EAN-13 check digit."""
    return ahv.is_valid(value)
