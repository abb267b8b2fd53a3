"""What identifies a person's machine or account: IP and MAC addresses, host names, user names."""
from __future__ import annotations

import ipaddress
import re
from typing import Iterator

from .context import near_before
from .span import Span, SpanDetector

# ---------------------------------------------------------------- IP and MAC

_OCTET = r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
_IPV4_RE = re.compile(rf"(?<![\w.])(?:{_OCTET}\.){{3}}{_OCTET}(?![\w]|\.\d)")
_IPV6_RE = re.compile(r"(?<![\w:.])\[?(?:[0-9A-Fa-f]{0,4}:){2,7}(?:[0-9A-Fa-f]{1,4}|:)(?:%\w+)?\]?(?![\w:])")
_IPV6_V4_RE = re.compile(r"(?<![\w:.])(?:[0-9A-Fa-f]{0,4}:){2,6}(?:\d{1,3}\.){3}\d{1,3}(?![\w.])")
_VERSION_CUE_RE = re.compile(
    r"(?<![\w])(?:version|ver\.?|v|build|release|firmware|fw|update|client|app|sdk|agent|driver|treiber|pilote|"
    r"controlador|bios|uefi)\s*[:#]?\s*$",
    re.IGNORECASE,
)
_IP_CUE_RE = re.compile(
    r"(?<![\w])(?:ip|ipv4|address|adresse|addr|dirección|indirizzo|adres|host|server|dns|gateway|proxy|ping|"
    r"from|to|von|nach|vers|à|de|desde|da|van|naar|z|do|connect\w*|source|quelle|remote|local|lokal|client)\W{0,3}$",
    re.IGNORECASE,
)
# "10.0.0.0/8" is a network, not a machine; "1.0.6.0" with four one-digit parts is a
# version unless an IP cue names it an address.
_SUBNET_RE = re.compile(r"/\d{1,2}(?!\d)")
_SMALL_QUAD_RE = re.compile(r"\d\.\d\.\d\.\d")
_MAC_RE = re.compile(
    r"(?<![\w:\-.])(?:[0-9A-Fa-f]{2}([:\-])(?:[0-9A-Fa-f]{2}\1){4}[0-9A-Fa-f]{2}"
    r"|[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4})(?![\w:\-]|\.\w)"
)
# Twelve hex digits without separators are a MAC address where the text says so shortly
# before, in any language's wording ("MAC 0004F2A19C3E", "MAC-Adressen wie 0004F2...").
_BARE_MAC_RE = re.compile(r"(?<![\w\-])[0-9A-Fa-f]{12}(?![\w\-])")
_MAC_CUE_RE = re.compile(r"\bmac\b", re.IGNORECASE)


class IpMacDetector(SpanDetector):
    """IPv4/IPv6 addresses (checked by the ipaddress module) and MAC addresses."""

    def detect(self, text: str) -> Iterator[Span]:
        if "." in text:
            for m in _IPV4_RE.finditer(text):
                if not self._version_or_subnet(text, m):
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
        if _MAC_CUE_RE.search(text):
            for m in _BARE_MAC_RE.finditer(text):
                if near_before(text, m.start(), _MAC_CUE_RE, reach=40):
                    yield Span(m.start(), m.end(), "MAC")

    @staticmethod
    def _version_or_subnet(text: str, m: re.Match[str]) -> bool:
        before = max(0, m.start() - 20)
        if _VERSION_CUE_RE.search(text, before, m.start()):
            return True
        if m.group().endswith(".0") and _SUBNET_RE.match(text, m.end()):
            return True
        return bool(_SMALL_QUAD_RE.fullmatch(m.group())) and not _IP_CUE_RE.search(text, before, m.start())


# ---------------------------------------------------------------- host names

_FQDN_RE = re.compile(
    # after a scheme that names a server rather than a page ("wss://edge02...", "ldap://dc3...")
    r"(?:(?<![\w@.\-/:\\])|(?<=sip:)|(?<=sips:)|(?<=wss://)|(?<=ws://)|(?<=ldap://)|(?<=ldaps://)|(?<=smb://)"
    r"|(?<=rdp://))(?P<first>[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?)"
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
_SECOND_LEVEL = frozenset("co com org net ac gov edu ne or gob gouv".split())
# Names every organisation publishes in DNS, as the product documentation spells them
# ("sip.contoso.com", "lyncdiscover.contoso.com"): they say no more than the domain does.
# A numbered or specific server ("pool1", "edge01", "sipext", "lyncfe03") is the
# organisation's own machine, and a log line that names it is scrubbed.
_PUBLISHED_LABEL_RE = re.compile(
    r"^(?:www|sip|sips|lyncdiscover|lyncdiscoverinternal|meet|dialin|admin|webmail|mail|smtp|imap|pop|pop3|"
    r"autodiscover|enterpriseregistration|enterpriseenrollment|login|teams|portal|support|help|docs|learn|api|"
    r"cdn|mx|ns|vpn|ftp|owa|outlook|status|assets|static|media|download|downloads|update|updates)$",
    re.IGNORECASE,
)
# Domains of the vendors and public services our products talk to: their hosts are
# the same for every reader and identify no one.
_PUBLIC_SERVICE_DOMAINS = frozenset(
    """microsoft.com office.com office.net office365.com microsoftonline.com microsoftonline-p.com live.com
    live.net skype.com skypeforbusiness.com lync.com outlook.com hotmail.com windows.com windows.net
    windowsupdate.com azure.com azure.net azureedge.net azurewebsites.net cloudapp.net sharepoint.com
    onmicrosoft.com msft.net msftncsi.com msedge.net msauth.net msocdn.com aka.ms bing.com akamai.net
    trafficmanager.net azurefd.net msftauth.net akamaiedge.net akamaized.net edgekey.net edgesuite.net
    google.com googleapis.com gstatic.com gmail.com
    youtube.com apple.com icloud.com zoom.us webex.com slack.com github.com gitlab.com amazonaws.com
    cloudfront.net cloudflare.com digicert.com verisign.com letsencrypt.org globalsign.com sectigo.com
    mozilla.org ubuntu.com debian.org python.org""".split()
)
# One word of letters and digits named as a server ("Server lyncpool02 antwortet nicht",
# "pool SFBFE01"); "Server 2019" and "SQL Server 2016 SP2" are products and versions.
_NAMED_SERVER_RE = re.compile(
    r"(?<![\w\-])(?i:server|servername|server\s+name|host|hostname|computer|machine|pool|fqdn|rechner|serveur|servidor)"
    r"\s*[:=]?\s*(?i:is\s+|called\s+|named\s+|heißt\s+|ist\s+)?[\"'„“]?"
    r"(?P<v>[A-Za-z][A-Za-z0-9]{2,}\d[A-Za-z0-9]*|[A-Za-z]{3,}\d)(?![\w.\-])"
)
_PRODUCT_VERSION_RE = re.compile(r"(?i)(?:v|x|r|sp|cu|kb|win|windows|ipv|tls|http|sql|rtm|build)\d")
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
    r"laptop|workstation|ws|rechner|ordinateur|equipo|notebook)\s*[:=#]?\s*(?:is\s+|called\s+|named\s+|heißt\s+)*$",
    re.IGNORECASE,
)


def _server_name(label: str) -> bool:
    return any(_SERVER_PART_RE.match(part) for part in re.split(r"[\-_]|(?<=[a-z])(?=\d)", label) if part)


def _host_like_label(label: str) -> bool:
    return any(c.isdigit() for c in label) or "-" in label or bool(_DEVICE_WORDS_RE.search(label))


class HostnameDetector(SpanDetector):
    """Names of a person's or an organisation's machines: hosts inside an organisation's
    domain (pool1.contoso.com, HYD-LT-0331.corp.contoso.com), bare machine names such as
    DESKTOP-RC84QX, and a word named as a server. The names every organisation publishes
    (sip.contoso.com), vendors' hosts (teams.microsoft.com) and error codes (RLY-1003) are kept."""

    def __init__(self, common_words: frozenset[str] = frozenset()) -> None:
        self._common = common_words

    def detect(self, text: str) -> Iterator[Span]:
        if "." in text:
            for m in _FQDN_RE.finditer(text):
                if self._host_fqdn(text, m):
                    yield Span(m.start(), m.end(), "HOSTNAME")
        if "-" in text:
            for m in _HOST_TOKEN_RE.finditer(text):
                if self._bare_host(m.group(), text, m.start()):
                    yield Span(m.start(), m.end(), "HOSTNAME")
        for m in _NAMED_SERVER_RE.finditer(text):
            if not _PRODUCT_VERSION_RE.match(m.group("v")):
                yield Span(m.start("v"), m.end("v"), "HOSTNAME")

    @staticmethod
    def _host_fqdn(text: str, m: re.Match[str]) -> bool:
        """A machine inside an organisation's domain: three or more labels below a public
        TLD, or an internal TLD (".local", ".corp") with a machine-like or nested name."""
        first, rest = m.group("first"), m.group("rest")
        labels = rest.lower().split(".")[1:]
        tld = labels[-1]
        if not tld.isalpha() or first.isdigit():
            return False
        if tld in _INTERNAL_TLDS:
            return len(labels) >= 2 or _host_like_label(first) or bool(
                _HOST_CUE_RE.search(text, max(0, m.start() - 25), m.start())
            )
        if tld not in _PUBLIC_TLDS:
            return False
        # The registered domain: two labels, three under a country's "co.uk" or "com.au".
        size = 3 if len(tld) == 2 and len(labels) >= 2 and labels[-2] in _SECOND_LEVEL else 2
        if len(labels) < size:
            return False  # "contoso.com" is a domain, not a machine
        if ".".join(labels[-size:]) in _PUBLIC_SERVICE_DOMAINS:
            return False
        return not _PUBLISHED_LABEL_RE.match(first)

    def _bare_host(self, token: str, text: str, start: int) -> bool:
        parts = token.split("-")
        first = parts[0].lower()
        has_digit = any(c.isdigit() for c in token)
        if _server_name(token):
            return False
        cue = bool(_HOST_CUE_RE.search(text, max(0, start - 25), start))
        if cue and (has_digit or token.isupper()) and first not in _CODE_PREFIXES:
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

_DOMAIN_USER_RE = re.compile(r"(?<![\w\\/.%$\-])([A-Za-z][\w.\-]{0,30})\\([\w.$'\-]{1,64}\w|\w)(?![\w\\])")
_REGISTRY_ROOTS = frozenset("hklm hkcu hku hkcr hkcc hkey_local_machine hkey_current_user software system".split())
# Profile folders, also as Explorer shows them in other languages and as WSL mounts them.
_PROFILE_PATH_RE = re.compile(
    r"(?:[A-Za-z]:[\\/](?:Users|Documents and Settings|Benutzer|Utilisateurs|Usuarios|Utenti|Gebruikers|"
    r"U[żz]ytkownicy|Dokumente und Einstellungen)[\\/]|/Users/|/home/|/mnt/[a-z]/Users/|/var/home/)([^\\/\s\"']+)",
    re.IGNORECASE,
)
# \\server\share\folder...: the server is the organisation's machine; below a share that
# holds one folder per person (home$, profiles$, Users, or any hidden "$" share), the next
# folder is that person's ("\\fs01\home$\jdoe", "\\srv\profiles$\gmorris.V6").
_UNC_RE = re.compile(r"(?<![\w\\])\\\\(?P<server>[A-Za-z0-9][\w.\-]*)(?P<path>(?:\\[^\\/\s\"'<>|:*?]+)+)\\?")
_USER_CONTAINERS = frozenset(
    """users user home homes homedir homedirs profile profiles userdata userhome userhomes redirect redirected
    redirection folders personal private privat benutzer persönlich persoenlich perso utilisateurs usuarios
    utenti gebruikers użytkownicy uzytkownicy""".split()
)
# A person's folder is named as a login is ("ewagner", "o.bennett", "gmorris.V6"), not
# "1-WebServices-2" or "ABFiles".
_LOGIN_FOLDER_RE = re.compile(r"[A-Za-z][a-z'_\-]*(?:\.[A-Za-z][a-z'_\-]*)?\d{0,3}(?:\.V\d)?")
_ADMIN_SHARES = frozenset("admin$ ipc$ print$ netlogon sysvol".split())
_GENERIC_SERVERS = frozenset("server servername fileserver computer computername host hostname myserver share".split())
_NOT_PROFILE = frozenset("public default all users default user administrator %username% <user> $user username user".split())
_USER_CUE_RE = re.compile(
    r"(?<![\w])(?:(?:target|subject|caller|client)\s*user\s*-?name|user\s*-?name|user\s*id|userid|user|login(?:\s*(?:name|id))?|log-?on(?:\s*name)?|"
    r"sign[\s-]*in(?:\s*(?:name|id))?|account\s*name|alias|samaccountname|upn|user\s*principal\s*name|"
    r"benutzer(?:name)?|benutzerkennung|kennung|anmeldename|kontoname|nom\s+d['’]utilisateur|identifiant|usuario|"
    r"nombre\s+de\s+usuario|nome\s+utente|gebruikersnaam|gebruiker|nazwa\s+u[żz]ytkownika|"
    r"kullanıcı(?:\s+adı)?|(?:logged|signed)\s+(?:in|on)\s+as|sign\s+in\s+as)\b"
    r"(?P<conn>(?:\s*[:=\-]|\s+(?:is|was|ist|est|es|as)\b)*\s*[\"'‘“„«]?)(?P<v>[\w][\w.\-]{1,63}\w)",
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
            shares = list(self._share_paths(text))
            yield from shares
            for m in _DOMAIN_USER_RE.finditer(text):
                inside_path = any(s.start <= m.start() < s.end or m.start() < s.start < m.end() for s in shares)
                if not inside_path and not text.startswith("\\\\", max(0, m.start() - 2)) and self._domain_user(m.group(1), m.group(2)):
                    yield Span(m.start(), m.end(), "USERNAME")
        if "/" in text or "\\" in text:
            for m in _PROFILE_PATH_RE.finditer(text):
                if m.group(1).lower() not in _NOT_PROFILE and m.group(1)[:1] not in "%<$":
                    yield Span(m.start(1), m.end(1), "USERNAME")
        for m in _USER_CUE_RE.finditer(text):
            value, conn = m.group("v"), m.group("conn")
            if text[m.end("v") : m.end("v") + 1] in ("'", "’") and text[m.end("v") + 1 : m.end("v") + 2].isalpha():
                continue  # "user hasn't", "login doesn't"
            explicit = bool(conn.strip())
            if not explicit and re.match(r"(?i)sign", m.group()):
                # "sign-in page", "sign in button": a bare sign-in cue names a screen, not an account.
                if value.isalpha():
                    continue
            if conn and self._looks_like_username(value, explicit):
                yield Span(m.start("v"), m.end("v"), "USERNAME")

    def _share_paths(self, text: str) -> Iterator[Span]:
        """The server of each \\\\server\\share path, and the person's folder below a per-person share."""
        for m in _UNC_RE.finditer(text):
            server = m.group("server")
            if server.lower() not in _GENERIC_SERVERS and not server.startswith("{{"):
                yield Span(m.start("server"), m.end("server"), "HOSTNAME")
            pos = m.start("path")
            parts = m.group("path").split("\\")[1:]
            for i, part in enumerate(parts):
                start, pos = pos + 1, pos + 1 + len(part)
                if i == 0 or not self._per_person(parts[i - 1], first=i == 1):
                    continue
                if _LOGIN_FOLDER_RE.fullmatch(part) and part.lower() not in self._common:
                    yield Span(start, pos, "USERNAME")

    @staticmethod
    def _per_person(folder: str, first: bool) -> bool:
        low = folder.lower()
        if low in _ADMIN_SHARES or (len(low) == 2 and low.endswith("$")):
            return False  # "c$", "admin$": the machine's own shares
        return low.rstrip("$") in _USER_CONTAINERS or (first and low.endswith("$"))

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
