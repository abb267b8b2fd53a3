"""Fixed vocabularies: words that are never names, and the cue words that introduce one."""
from __future__ import annotations

# Product, vendor and feature words readers of a communications-client help site use
# capitalised; several are also given names somewhere (Alexa, Siri, Viva, Edge, Polly).
# The languages whose word frequencies the name model carries, in the order of a word's band digits.
LANGUAGES: tuple[str, ...] = ("en", "de", "fr", "es", "it", "nl", "pl")

PRODUCT_WORDS: frozenset[str] = frozenset(
    """
    relay skype teams lync outlook exchange sharepoint onedrive onenote office microsoft windows
    android ios ipados iphone ipad mac macos linux ubuntu chrome chromium edge firefox safari opera
    polycom poly jabra yealink plantronics logitech cisco webex zoom slack azure entra intune viva
    copilot cortana alexa siri bing surface bluetooth kerberos powershell calendar presence lobby
    meeting meetings teams chat calling phone voicemail whiteboard planner yammer stream forms
    delve bookings kaizala loop clipchamp sway visio project access publisher word excel powerpoint
    hub rooms room trio crestron lenovo dell hp asus acer samsung huawei xiaomi apple google amazon
    citrix vmware okta duo adfs active directory sip ucma ucwa lyncdiscover autodiscover federation
    mitel avaya genesys twilio audiocodes ribbon sonus oracle tenant admin
    """.split()
)

# Everyday words of software support that a 1990s lexicon lacks; they are never names
# or user names ("user homed on the pool", "the Router service").
TECH_WORDS: frozenset[str] = frozenset(
    """
    login logon logoff logout signin signout sign-in sign-out homed online offline email e-mail voicemail
    config configured admin admins router analytics dashboard backend frontend datacenter datacentre
    connectivity conferencing archiving provisioning provisioned federated licensed unlicensed enabled
    disabled app apps webapp website web browser plugin add-in addin addon add-on dial-in dial-out
    dialin dialout dialpad headset headsets webcam smartphone desktop laptop tablet softphone
    username usernames userid password passwords passcode pin url urls sso mfa vpn wifi wi-fi ethernet
    firewall proxy gateway endpoint endpoints tenant tenants policy policies sync synced syncing
    screenshot screenshots upload uploaded download downloaded reinstall reinstalled uninstall uninstalled
    reboot rebooted restart restarted logged signed lagging laggy choppy echo muted unmuted
    dialog dialogs popup popups button buttons prompt prompts tab tabs macs pcs logons logins
    """.split()
)

# Languages and nationalities: capitalised in English, and several are also surnames.
LANGUAGE_WORDS: frozenset[str] = frozenset(
    """
    english french german spanish italian dutch portuguese chinese japanese korean arabic hindi turkish
    russian polish swedish danish norwegian finnish greek hebrew czech hungarian romanian bulgarian
    ukrainian thai vietnamese indonesian malay tamil telugu bengali urdu persian farsi irish welsh
    scottish british american canadian australian indian mexican brazilian european asian african
    """.split()
)

# Continents, regions, and cities that support texts name often but that neither the
# time-zone list nor Faker's city lists carry; several double as given names or surnames.
PLACE_WORDS: frozenset[str] = frozenset(
    """
    africa america americas asia europe europa oceania australia antarctica arctic emea apac latam amer
    north south east west central middle far near eastern western northern southern
    redmond bellevue seattle atlanta albuquerque reno portland dallas houston orlando
    boston raleigh nashville memphis cleveland columbus sacramento
    oakland fresno tampa miami pittsburgh philadelphia baltimore richmond omaha tulsa
    bangalore bengaluru hyderabad pune chennai mumbai delhi noida gurgaon gurugram ahmedabad
    reading cambridge oxford manchester birmingham leeds glasgow edinburgh cardiff belfast bristol
    munich münchen frankfurt hamburg cologne köln stuttgart düsseldorf dresden leipzig zurich zürich
    geneva basel bern lyon marseille toulouse nice bordeaux lille milan milano turin torino naples
    seville sevilla valencia bilbao porto krakow kraków wroclaw gdansk poznan haifa trinidad
    toronto ottawa montreal calgary edmonton winnipeg quebec melbourne perth brisbane
    auckland wellington shenzhen guangzhou hangzhou chengdu osaka kyoto nagoya yokohama
    """.split()
)

# Nouns after a capitalised word that make it a place or an organisation ("the Redmond site").
PLACE_HEADS: frozenset[str] = frozenset(
    """
    office offices site sites campus datacenter datacentre region area branch headquarters hq building
    location city town airport university college hospital station street road county state district
    """.split()
)

# Month and weekday names (also common given names: May, June, August, April).
CALENDAR_WORDS: frozenset[str] = frozenset(
    """
    january february march april may june july august september october november december
    jan feb mar apr jun jul aug sep sept oct nov dec
    monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thur thurs fri sat sun
    januar februar märz maerz juni juli oktober dezember montag dienstag mittwoch donnerstag freitag
    samstag sonntag janvier février mars avril mai juin juillet août septembre octobre novembre décembre
    lundi mardi mercredi jeudi vendredi samedi dimanche enero febrero marzo abril mayo junio julio
    agosto septiembre octubre noviembre diciembre lunes martes miércoles jueves viernes sábado domingo
    gennaio febbraio aprile maggio giugno luglio settembre ottobre dicembre
    """.split()
)

# Function words in the languages readers write in; never part of a name.
STOPWORDS: frozenset[str] = frozenset(
    """
    a an the and or but nor if then else of to in on at by for from with without about into onto over
    under after before since until as is are was were be been being am do does did done have has had
    i me my mine we us our you your he him his she her it its they them their this that these those
    there here who whom whose which what when where why how not no yes all any some each every both
    can could will would shall should may might must cannot can't won't don't didn't doesn't isn't
    i'm i've i'd i'll it's that's there's let's also just only very too so than via per please thanks
    thank hi hello hey dear regards cheers best ok okay still again even now never always already
    der die das den dem des ein eine einer eines einem und oder aber nicht ist sind war ich du er sie
    es wir ihr mit von bei für auf aus nach zu zum zur im am um an wie was wer wo bitte danke
    le la les un une des du de et ou mais est sont je tu il elle nous vous ils elles avec pour sur dans
    par pas ne que qui merci el los las una uno y o pero es son yo con por para sin en del al gracias
    il lo gli una che con per non di da e ma
    mein meine meinen meinem meiner meines dein deine deinen seine seinen seinem ihre ihren ihrem unser
    unsere unseren mijn jouw onze uw mon mes ton tes ses notre votre nos vos mis tus sus nuestro nuestra
    mio miei tuo suo nostro nostra mój moja moje mojego mojej twój nasz nasza wasz
    """.split()
)

# Titles written before a name. A capitalised title (or one followed by a capitalised
# word) introduces up to three name words.
HONORIFICS: frozenset[str] = frozenset(
    """
    mr mr. mrs mrs. ms ms. miss mx dr dr. prof prof. professor sir dame lady lord herr frau hr. fr.
    mme mme. mlle mlle. madame monsieur m. sr sr. sra sra. srta srta. señor señora señorita senhor
    senhora dott dott. dott.ssa sig. sig.ra signor signora signore shri sri smt smt. kumari mevrouw
    meneer dhr dhr. mevr mevr. pan pani sayın bay bayan sheikh sheikha ustaz
    herrn pana panu panem panią panie
    """.split()
)

# Titles that are also everyday words; they count only when the next word is capitalised.
WEAK_HONORIFICS: frozenset[str] = frozenset({"miss", "sir", "lady", "lord", "dame", "pan", "pani", "pana", "panu", "panie", "bay", "m."})

# Honorific suffixes written after a (usually family) name: "Tanabe-san", "Sharma ji".
NAME_SUFFIXES: frozenset[str] = frozenset(
    {"san", "sama", "kun", "chan", "sensei", "senpai", "dono", "ji", "bey", "hanım", "hanim", "efendi",
     "sahib", "saheb", "saab", "jee", "garu", "ssi", "nim"}
)

# CJK honorifics attached to the name with no space.
CJK_NAME_SUFFIXES: tuple[str, ...] = (
    "さん", "さま", "様", "くん", "君", "ちゃん", "先生", "氏", "殿", "先輩", "部長", "課長", "社長",
    "老师", "老師", "女士", "小姐", "经理", "經理", "同学", "同學", "씨", "님",
)

# Particles that sit inside a name ("Ludwig van Beethoven", "Ibn Battuta").
NAME_PARTICLES: frozenset[str] = frozenset(
    "van von der den de da di del della du le la bin binti ibn al el ben abu dos das do ter te zu y".split()
)

# Particles that sit between the words of one name only ("Rodrigo de los Santos", "Jan van
# 't Hek"): a name word on each side joins them into the name, and alone they are ordinary words.
INNER_PARTICLES: frozenset[str] = NAME_PARTICLES | frozenset(
    "los las des dos het 't ten degli dei delle dello dal dalla vom zum zur op".split()
)

# Greetings and sign-offs that are one word: they stand next to names, and are none themselves
# ("Moin, ...", "Hoi Maarten", "Groetjes, Anouk"), though some lists have them as given names.
SALUTATIONS: frozenset[str] = frozenset(
    "hi hello hey dear hallo moin servus bonjour salut coucou hola buenas ciao buongiorno buonasera "
    "namaste merhaba hej hoi goedemorgen goedemiddag goedendag cześć witam witaj regards thanks thx cheers "
    "sincerely mfg lg vg grüße grüsse gruß gruss cordialement amicalement saludos atentamente saluti groeten "
    "groetjes mvg pozdrawiam pozdrowienia gracias merci danke grazie bedankt dziękuję".split()
)

# Words before a single capitalised word that make it a place, not a person ("in Redmond").
# Words that join the items of a list ("Paris and Berlin", "Köln oder Bonn"): a word listed
# beside a place is read as the place it may be.
LIST_WORDS: frozenset[str] = frozenset("and or und oder et ou y o e en of i lub oraz".split())

LOCATIVE_WORDS: frozenset[str] = frozenset(
    "in at near around across outside inside nach aus dans à en em bij of desde depuis vanuit dalla".split()
)
