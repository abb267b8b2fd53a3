"""Check digits that tell a real card, IBAN or ID number from a random digit run.

The arithmetic is python-stdnum's; this module only decides what to hand it.
"""
from __future__ import annotations

from stdnum import iban, luhn, verhoeff


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
