"""What identifies a person's machine or account: IP and MAC addresses, host names, user names."""
from __future__ import annotations

import ipaddress
import re
from typing import Iterator

from .span import Span, SpanDetector

# ---------------------------------------------------------------- IP and MAC

_OCTET = r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
_IPV4_RE = re.compile(rf"(?<![\w.])(?:{_OCTET}\.){{3}}{_OCTET}(?![\w]|\.\d)")
_IPV6_RE = re.compile(r"(?<![\w:.])\[?(?:[0-9A-Fa-f]{0,4}:){2,7}(?:[0-9A-Fa-f]{1,4}|:)(?:%\w+)?\]?(?![\w:])")
_IPV6_V4_RE = re.compile(r"(?<![\w:.])(?:[0-9A-Fa-f]{0,4}:){2,6}(?:\d{1,3}\.){3}\d{1,3}(?![\w.])")
_VERSION_CUE_RE = re.compile(r"(?<![\w])(?:version|ver\.?|v|build|release|firmware|fw|update|client|app|sdk|agent)\s*[:#]?\s*$", re.IGNORECASE)
_MAC_RE = re.compile(
    r"(?<![\w:\-.])(?:[0-9A-Fa-f]{2}([:\-])(?:[0-9A-Fa-f]{2}\1){4}[0-9A-Fa-f]{2}"
    r"|[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4})(?![\w:\-]|\.\w)"
)
_BARE_MAC_RE = re.compile(r"\bmac(?:\s*-?address)?\s*[:=#]?\s*([0-9A-Fa-f]{12})\b", re.IGNORECASE)


class IpMacDetector(SpanDetector):
    """IPv4/IPv6 addresses (checked by the ipaddress module) and MAC addresses."""

    def detect(self, text: str) -> Iterator[Span]:
        if "." in text:
            for m in _IPV4_RE.finditer(text):
                if not _VERSION_CUE_RE.search(text, max(0, m.start() - 20), m.start()):
                    yield Span(m.start(), m.end(), "IP")
        if ":" in text:
            for regex in (_IPV6_V4_RE, _IPV6_RE):
                for m in regex.finditer(text):
                    candidate = m.group().strip("[]").split("%")[0]
                    if candidate.count(":") < 2 or not any(c.isdigit() or c in "abcdefABCDEF" for c in candidate):
                        continue
                    try:
                        ipaddress.IPv6Address(candidate)
                    except ValueError:
                        continue
                    yield Span(m.start(), m.end(), "IP")
        for m in _MAC_RE.finditer(text):
            yield Span(m.start(), m.end(), "MAC")
        for m in _BARE_MAC_RE.finditer(text):
            yield Span(m.start(1), m.end(1), "MAC")


# ---------------------------------------------------------------- host names

_FQDN_RE = re.compile(
    r"(?<![\w@.\-/:\\])(?P<first>[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?)"
    r"(?P<rest>(?:\.[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?)+)(?![\w@\-]|\.[A-Za-z0-9])"
)
_INTERNAL_TLDS = frozenset("local lan corp internal home intranet localdomain ad priv private domain".split())
_PUBLIC_TLDS = frozenset(
    """com net org edu gov mil int io co biz info name pro cloud online app dev tech site space xyz me tv
    eu uk de fr nl be at ch it es pt pl se no dk fi ie is cz sk hu ro bg gr tr ru ua in jp cn kr tw hk sg
    au nz ca us mx br ar cl za ng ke ae sa il ir pk lk bd vn th my id ph lu li ee lv lt si hr rs""".split()
)
_DEVICE_WORDS_RE = re.compile(
    r"(?:^|[\-_])(?:laptop|desktop|pc|nb|ws|wks|lt|dt|workstation|thinkpad|macbook|mbp|imac|surface|"
    r"latitude|elitebook|xps|notebook|vdi|tablet|ipad|iphone)(?:$|[\-_\d])",
    re.IGNORECASE,
)
# Parts of server names ("atl-sql-001", "mediationpool1"): infrastructure, kept.
_SERVER_PART_RE = re.compile(
    r"^(?:sql|exchange|exch|ex|pool|edge|fe|be|sbc|mediation|med|director|dir|dc|adfs|proxy|web|webint|webext|"
    r"sip|lync|sfb|cs|srv|server|mail|smtp|wac|oos|owa|ucma|mcu|gw|gateway|rp|arr|lb|dns|ntp|ad|sts|"
    r"mediationpool|frontend|backend|archiving|monitoring|persistentchat|pchat|ocs|um|vm|vmhost|hv|esx)\d*$",
    re.IGNORECASE,
)
# Server roles: infrastructure, not a person's machine.
_SERVICE_LABEL_RE = re.compile(
    r"^(?:www|sip|sips|lyncdiscover|lyncdiscoverinternal|meet|dialin|admin|webmail|mail|smtp|imap|pop|"
    r"autodiscover|login|teams|portal|support|help|docs|learn|api|cdn|edge|pool|fe|be|sql|dc|srv|server|"
    r"exch|ex|lync|sfb|web|app|mcu|dir|proxy|gw|gateway|sbc|lb|adfs|sts|mx|ns|ca|rp|arr|vpn|ftp|owa|"
    r"outlook|office|skype|status|assets|static|media|download|downloads|update|updates)\d*(?:[\-.]|$)",
    re.IGNORECASE,
)
_HOST_TOKEN_RE = re.compile(r"(?<![\w\-./\\@])[A-Za-z][A-Za-z0-9]{0,14}(?:-[A-Za-z0-9]{1,15}){1,4}(?![\w\-]|\.\w)")
_DEVICE_PREFIXES = frozenset(
    "desktop laptop win pc nb ws wks lt dt mbp mac surface client vdi vm tab wkstn wk".split()
)
_CODE_PREFIXES = frozenset(
    "cve kb rfc iso ms rly err http https tls ssl sha aes utf ieee itu rj usb e h g sip rtp srtp ucs "
    "win32 x86 x64 arm mp ac dc ip".split()
)
_HOST_CUE_RE = re.compile(
    r"(?:host\s*name|hostname|host|computer(?:\s*name)?|machine(?:\s*name)?|device(?:\s*name)?|pc(?:\s*name)?|"
    r"laptop|workstation|ws|rechner|ordinateur|equipo|notebook)\s*[:=#]?\s*(?:is\s+|called\s+|named\s+)?$",
    re.IGNORECASE,
)


def _server_name(label: str) -> bool:
    return any(_SERVER_PART_RE.match(part) for part in re.split(r"[\-_]|(?<=[a-z])(?=\d)", label) if part)


def _host_like_label(label: str) -> bool:
    return any(c.isdigit() for c in label) or "-" in label or bool(_DEVICE_WORDS_RE.search(label))


class HostnameDetector(SpanDetector):
    """Names of a person's computer: FQDNs with a machine-like first label, and bare
    machine names such as HYD-LT-0331 or DESKTOP-RC84QX. Service names
    (sip.contoso.com, teams.microsoft.com) and error codes (RLY-1003) are kept."""

    def __init__(self, common_words: frozenset[str] = frozenset()) -> None:
        self._common = common_words

    def detect(self, text: str) -> Iterator[Span]:
        if "." in text:
            for m in _FQDN_RE.finditer(text):
                first, rest = m.group("first"), m.group("rest")
                labels = rest.lower().split(".")[1:]
                tld = labels[-1]
                if not tld.isalpha():
                    continue
                internal = tld in _INTERNAL_TLDS
                if not internal and tld not in _PUBLIC_TLDS:
                    continue
                if first.isdigit() or _SERVICE_LABEL_RE.match(first) or _server_name(first):
                    continue
                if (internal and (len(labels) >= 2 or _host_like_label(first))) or _host_like_label(first) or (
                    _HOST_CUE_RE.search(text, max(0, m.start() - 25), m.start()) and len(labels) >= 2
                ):
                    yield Span(m.start(), m.end(), "HOSTNAME")
        if "-" in text:
            for m in _HOST_TOKEN_RE.finditer(text):
                if self._bare_host(m.group(), text, m.start()):
                    yield Span(m.start(), m.end(), "HOSTNAME")

    def _bare_host(self, token: str, text: str, start: int) -> bool:
        parts = token.split("-")
        first = parts[0].lower()
        has_digit = any(c.isdigit() for c in token)
        if _server_name(token):
            return False
        cue = bool(_HOST_CUE_RE.search(text, max(0, start - 25), start))
        if cue and has_digit and first not in _CODE_PREFIXES:
            return True
        if token.islower() and not has_digit and len(parts) >= 2:
            # "ravi-thinkpad": a device word next to a word that is not an everyday one.
            devices = [p for p in parts if _DEVICE_WORDS_RE.fullmatch(p)]
            others = [p for p in parts if p not in devices]
            return bool(devices) and any(len(p) >= 3 and p not in self._common for p in others)
        if not token.isupper() or not has_digit or first in _CODE_PREFIXES:
            return False
        if first in _DEVICE_PREFIXES:
            return True
        lettered = [p for p in parts if sum(c.isalpha() for c in p) >= 2]
        if len(parts) >= 3 and lettered:
            return True
        last = parts[-1]
        return len(parts) == 2 and len(last) >= 5 and any(c.isalpha() for c in last) and any(c.isdigit() for c in last)


# ---------------------------------------------------------------- user names

_DOMAIN_USER_RE = re.compile(r"(?<![\w\\:/.%$])([A-Za-z][\w.\-]{0,30})\\([\w.$'\-]{1,64}\w|\w)(?![\w\\])")
_REGISTRY_ROOTS = frozenset("hklm hkcu hku hkcr hkcc hkey_local_machine hkey_current_user software system".split())
_PROFILE_PATH_RE = re.compile(r"(?:[A-Za-z]:\\(?:Users|Documents and Settings)\\|/Users/|/home/)([^\\/\s\"']+)", re.IGNORECASE)
_NOT_PROFILE = frozenset("public default all users default user administrator %username% <user> $user username user".split())
_USER_CUE_RE = re.compile(
    r"(?<![\w])(?:user\s*-?name|user\s*id|userid|user|login(?:\s*(?:name|id))?|log-?on(?:\s*name)?|"
    r"sign[\s-]*in(?:\s*(?:name|id))?|account\s*name|alias|samaccountname|upn|user\s*principal\s*name|"
    r"benutzer(?:name)?|benutzerkennung|kennung|nom\s+d['’]utilisateur|identifiant|usuario|nome\s+utente|"
    r"kullanıcı(?:\s+adı)?|(?:logged|signed)\s+(?:in|on)\s+as|sign\s+in\s+as)\b"
    r"(?P<conn>(?:\s*[:=\-]|\s+(?:is|was|ist|est|es|as)\b)*\s*)(?P<v>[\w][\w.\-]{1,63}\w)",
    re.IGNORECASE,
)


_DERIVED_RE = re.compile(r"(?:ing|ed|ity|tion|sion|ment|ness|able|ible|ence|ance|ship|ally|ise|ize)$")


class UsernameDetector(SpanDetector):
    """DOMAIN\\user, profile paths, and user names introduced as such ("my username is jdoe42")."""

    def __init__(self, common_words: frozenset[str], keep_words: frozenset[str]) -> None:
        self._common = common_words
        self._keep = keep_words

    def detect(self, text: str) -> Iterator[Span]:
        if "\\" in text:
            for m in _DOMAIN_USER_RE.finditer(text):
                if self._domain_user(m.group(1), m.group(2)):
                    yield Span(m.start(), m.end(), "USERNAME")
        if "/" in text or "\\" in text:
            for m in _PROFILE_PATH_RE.finditer(text):
                if m.group(1).lower() not in _NOT_PROFILE and m.group(1)[:1] not in "%<$":
                    yield Span(m.start(1), m.end(1), "USERNAME")
        for m in _USER_CUE_RE.finditer(text):
            value, conn = m.group("v"), m.group("conn")
            if text[m.end("v") : m.end("v") + 1] in ("'", "’"):
                continue  # "user hasn't", "login doesn't"
            explicit = bool(conn.strip())
            if not explicit and re.match(r"(?i)sign", m.group()):
                # "sign-in page", "sign in button": a bare sign-in cue names a screen, not an account.
                if value.isalpha():
                    continue
            if conn and self._looks_like_username(value, explicit):
                yield Span(m.start("v"), m.end("v"), "USERNAME")

    def _domain_user(self, domain: str, user: str) -> bool:
        """CONTOSO\\jdoe, but not a path piece such as "Program Files\\Skype" or "x64\\setup"."""
        low = domain.lower()
        if len(domain) < 2 or low in _REGISTRY_ROOTS or low.startswith("hkey") or re.fullmatch(r"x64|x86|amd64|arm64|win32|win64|\d+", low):
            return False
        if not domain.isupper() and low in self._common:
            return False
        return user.lower() not in self._common or user.islower() and len(user) <= 3

    def _looks_like_username(self, value: str, explicit: bool) -> bool:
        low = value.lower()
        if low in self._keep or low in self._common:
            return False
        if re.search(r"[\d_.]", value) and any(c.isalpha() for c in value):
            return not re.fullmatch(r"\d+(?:\.\d+)+", value)
        if "-" in value or not value.isalpha():
            return False
        if not explicit:
            # After a bare "user", a lower-case made-up word is an account ("user ajanssens");
            # capitalised words are names (the name detector's job) or product terms, and
            # derived words ("homed", "archiving") are ordinary English.
            plural_of_word = low.endswith("s") and low[:-1] in self._common
            return value.islower() and len(value) >= 4 and not _DERIVED_RE.search(low) and not plural_of_word
        return True
