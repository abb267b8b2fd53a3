"""Ways to reach a person: e-mail and SIP addresses, phone numbers, URLs, social handles.

Phone numbers are found by pattern; those written with spaced separators, which the
pattern cannot split from neighbouring numbers, are judged by libphonenumber against the
numbering plans of our readers' countries.
"""
from __future__ import annotations

import re
from typing import Iterator
from urllib.parse import unquote

import phonenumbers

from .span import Span, SpanDetector

# ---------------------------------------------------------------- e-mail and SIP

_LOCAL = r"[\w.%+'\-]{1,64}"
_DOMAIN = r"(?:[\w\-]{1,63}\.){1,8}[A-Za-z]{2,24}"
_EMAIL_RE = re.compile(rf"(?<![\w.%+'\-]){_LOCAL}@{_DOMAIN}(?![\w\-]|\.\w)")
# Obfuscated addresses: "divya.menon (at) example.in", "jo[at]example[dot]com",
# "jo at example dot com", "a.yilmaz at fabrikam punkt com", "t.girard [at] example [point] org".
# The words for "at" and "dot" in the languages our readers write.
_AT_WORD = r"(?:at|ät|arroba|chiocciola|klammeraffe|ma[łl]pa|apenstaartje|@)"
_DOT_WORD = r"(?:dot|punkt|point|punto|punt|kropka|piste|prick|\.)"


def _bracketed(word: str) -> str:
    return rf"\s*[(\[{{<]\s*{word}\s*[)\]}}>]\s*"


_DOT_SEP = rf"(?:{_bracketed(_DOT_WORD)}|\s+{_DOT_WORD}\s+|\.)"
_LABEL = r"[\w\-]{1,63}"
_OBFUSCATED_RE = re.compile(
    rf"(?<![\w.])[\w.+\-]{{1,64}}(?:{_DOT_SEP}[\w+\-]{{1,64}}){{0,3}}"
    rf"(?:{_bracketed(_AT_WORD)}|\s+{_AT_WORD}\s+)"
    rf"{_LABEL}(?:{_DOT_SEP}{_LABEL}){{0,4}}{_DOT_SEP}[A-Za-z]{{2,24}}(?![\w\-])",
    re.IGNORECASE,
)
_BRACKET_AT_RE = re.compile(rf"[(\[{{<]\s*{_AT_WORD}\s*[)\]}}>]", re.IGNORECASE)
_SPOKEN_AT_RE = re.compile(rf"\s{_AT_WORD}\s", re.IGNORECASE)
_SPOKEN_DOT_RE = re.compile(rf"\s{_DOT_WORD}\s|[(\[{{<]\s*{_DOT_WORD}\s*[)\]}}>]", re.IGNORECASE)
_SIP_RE = re.compile(rf"(?<![\w])sips?:{_LOCAL}@[\w.\-]*\w(?:;[\w=.\-]+)*", re.IGNORECASE)
_TEL_RE = re.compile(r"(?<![\w])tel:\+?[\d\-. ()]{4,24}\d", re.IGNORECASE)
_LOGIN_CUE_RE = re.compile(
    r"(?:\bupn|user\s*principal\s*name|user\s*-?name|user\s*id|log\s*-?in|log\s*-?on|sign[\s-]*in(?:\s+(?:address|name))?"
    r"|account|benutzer(?:name)?|identifiant|usuario)\W{0,4}(?:is\W{1,3}|was\W{1,3}|as\W{1,3}|with\W{1,3})?$",
    re.IGNORECASE,
)


class EmailDetector(SpanDetector):
    """E-mail addresses (also obfuscated); an address given as a login is a USERNAME."""

    def detect(self, text: str) -> Iterator[Span]:
        if "@" in text:
            for m in _SIP_RE.finditer(text):
                yield Span(m.start(), m.end(), "SIP")
            for m in _EMAIL_RE.finditer(text):
                start = m.start()
                kind = "USERNAME" if _LOGIN_CUE_RE.search(text, max(0, start - 30), start) else "EMAIL"
                yield Span(start, m.end(), kind)
        lowered = text.lower()
        # "at" bracketed or spoken; _obfuscated_address tells an address from a sentence.
        if _BRACKET_AT_RE.search(lowered) or _SPOKEN_AT_RE.search(lowered):
            pos = 0
            while m := _OBFUSCATED_RE.search(text, pos):
                local = _local_part(m.group())
                if self._obfuscated_address(local, m.group()[len(local) :]):
                    yield Span(m.start(), m.end(), "EMAIL")
                    pos = m.end()
                else:
                    # "email me at sue dot oneill at ...": the address may start at a later word.
                    pos = m.start() + len(local) + 1
        if "tel:" in lowered:
            for m in _TEL_RE.finditer(text):
                yield Span(m.start(), m.end(), "PHONE")

    @staticmethod
    def _obfuscated_address(local: str, rest: str) -> bool:
        """A word before "at" that is a verb or pronoun starts a sentence, not a mailbox;
        and the address needs its "at" or a dot written out or bracketed."""
        if local.lower() in _NOT_MAILBOX:
            return False
        if _BRACKET_AT_RE.search(rest) or _SPOKEN_DOT_RE.search(rest) or "@" in rest:
            return True
        # "j.smith at contoso.com": only "at" is spoken; a local part with a dot, digit or
        # underscore is a mailbox's, where "look at docs.example.com" has an ordinary word.
        return bool(re.search(r"[._\d]", local.strip("._")))


def _local_part(match: str) -> str:
    return re.split(r"\s|[(\[{<]", match, maxsplit=1)[0]


# Words that stand before a spoken "at" in ordinary sentences ("stuck at", "sign in at").
_NOT_MAILBOX = frozenset(
    "meet meeting join joined look looking arrive arrived available sign signed log logged be is are was "
    "were am it this that me us them him her you we they there here stuck in on up out started starts start "
    "begin begins begun found find hosted located posted listed published documented open opens opened "
    "try tried visit visited click point points pointed set fails failed blocked redirects redirected "
    "aimed kept stays stayed remains online".split()
)

# ---------------------------------------------------------------- URLs

_URL_RE = re.compile(
    r"(?<![\w@])(?:https?://|www\.)[^\s<>\"'`{}|\\^]+"
    # scheme-less links with a path: "linkedin.com/in/someone", "contoso.zoom.us/j/123"
    r"|(?<![\w@./\\:\-])(?:[A-Za-z0-9\-]+\.)+[A-Za-z]{2,24}/[^\s<>\"'`{}|\\^]*",
    re.IGNORECASE,
)
_SOCIAL_HOSTS = (
    "twitter.com", "x.com", "linkedin.com", "github.com", "gitlab.com", "instagram.com", "facebook.com",
    "fb.com", "tiktok.com", "threads.net", "bsky.app", "reddit.com", "medium.com", "t.me",
    "mastodon.social", "xing.com", "vk.com", "weibo.com",
)
_SENSITIVE_KEYS = frozenset(
    "token access_token id_token refresh_token code auth authtoken auth_token ticket sig signature key apikey "
    "api_key session sessionid session_id sid uid userid user_id user users username login loginhint "
    "login_hint email mail upn id pwd password pass passcode pin otp state nonce t tk st s oid tid "
    "meetingid meeting_id confid conf_id phone tel msisdn name fullname first last".split()
)
# Link-tracking and display parameters of documentation sites.
_HARMLESS_KEYS = frozenset(
    "linkid clcid lcid ocid mc_id wt.mc_id lang locale ui rs ad view tabs pivots redirectedfrom "
    "redirectsourcepath appver ver version csid autoplayvideo utm_source utm_medium utm_campaign "
    "utm_content utm_term ref_src source culture market mkt".split()
)
_PERSONAL_SEGMENTS = frozenset("personal users user u people profile in member members ~ my me".split())
_MEETING_PATH_RE = re.compile(r"/(?:l/meetup-join|meetup-join|j|join|meet|meeting|webinar|w|s)/", re.IGNORECASE)
_ID_SEGMENT_RE = re.compile(
    r"^(?=[^/]*\d)(?=[^/]*[A-Za-z])[A-Za-z0-9_\-]{6,}$"       # mixed letters and digits, e.g. Q8W2ZK4T
    r"|^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"  # GUID
    r"|^[A-Za-z0-9+/=_\-]{24,}$",                                  # long opaque token
    re.IGNORECASE,
)
_PLAIN_SEGMENT_RE = re.compile(r"^(?:[a-z]{2}-[a-z]{2}|v?\d+(?:\.\d+)*|[a-z]+(?:-[a-z]+)*(?:\.\w{2,5})?)$", re.IGNORECASE)


def _url_kind(url: str) -> str | None:
    """'HANDLE' for a social profile, 'URL' when it carries a token, id or person; None to keep it."""
    body = re.sub(r"^(?:https?://)?", "", url, flags=re.IGNORECASE)
    host, _, rest = body.partition("/")
    host_l = host.lower().split("@")[-1].split(":")[0]
    path, _, query = rest.partition("?")
    query, _, fragment = query.partition("#")
    if "#" in path:
        path, _, fragment = path.partition("#")
    if "@" in url or "%40" in url.lower():
        return "URL"
    bare_host = host_l[4:] if host_l.startswith("www.") else host_l
    if any(bare_host == h or bare_host.endswith("." + h) for h in _SOCIAL_HOSTS) and path.strip("/"):
        return "HANDLE"
    for part in re.split(r"[&;]", query) + re.split(r"[&;]", fragment):
        key, eq, value = part.partition("=")
        key = unquote(key).lower().strip()
        if not (eq and value) or key in _HARMLESS_KEYS:
            continue
        if key in _SENSITIVE_KEYS or key.endswith(("id", "token", "key", "sig", "user", "email")):
            return "URL"
    if host_l.startswith(("meet.", "dialin.", "join.")) and path.strip("/"):
        return "URL"
    if _MEETING_PATH_RE.search("/" + path):
        return "URL"
    segments = [unquote(s) for s in path.split("/") if s]
    for i, seg in enumerate(segments):
        if seg.lower() in _PERSONAL_SEGMENTS and i + 1 < len(segments):
            return "URL"
        if seg.startswith("~") or seg.startswith("@"):
            return "URL"
        if _ID_SEGMENT_RE.match(seg) and not _PLAIN_SEGMENT_RE.match(seg) and not _is_slug(seg):
            return "URL"
    return None


def _is_slug(segment: str) -> bool:
    """An article slug ("Release-notes-for-Teams-d7092a6d-...") names a page, not a person."""
    words = [w for w in re.split(r"[\-.]", segment) if w.isalpha() and len(w) >= 3]
    return "-" in segment and len(words) >= 2


class UrlDetector(SpanDetector):
    """URLs that carry tokens, ids, e-mail addresses or a person's site; plain links stay."""

    def detect(self, text: str) -> Iterator[Span]:
        lowered = text.lower()
        if "http" not in lowered and "www." not in lowered and "/" not in text:
            return
        for m in _URL_RE.finditer(text):
            url = m.group()
            end = m.end()
            # Trailing punctuation belongs to the sentence, not the link.
            while url and url[-1] in ".,;:!?)]'\"" and not (url[-1] == ")" and url.count("(") >= url.count(")")):
                url = url[:-1]
                end -= 1
            kind = _url_kind(url)
            if kind:
                yield Span(m.start(), end, kind)


# ---------------------------------------------------------------- social handles

_AT_HANDLE_RE = re.compile(r"(?<![\w@.+\-/])@([A-Za-z0-9_](?:[\w.\-]*[\w])?)(?:\s+([A-Z][a-z]+(?:[-'][A-Za-z]+)?))?")
_RESERVED_MENTIONS = frozenset(
    "channel team teams here everyone all mention mentions general owners admins members someone "
    "home support me you".split()
)
_LIVE_ID_RE = re.compile(r"(?<![\w])live:(?:\.cid\.)?[\w.\-]{2,64}\w", re.IGNORECASE)
_PLATFORM_RE = re.compile(
    r"\b(?:twitter|x\.com|github|gitlab|instagram|insta|linkedin|facebook|tiktok|mastodon|bluesky|telegram"
    r"|discord|reddit|snapchat|threads|xing|skype|teams)(?=[\s:=])"
    r"(?P<conn>(?:\s+(?:handle|user\s*name|username|user|name|id|account|profile|is|as|at|i['’]m|me|it's)\b)*"
    r"\s*[:=]?\s*)(?P<h>@?[A-Za-z0-9][\w.\-]{1,38}\w)",
    re.IGNORECASE,
)
_HANDLE_NEEDS_CONNECTOR = frozenset({"skype", "teams"})


class HandleDetector(SpanDetector):
    """@handles, Skype 'live:' ids, and usernames named after a platform ("github hiroshi-t")."""

    def __init__(self, common_words: frozenset[str]) -> None:
        self._common = common_words

    def detect(self, text: str) -> Iterator[Span]:
        if "@" in text:
            for m in _AT_HANDLE_RE.finditer(text):
                name = m.group(1)
                if name.lower() in _RESERVED_MENTIONS or name.lower().startswith("mention"):
                    continue
                # "@Greta Lindqvist" is a Teams mention of a display name: take both words.
                end = m.end(2) if m.group(2) and m.group(1)[:1].isupper() else m.end(1)
                yield Span(m.start(), end, "HANDLE")
        lowered = text.lower()
        if "live:" in lowered:
            for m in _LIVE_ID_RE.finditer(text):
                yield Span(m.start(), m.end(), "HANDLE")
        for m in _PLATFORM_RE.finditer(text):
            handle = m.group("h")
            platform = m.group().split(None, 1)[0].lower().rstrip(":")
            if platform in _HANDLE_NEEDS_CONNECTOR and not re.search(r"\w|[:=]", m.group("conn")):
                continue
            if handle.lower() in ("http", "https", "www") or handle.startswith("@"):
                continue
            if self._looks_like_handle(handle):
                yield Span(m.start("h"), m.end("h"), "HANDLE")

    def _looks_like_handle(self, word: str) -> bool:
        low = word.lower()
        if low in _RESERVED_MENTIONS or low in ("for", "business", "online", "web", "app", "desktop", "meeting"):
            return False
        if re.search(r"[\d_.\-]", word):
            return not re.fullmatch(r"[\d.\-]+", word)
        return low not in self._common


# ---------------------------------------------------------------- phone numbers

_PHONE_RE = re.compile(
    r"(?<![\w+/.,\-:])"
    r"(?P<num>"
    r"(?:(?:\+|00)\d{1,3}[ .\-\u00a0]?(?:\(0\)[ .\-\u00a0]?)?)?"
    r"(?:\(\d{1,5}\)[ .\-\u00a0]?)?"
    r"\d{1,10}(?:[ .\-/\u00a0]\d{1,10}){0,6}+"
    r")"
    r"(?P<ext>[ \u00a0]*,?[ \u00a0]*(?:ext\.?|extension|durchwahl|dw\.?|poste|interno|anexo|doorkiesnummer|\#)"
    r"[ \u00a0.:]*\d{1,6}|[ \u00a0]?x\d{2,6})?"
    r"(?![\w]|[.,]\d)",
    re.IGNORECASE,
)
# Numbers written with spaced separators ("0221 / 98 76 54 - 12", "06 - 12 34 56 78"), which the
# pattern above reads as several numbers; libphonenumber judges them by each region's plan.
_SPACED_SEP = r"(?:\s?[/\-–]\s?|[ \u00a0])"
# Only numbers that start as people dial them, with the trunk 0 or a country code: "(400 + 134)
# / 1024" in a formula is arithmetic.
_LOOSE_PHONE_RE = re.compile(
    rf"(?<![\w+/.,\-:])(?:\+\d{{1,3}}[ \u00a0]?(?:\(0\)[ \u00a0]?)?\d{{1,5}}|\(0\d{{1,4}}\)|0\d{{1,4}})"
    rf"(?:{_SPACED_SEP}\d{{1,5}}){{1,6}}(?![\w]|[.,]\d)"
)
_SPACED_SEP_RE = re.compile(r"\s[/\-–]|[/\-–]\s")
_GROUP_RE = re.compile(r"\d+")
# The regions whose numbering plans are tried for a national number written with the trunk 0:
# our readers' countries that dial one (Spain, Poland and the US do not).
PHONE_REGIONS = ("DE", "AT", "CH", "FR", "BE", "NL", "IT", "GB", "IE")
# libphonenumber parses in pure Python (about 0.2 ms a region): a text gets a bounded
# number of its judgements, so that a run of "01 / 01 / ..." cannot hold the scrubber.
_MAX_LOOSE_CANDIDATES = 6
_MAX_PREFIXES = 3


def _valid_somewhere(number: str) -> bool:
    regions = (None,) if number.startswith("+") else PHONE_REGIONS
    for region in regions:
        try:
            if phonenumbers.is_valid_number(phonenumbers.parse(number, region)):
                return True
        except phonenumbers.NumberParseException:
            continue
    return False


def _loose_phones(text: str) -> Iterator[Span]:
    """The longest run of groups from the first that some region's numbering plan takes for a number."""
    judged = 0
    for m in _LOOSE_PHONE_RE.finditer(text):
        if not _SPACED_SEP_RE.search(m.group()):
            continue  # no spaced separator: the strict pattern has judged it
        judged += 1
        ends = [g.end() for g in _GROUP_RE.finditer(m.group())]
        for end in list(reversed(ends[1:]))[:_MAX_PREFIXES]:
            candidate = m.group()[:end]
            if not 8 <= sum(c.isdigit() for c in candidate) <= 15 or _is_range(candidate):
                continue
            # Past the bound the text is no ordinary one: a number-shaped run counts unjudged,
            # so that scrubbing still settles in one pass.
            if judged > _MAX_LOOSE_CANDIDATES or _valid_somewhere(candidate):
                yield Span(m.start(), m.start() + end, "PHONE")
                break


_EXTENSION_RE = re.compile(
    r"(?<![\w])(?:x\d{3,6}|(?:ext\.?|extension|durchwahl|poste|interno|anexo)[ \u00a0.:#]*\d{2,6})(?![\w])",
    re.IGNORECASE,
)
_TECH_CUE_RE = re.compile(
    r"(?<![\w])(?:version|ver|v|build|release|update|kb|error|code|event|id|port|ports|hresult|status|"
    r"firmware|fw|patch|sp|cu|since|range|ranges|between)"
    r"(?:\s+(?:was|is|code|number|no\.?|nr\.?|of))?\W{0,3}$",
    re.IGNORECASE,
)
_DATE_PREFIX_RE = re.compile(r"\d{4}[\-/.]\d{1,2}[\-/.]\d{1,2}\s|\d{1,2}[\-/.]\d{1,2}[\-/.]\d{4}\s")
_DATE_SHAPE_RE = re.compile(
    r"^(?:\d{4}[\-/.]\d{1,2}[\-/.]\d{1,2}|\d{1,2}[\-/.]\d{1,2}[\-/.]\d{2,4}|(?:19|20)\d{2}\s?[\-/]\s?(?:19|20)\d{2})$"
)


def _is_range(num: str) -> bool:
    """Two numbers of one length, the second larger by less than the first's leading place
    ("3478-3481", "7000-7999", "50000-50059"): a range of ports, extensions or
    park orbits, not a number anyone dials ("2345-6789" still is one)."""
    pair = re.fullmatch(r"(\d{3,6})\s?[\-–]\s?(\d{3,6})", num)
    if not pair or len(pair.group(1)) != len(pair.group(2)):
        return False
    low, high = int(pair.group(1)), int(pair.group(2))
    return 0 < high - low < 10 ** (len(pair.group(1)) - 1)


def _is_phone(num: str, text: str, start: int, has_ext: bool) -> bool:
    digits = sum(c.isdigit() for c in num)
    intl = num.startswith(("+", "00"))
    if digits > 15 or digits < 7:
        return False
    if _DATE_SHAPE_RE.match(num) or _DATE_PREFIX_RE.match(num):
        return False
    if _is_range(num):
        return False
    if "." in num and not intl:
        # Dotted numbers are versions and IPs, except the 3.3.4 and 2.2.2.2.2 phone styles.
        if not re.fullmatch(r"\(?\d{3}\)?\.\d{3}\.\d{4}|\d{2}(?:\.\d{2}){4}|\d{3,4}\.\d{3}\.\d{3,4}", num):
            return False
    if not intl and not has_ext and _TECH_CUE_RE.search(text, max(0, start - 20), start):
        return False
    groups = re.findall(r"\d+", num)
    if not intl and len(groups[0]) >= 3 and not groups[0].strip("0"):
        return False  # "0000-4766": a padded code, not a number anyone dials
    if not intl and len(groups) > 1 and all(len(g) == 1 for g in groups):
        return False  # "1 2 3 4 5 6 7", a list
    return True


class PhoneDetector(SpanDetector):
    """Phone numbers in national and international formats, with extensions."""

    def detect(self, text: str) -> Iterator[Span]:
        if not any(c.isdigit() for c in text):
            return
        for m in _PHONE_RE.finditer(text):
            num = m.group("num").rstrip(" -./")
            if _is_phone(num, text, m.start(), bool(m.group("ext"))):
                yield Span(m.start(), m.end() if m.group("ext") else m.start() + len(num), "PHONE")
        for m in _EXTENSION_RE.finditer(text):
            yield Span(m.start(), m.end(), "PHONE")
        if "/" in text or "-" in text or "–" in text:
            yield from _loose_phones(text)

