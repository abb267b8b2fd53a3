"""The words people write around a name, in the seven languages the site is read in.

Greetings ("hallo", "buongiorno"), sign-offs ("Mit freundlichen Grüßen", "cheers"),
introductions ("my name is", "je m'appelle"), words that point at a person ("ask",
"cc", "my boss") and the verbs that take one ("email", "call"), as regexes tried only
at the words they can start with; and the few patterns that stand beside a name
(a role in apposition, "here", a mail address in brackets). ``names`` reads them.
"""
from __future__ import annotations

import re

SIGNOFF = (
    r"(?:best\s+|kind\s+|warm\s+|many\s+)?regards|thanks(?:\s+(?:again|a\s+lot))?|thank\s+you|thx|cheers"
    r"|best(?:\s+wishes)?|sincerely|yours|br|mfg|lg|(?:viele|beste|liebe|freundliche)\s+grüße|grüße|gruß"
    r"|cordialement|bien\s+à\s+vous|saludos|un\s+saludo|atentamente|saluti|cordiali\s+saluti|groeten"
    r"|met\s+vriendelijke\s+groet(?:en)?|pozdrawiam|saygılarımla|teşekkürler|signed(?:\s+by)?|--+|—"
    r"|(?:schöne|herzliche|liebe)\s+grüße|gruss|grüsse|bis\s+dann|amicalement|bonne\s+journée|bien\s+cordialement"
    r"|un\s+abrazo|un\s+saludo\s+cordial|saludos\s+cordiales|buona\s+giornata|un\s+saluto|distinti\s+saluti"
    r"|groetjes|mvg|hartelijke\s+groet(?:en)?|z\s+poważaniem|pozdrowienia|serdecznie\s+pozdrawiam"
    r"|gracias|merci|danke(?:\s+schön)?|grazie|obrigad[oa]|dank\s+je(?:\s+wel)?|bedankt|tack|kiitos|dziękuję"
    r"|спасибо|ありがとう|谢谢|cảm\s+ơn|shukriya|dhanyavaad|teşekkür\s+ederim|sağ\s+ol"
)
GREETING = (
    r"hi|hello|hey|dear|hallo|liebe|lieber|sehr\s+geehrte[rs]?|bonjour|salut|hola|ciao|namaste|merhaba"
    r"|hej|hoi|good\s+(?:morning|afternoon|evening)|greetings"
    r"|moin|servus|guten\s+(?:tag|morgen|abend)|grüß\s+gott|coucou|chère?|buenos\s+días|buenas(?:\s+tardes)?"
    r"|estimad[oa]|querid[oa]|buongiorno|buonasera|salve|gentile|beste|goedemorgen|goedemiddag|goedendag"
    r"|cześć|dzień\s+dobry|witam|witaj|szanown[ya]|drog[ia]"
)
INTRO = (
    r"(?:my|his|her|the|their)\s+name\s+(?:is|was)|name\s*[:=]|i\s+am\s+called|call\s+me"
    r"|ich\s+heiße|mein\s+name\s+ist|je\s+m['’]appelle|mon\s+nom\s+est|mi\s+nombre\s+es|me\s+llamo"
    r"|mi\s+chiamo|benim\s+adım|adım|(?:^|(?<=\n))(?:from|von|de|van|da|an|to|cc)\s*:"
)
# Words after which a capitalised unknown word is still a person ("ask Zeynep", "cc Olu").
PERSON_CUE = (
    r"ask|asked|asking|tell|told|contact|contacted|ping|pinged|cc|bcc|attn|attention|thanks\s+to"
    r"|thank\s+you\s+to|according\s+to|on\s+behalf\s+of|this\s+is|i['’]m|i\s+am"
    r"|(?:my|our|his|her|the)\s+(?:boss|manager|colleague|coworker|co-worker|assistant|supervisor|lead"
    r"|director|wife|husband|partner|friend|son|daughter|mother|father|teammate|team\s+mate|admin"
    r"|delegate|secretary|receptionist|ceo|cto|cfo|intern|trainer|tutor)"
    r"|account\s+holder|mein\s+kollege|meine\s+kollegin|kollege|kollegin|collègue|compañer[oa]|jefe|jefa"
    r"|signed|signé|firmado"
)
# Verbs that take people and things alike ("call Maria", "call Park"): listed names only.
VERB_CUE = (
    r"email|emailed|e-mail|mail|message|messaged|call|called|phone|phoned|invite|invited|notify|per"
    r"|holder|owner|it['’]s|with|by|from|and|for|to|see"
)
STRONG_CUE_RE = re.compile(rf"(?:^|(?<=[\s,.;:!?(\"'«]))(?:{INTRO})[\s,:]*", re.IGNORECASE)
GREETING_RE = re.compile(rf"(?:^|(?<=[\s,.;:!?(\"'«]))(?:{GREETING})[\s,!:]+", re.IGNORECASE)
SIGNOFF_RE = re.compile(rf"(?:^|(?<=[\s.!?]))(?:{SIGNOFF})\s*[,!.:]?[ \t]*(?:\r?\n[ \t]*)?", re.IGNORECASE)
PERSON_CUE_RE = re.compile(rf"(?:^|(?<=[\s,.;:!?(\"'«]))(?:{PERSON_CUE})(?:\s*:)?\s+", re.IGNORECASE)
VERB_CUE_RE = re.compile(rf"(?:^|(?<=[\s,.;:!?(\"'«]))(?:{VERB_CUE})(?:\s*:)?\s+", re.IGNORECASE)

# A greeting or a word that points at a person just before a word: "ask Mark", "hi Jordan,".
PERSON_BEFORE_RE = re.compile(rf"(?:^|(?<=[\s,.;:!?(\"'«]))(?:{PERSON_CUE}|{GREETING})[\s,:!]*$", re.IGNORECASE)

# Each cue regex is tried only at words it can start with (a set lookup per word),
# which is far cheaper than scanning the text with every regex.
CUES: tuple[tuple[re.Pattern[str], int, frozenset[str]], ...] = (
    (STRONG_CUE_RE, 2, frozenset(
        "my his her the their name i call ich mein je mon mi me benim adım from von de van da an to cc".split())),
    (GREETING_RE, 2, frozenset(
        "hi hello hey dear hallo liebe lieber sehr bonjour salut hola ciao namaste merhaba hej hoi good "
        "greetings moin servus guten grüß coucou cher chère buenos buenas estimado estimada querido querida "
        "buongiorno buonasera salve gentile beste goedemorgen goedemiddag goedendag cześć dzień witam witaj "
        "szanowny szanowna drogi droga".split())),
    (SIGNOFF_RE, 2, frozenset(
        "best kind warm many regards thanks thank thx cheers sincerely yours br mfg lg viele beste liebe "
        "freundliche grüße gruß cordialement bien saludos un atentamente saluti cordiali groeten met pozdrawiam "
        "saygılarımla teşekkürler teşekkür signed gracias merci danke grazie obrigado obrigada dank bedankt "
        "tack kiitos dziękuję спасибо cảm shukriya dhanyavaad sağ schöne herzliche gruss grüsse bis amicalement "
        "bonne buona distinti groetjes mvg hartelijke z pozdrowienia serdecznie".split())),
    (PERSON_CUE_RE, 1, frozenset(
        "ask asked asking tell told contact contacted ping pinged cc bcc attn attention thanks thank according "
        "on this i'm i my our his her the account mein meine kollege kollegin collègue compañero compañera jefe "
        "jefa signed signé firmado".split())),
    (VERB_CUE_RE, 0, frozenset(
        "email emailed e-mail mail message messaged call called phone phoned invite invited notify per holder "
        "owner it's with by from and for to see".split())),
)
# Sign-offs that are not words ("--", "—") or are written in CJK scripts.
SIGNOFF_MARKS = ("--", "—", "ありがとう", "谢谢")

# "Nkechi, the ops lead, ..." / "Oyelaran (our admin)": a role in apposition.
APPOSITION_RE = re.compile(
    r"\s*(?:,|\(|—|–|-)\s*(?:the|our|my|his|her|their|a|an)\s+(?:[\w\-]+\s+){0,2}"
    r"(?:lead|manager|admin|administrator|engineer|director|assistant|colleague|boss|supervisor|owner|"
    r"technician|tech|receptionist|intern|developer|architect|consultant|analyst|coordinator|specialist|"
    r"head|officer|ceo|cto|cfo|vp|president|organi[sz]er|presenter|delegate|teacher|student|member)\b",
    re.IGNORECASE,
)
HERE_RE = re.compile(r"\s+here\b", re.IGNORECASE)
ANGLE_MAIL_RE = re.compile(r"\s*[<(\[]\s*[^\s<>()\[\]]+@")
SUFFIX_AFTER_RE = re.compile(r"[\s\-]+([^\W\d_]+)\b")
