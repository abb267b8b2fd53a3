"""Sentence frames the name tagger's training text is generated from, per language.

A frame is a sentence readers of a help site might type, with slots: ``{P}`` a person
(given name, full name, initial and surname, particles...), ``{F}`` a given name,
``{L}`` a surname, ``{V}`` something to do, ``{T}`` a title before a surname ("Frau Krüger"), ``{D}`` a name
as a directory shows it ("Surname, Given"), ``{G}`` a greeting, ``{S}`` a sign-off,
``{X}`` a sentence without personal data, ``{U}`` a department, ``{C}`` a place (no
person: ``PLACE_FRAMES`` teach that towns and countries are not names). ``train_names``
fills the slots from Faker's name and address lists of each locale; none of these
sentences comes from a labelled evaluation set.
"""
from __future__ import annotations

FRAMES: dict[str, tuple[str, ...]] = {
    "en": (
        "{G} {F}, {X}", "{G} {F}! {X}", "{G} {P},\n{X}", "{X} {S}, {F}", "{X}\n{S},\n{P}", "{X} - {F}",
        "{X} thanks, {F}", "{X}\n\n{P}", "{X} {F}", "{P} is unable to {V} since Tuesday",
        "both {F} and I can {V} only after a restart", "neither {F} nor {F} is able to {V}",
        "{F} thinks {X}", "{F} on the helpdesk suggested clearing the cache", "we tried with {P} but {X}",
        "ask {F} about the licence", "my team lead {P} cannot see my availability", "{P} is not in the address book",
        "two entries for {D} in the contact list", "the directory has {D} ({U}) listed twice", "no results for {D}",
        "{D} ({U}) appears offline all day", "searching {D} finds nothing", "{T} wants me to report this",
        "{T} in {U} is unable to join", "please get back to me, {T}", "the webcam of {F} stays black",
        "{F}'s calendar is not syncing", "{P}'s recordings are missing", "cc {P}", "attn {F}",
        "my colleague {P} gets an error when trying to {V}", "{P} configured the device but {X}",
        "{P} ({U}) shows me as away", "{F} {L} can't sign in", "send it to {P}, {U}",
        "our admin {F} says {X}", "{F} here, {X}", "this is {P} from {U}, {X}", "{F} and me have no chat history",
        "{F} gets no audio from me", "{F} cannot present slides", "{F} needs access to the {U} channel",
        "message from {P}: {X}", "on behalf of {P}: {X}", "{P} (cc {F}) {X}", "{X} regards {P}",
        "forward calls to {F} when I'm out", "delegate access for {P}", "{F} left the company, remove {F}",
        "remove {P} from the group", "add {P} as a delegate", "how do I block {P}", "{P} keeps calling me",
        "I sent the file to {F} instead of {F}", "{F}, can you check this? {X}", "{F} {L} {X}",
        "when {F} calls, {X}", "{F} asked why {X}", "is {F} online",
        "{F}'s laptop {X}", "{F}'s phone keeps ringing after hang up", "{F} installed the update and {X}",
        "{F} and {F} are both stuck in the lobby", "{F}, {F} and I lost our meeting notes",
        "{F} tried again this morning, {X}", "{F} reported that {X}", "{P} in accounts {X}",
        "{F} switched to the new client and {X}", "{F} is on leave, who can approve", "{F} cannot log in",
        "{P} doesn't get my messages", "only {F} can see the recording", "{F} shared a file but {X}",
        "got a missed call from {P}", "{F} uploaded the slides", "chat with {F} disappeared",
        "me and {F} and {F} cannot {V}", "{F}, {F} and {F} are missing from the team", "{P} and I both {X}",
        "{F} {L} and {F} {L} share one phone", "the entry '{D}' shows up before {F}", "{P} is unable to {V}",
    ),
    "de": (
        "{G} {F}, {X}", "{G} {T}, {X}", "{G},\n{X}\n{S}\n{P}", "{X} {S}, {F}", "{X} {S} {P}", "{X} - {F}",
        "{X}\n\n{S}\n{P}", "habe es mit {F} ausprobiert, {X}", "weder {F} noch {F} kann teilnehmen",
        "laut {T} vom Support {X}", "{T} meint, {X}", "ich war bei {T}, {X}", "{D} ({U}) gibt es zweimal im Verzeichnis",
        "{D} ({U}) wird nicht gefunden", "bei der Suche nach {D} kommt nichts", "{T} soll meinen Terminplan sehen",
        "Unterhaltung mit {T} entfernen", "{P} kann nicht an Besprechungen teilnehmen", "mein Kollege {P} {X}",
        "meine Kollegin {P} sieht meinen Status nicht", "{F} hat das Gerät konfiguriert, aber {X}",
        "Nachricht an {F} statt an {U} geschickt", "bitte {P} in die Gruppe aufnehmen", "{F} {L} erscheint nicht",
        "Anrufe an {P} weiterleiten", "{F} sagt, {X}", "{P} ({U}) ist immer offline", "frag {F}, {X}",
        "{F}s Kalender wird nicht synchronisiert", "Vertretung für {P} einrichten", "{F} hier, {X}",
        "Ansprechpartner: {P}", "{P} bekommt eine Fehlermeldung", "{P} aus {U} hört mich nicht",
        "{T} und {T} haben keinen Zugriff", "mit freundlichen Grüßen\n{P}", "{X} Danke, {F}", "ist {F} erreichbar", "seit gestern kann {F} nicht mehr {V}",
        "{F} und {F} aus dem {U} können nicht {V}", "{T} hat gesagt, {X}", "laut {P} {X}", "{F}, {F} und ich {X}",
        "Kalender von {T} freigeben", "{P} kann seit dem Update nicht mehr {V}",
    ),
    "fr": (
        "{G} {F}, {X}", "{G} {T}, {X}", "{X} {S}, {P}", "{X}\n{S}\n{P}", "{X} - {F}", "impossible de trouver {T} dans l'annuaire",
        "{P} ne peut pas rejoindre la réunion", "j'ai testé avec {F} et {X}", "{F} et {F} ne voient rien",
        "mon collègue {P} {X}", "ma collègue {P} ne voit pas mon statut", "l'annuaire affiche {D} ({U}) deux fois",
        "{D} introuvable dans les contacts", "{T} du service {U} dit que {X}", "transférer les appels vers {P}",
        "{F} {L} ne reçoit pas mes messages", "{F} ici, {X}", "demandez à {F}, {X}", "le calendrier de {T}",
        "{P} ({U}) est toujours hors ligne", "ajouter {P} comme délégué", "{X} Merci, {F}",
        "{F} et {F} du service {U} n'arrivent pas à {V}", "d'après {P}, {X}", "{T} m'a dit que {X}",
        "{P} n'arrive plus à {V}", "{F}, {F} et moi {X}", "j'ai écrit à {F} mais {X}", "c'est {F} qui gère {U}",
        "{G},\n{X}\n{S}\n{P}", "partager le calendrier de {P}",
    ),
    "es": (
        "{G} {F}, {X}", "{G} {T}, {X}", "{X} {S}, {P}", "{X}\n{S}\n{P}", "{X} - {F}", "{P} no puede unirse a la reunión",
        "probé con {F} y {X}", "{F} y {F} no ven nada", "mi compañero {P} {X}", "mi compañera {P} no ve mi estado",
        "el directorio muestra {D} ({U}) dos veces", "{D} no aparece en la búsqueda", "{T} de {U} dice que {X}",
        "desviar llamadas a {P}", "{F} {L} no recibe mis mensajes", "{F} aquí, {X}", "pregunta a {F}, {X}",
        "el calendario de {T} no se sincroniza", "{P} ({U}) aparece desconectado", "{X} Gracias, {F}",
        "{F} y {F} de {U} no pueden {V}", "según {P}, {X}", "{T} me dijo que {X}", "{P} ya no puede {V}",
        "{F}, {F} y yo {X}", "le escribí a {F} pero {X}", "{F} se encarga de {U}", "{G},\n{X}\n{S}\n{P}",
        "compartir el calendario de {P}",
    ),
    "it": (
        "{G} {F}, {X}", "{G} {T}, {X}", "{X} {S}, {P}", "{X}\n{S}\n{P}", "{X} - {F}", "{P} non riesce a entrare nella riunione",
        "ho provato con {F} e {X}", "{F} e {F} non vedono niente", "il mio collega {P} {X}",
        "la mia collega {P} non vede il mio stato", "la rubrica mostra {D} ({U}) due volte", "{D} non compare nella ricerca",
        "{T} dell'ufficio {U} dice che {X}", "inoltrare le chiamate a {P}", "{F} {L} non riceve i messaggi",
        "{F} qui, {X}", "chiedi a {F}, {X}", "il calendario di {T}", "{P} ({U}) risulta offline", "{X} Grazie, {F}",
        "{F} e {F} dell'ufficio {U} non riescono a {V}", "secondo {P}, {X}", "{T} mi ha detto che {X}",
        "{P} non riesce più a {V}", "{F}, {F} e io {X}", "ho scritto a {F} ma {X}", "{G},\n{X}\n{S}\n{P}",
        "condividere il calendario di {P}",
    ),
    "nl": (
        "{G} {F}, {X}", "{G} {T}, {X}", "{X} {S}, {P}", "{X}\n{S}\n{P}", "{X} - {F}", "{P} kan niet deelnemen aan de vergadering",
        "getest met {F} en {X}", "{F} en {F} zien niets", "mijn collega {P} {X}", "{P} ziet mijn status niet",
        "het adresboek toont {D} ({U}) twee keer", "{D} staat niet in de zoekresultaten", "{T} van {U} zegt dat {X}",
        "oproepen doorschakelen naar {P}", "{F} {L} ontvangt mijn berichten niet", "{F} hier, {X}",
        "vraag het {F}, {X}", "de agenda van {T}", "de rekening staat op naam van {P}", "{P} ({U}) is altijd offline",
        "{X} Bedankt, {F}", "{F} en {F} van {U} kunnen niet {V}", "volgens {P} {X}", "{T} zei dat {X}",
        "{P} kan sinds de update niet meer {V}", "{F}, {F} en ik {X}", "ik heb {F} gemaild maar {X}",
        "{G},\n{X}\n{S}\n{P}", "de agenda van {P} delen",
    ),
    "pl": (
        "{G} {F}, {X}", "{G} {T}, {X}", "{X} {S}, {P}", "{X}\n{S}\n{P}", "{X} - {F}", "{P} nie może dołączyć do spotkania",
        "testowałem z {F} i {X}", "{F} i {F} nic nie widzą", "mój kolega {P} {X}", "{P} nie widzi mojego statusu",
        "książka adresowa pokazuje {D} ({U}) dwa razy", "{D} nie ma w wynikach wyszukiwania", "{T} z działu {U} mówi, że {X}",
        "przekierować połączenia do {P}", "{F} {L} nie dostaje wiadomości", "{F} tutaj, {X}", "zapytaj {F}, {X}",
        "kalendarz {T}", "{P} ({U}) jest zawsze offline", "{X} Dzięki, {F}",
        "{F} i {F} z {U} nie mogą {V}", "według {P} {X}", "{T} powiedział, że {X}", "{P} od aktualizacji nie może {V}",
        "{F}, {F} i ja {X}", "napisałem do {F}, ale {X}", "{G},\n{X}\n{S}\n{P}", "udostępnić kalendarz {P}",
    ),
}

PLACE_FRAMES: dict[str, tuple[str, ...]] = {
    "en": ("our {C} office {X}", "users in {C} {X}", "{C} and {C} sites {X}", "{C}, {C} and {C} teams {X}",
           "{C} users see {X}", "since we moved to {C}, {X}", "the {C} branch says {X}", "calls from {C} to {C} drop"),
    "de": ("unser Standort {C}: {X}", "Kollegen in {C} sagen, {X}", "{C} und {C} haben das Problem",
           "in {C}, {C} und {C} {X}", "seit dem Umzug nach {C} {X}"),
    "fr": ("notre bureau de {C} : {X}", "les utilisateurs de {C} et {C} {X}", "depuis {C}, {X}"),
    "es": ("nuestra oficina de {C}: {X}", "los usuarios de {C} y {C} {X}", "desde {C}, {X}"),
    "it": ("la sede di {C}: {X}", "gli utenti di {C} e {C} {X}", "da {C}, {X}"),
    "nl": ("ons kantoor in {C}: {X}", "gebruikers in {C} en {C} {X}", "vanuit {C} {X}"),
    "pl": ("nasze biuro w {C}: {X}", "użytkownicy z {C} i {C} {X}", "z {C}: {X}"),
}

GREETINGS: dict[str, tuple[str, ...]] = {
    "en": ("Hi", "Hello", "Hey", "Dear", "Good morning", "hi", "hello", "hey"),
    "de": ("Hallo", "Hi", "Liebe", "Lieber", "Sehr geehrte", "Sehr geehrter", "Guten Tag", "Moin", "Servus", "hallo"),
    "fr": ("Bonjour", "Salut", "Cher", "Chère", "Coucou", "bonjour"),
    "es": ("Hola", "Buenos días", "Estimado", "Estimada", "hola"),
    "it": ("Ciao", "Buongiorno", "Gentile", "Caro", "Cara", "ciao"),
    "nl": ("Hoi", "Hallo", "Beste", "Goedemorgen", "hoi"),
    "pl": ("Cześć", "Dzień dobry", "Witam", "Szanowny", "Szanowna", "cześć"),
}

SIGNOFFS: dict[str, tuple[str, ...]] = {
    "en": ("Regards", "Best regards", "Kind regards", "Thanks", "Thank you", "Cheers", "Best", "Thx", "Sincerely"),
    "de": ("Gruß", "Grüße", "Viele Grüße", "Beste Grüße", "Mit freundlichen Grüßen", "LG", "MfG", "Danke"),
    "fr": ("Cordialement", "Merci", "Bien à vous", "Bonne journée", "Amicalement"),
    "es": ("Saludos", "Un saludo", "Atentamente", "Gracias", "Un abrazo"),
    "it": ("Saluti", "Cordiali saluti", "Grazie", "Buona giornata", "Un saluto"),
    "nl": ("Groeten", "Met vriendelijke groet", "Groetjes", "Bedankt", "Mvg"),
    "pl": ("Pozdrawiam", "Z poważaniem", "Dziękuję", "Pozdrowienia"),
}

TITLES: dict[str, tuple[str, ...]] = {
    "en": ("Mr", "Mrs", "Ms", "Dr", "Mr.", "Ms."),
    "de": ("Herr", "Frau", "Herrn", "Dr.", "Frau Dr."),
    "fr": ("M.", "Mme", "Monsieur", "Madame"),
    "es": ("Sr.", "Sra.", "señor", "señora", "don", "doña"),
    "it": ("Sig.", "Sig.ra", "signor", "signora", "dott."),
    "nl": ("meneer", "mevrouw", "dhr.", "mevr."),
    "pl": ("pan", "pani", "Pan", "Pani"),
}

# Particles written before a family name, per locale ("van den", "de la", "von").
PARTICLES: dict[str, tuple[str, ...]] = {
    "en": (),
    "de": ("von", "von der", "zu", "van"),
    "fr": ("de", "de la", "du", "le"),
    "es": ("de", "de la", "del", "de los"),
    "it": ("di", "de", "della", "da", "del"),
    "nl": ("van", "van de", "van der", "van den", "de", "ter", "ten", "in 't"),
    "pl": (),
}

UNITS: dict[str, tuple[str, ...]] = {
    "en": ("Finance", "Sales", "IT", "HR", "Marketing", "Support", "Legal", "London office", "ops"),
    "de": ("Vertrieb", "Einkauf", "Buchhaltung", "IT", "Personalabteilung", "Marketing", "Lager", "Zentrale"),
    "fr": ("comptabilité", "RH", "ventes", "informatique", "achats", "Marketing"),
    "es": ("contabilidad", "RRHH", "ventas", "informática", "compras", "Marketing"),
    "it": ("contabilità", "risorse umane", "vendite", "IT", "acquisti", "Marketing"),
    "nl": ("financiën", "HR", "verkoop", "ICT", "inkoop", "Marketing"),
    "pl": ("księgowości", "kadr", "sprzedaży", "IT", "zakupów", "marketingu"),
}

# What a person cannot do, for the {V} slot ("{P} is unable to {V}").
VERBS: dict[str, tuple[str, ...]] = {
    "en": ("log in", "see the dial pad", "start a video call", "upload files", "receive messages", "use the whiteboard",
           "open shared notes", "turn on the camera", "change the ringtone"),
    "de": ("anmelden", "Dateien senden", "die Kamera einschalten", "Nachrichten empfangen", "telefonieren"),
    "fr": ("se connecter", "partager son écran", "envoyer des fichiers", "activer la caméra", "recevoir les appels"),
    "es": ("iniciar sesión", "compartir pantalla", "enviar archivos", "activar la cámara", "recibir llamadas"),
    "it": ("accedere", "condividere lo schermo", "inviare file", "attivare la videocamera", "ricevere chiamate"),
    "nl": ("inloggen", "het scherm delen", "bestanden versturen", "de camera aanzetten", "oproepen ontvangen"),
    "pl": ("się zalogować", "udostępnić ekranu", "wysyłać plików", "włączyć kamery", "odbierać połączeń"),
}

# Sentences without personal data for {X}; the help articles add many more (English, German).
FILLERS: dict[str, tuple[str, ...]] = {
    "en": (
        "the camera turns off after a minute", "notifications arrive twice", "the meeting link does not open",
        "presenting freezes the window", "the app crashes at sign in", "will it sync overnight?",
        "may take a few minutes to update", "mark all as read does nothing", "the audio jack works fine",
        "hope this helps", "the grace period ended", "pin the chat to the top", "the bill shows two charges",
        "the lobby keeps me waiting", "how do I change my ringtone", "the dial pad is greyed out",
        "the Share Screen button is greyed out", "the Calendar tab shows nothing", "Settings > Privacy is empty",
    ),
    "de": (
        "der Status springt auf Offline", "die Kamera bleibt schwarz", "die Besprechung startet nicht",
        "das Headset wird nicht erkannt", "der Kalender synchronisiert nicht", "die App stürzt beim Anmelden ab",
        "es kommt immer eine Fehlermeldung", "die Voicemail funktioniert nicht", "wie ändere ich den Klingelton",
        "das Mikrofon ist stumm", "Benachrichtigungen kommen doppelt",
        "die Schaltfläche Bildschirm freigeben ist grau", "unter Einstellungen ist der Reiter Datenschutz leer",
    ),
    "fr": (
        "la caméra reste noire", "le statut reste sur absent", "la réunion ne démarre pas",
        "le casque n'est pas reconnu", "l'application se ferme à la connexion", "l'article est obsolète",
        "le micro est coupé", "je n'entends rien pendant les appels",
        "la mise à jour ne s'installe pas", "le lien de la réunion ne marche plus", "la salle de réunion n'apparaît pas",
        "les notifications arrivent en retard", "le mot de passe a expiré", "la sonnerie ne change pas",
        "le bouton Partager l'écran est grisé", "le Calendrier ne se synchronise plus avec Outlook",
        "dans Paramètres, l'onglet Confidentialité est vide", "le message Connexion impossible s'affiche",
        "la Messagerie vocale ne transcrit rien", "après la mise à jour, le Micro reste coupé",
        "impossible d'ouvrir les Fichiers partagés", "le Statut passe à Absent sans raison",
    ),
    "es": (
        "la pantalla compartida se queda negra", "el estado se queda en ausente", "la reunión no arranca",
        "los auriculares no se detectan", "la aplicación se cierra al iniciar sesión", "el artículo está desactualizado",
        "el micrófono está silenciado", "no se oye nada en las llamadas",
        "la actualización no se instala", "el enlace de la reunión ya no funciona", "la sala de reuniones no aparece",
        "las notificaciones llegan tarde", "la contraseña ha caducado", "el tono de llamada no cambia",
        "el botón Compartir pantalla está en gris", "el Calendario ya no se sincroniza con Outlook",
        "en Configuración, la pestaña Privacidad está vacía", "sale el mensaje Error de conexión",
        "el Buzón de voz no transcribe nada", "tras la actualización, el Micrófono sigue silenciado",
        "no se pueden abrir los Archivos compartidos", "el Estado cambia a Ausente sin motivo",
    ),
    "it": (
        "la condivisione dello schermo non funziona", "lo stato resta su assente", "la riunione non parte",
        "le cuffie non vengono rilevate", "l'app si chiude all'accesso", "l'articolo è vecchio",
        "il microfono è disattivato", "non si sente niente nelle chiamate",
        "l'aggiornamento non si installa", "il link della riunione non va più", "la sala riunioni non compare",
        "le notifiche arrivano in ritardo", "la password è scaduta", "la suoneria non cambia",
        "il pulsante Condividi schermo è grigio", "il Calendario non si sincronizza più con Outlook",
        "in Impostazioni, la scheda Privacy è vuota", "compare il messaggio Errore di connessione",
        "la Segreteria non trascrive niente", "dopo l'aggiornamento il Microfono resta muto",
        "non si aprono i File condivisi", "lo Stato passa a Assente senza motivo",
    ),
    "nl": (
        "scherm delen werkt niet", "de status blijft op afwezig", "de vergadering start niet",
        "de headset wordt niet herkend", "de app crasht bij het aanmelden", "het artikel is verouderd",
        "de microfoon staat uit", "ik hoor niets tijdens gesprekken",
        "de update wordt niet geïnstalleerd", "de vergaderlink werkt niet meer", "de vergaderruimte staat er niet bij",
        "meldingen komen te laat binnen", "het wachtwoord is verlopen", "de beltoon verandert niet",
        "de knop Scherm delen is grijs", "de Agenda synchroniseert niet meer met Outlook",
        "in Instellingen is het tabblad Privacy leeg", "de melding Verbinding mislukt verschijnt",
        "de Voicemail schrijft niets uit", "na de update blijft de Microfoon uit",
        "de Gedeelde bestanden gaan niet open", "de Status springt zonder reden op Afwezig",
    ),
    "pl": (
        "udostępnianie ekranu nie działa", "status zostaje na nieobecny", "spotkanie się nie zaczyna",
        "słuchawki nie są wykrywane", "aplikacja zamyka się przy logowaniu", "artykuł jest nieaktualny",
        "mikrofon jest wyciszony", "nic nie słychać podczas rozmów",
        "aktualizacja się nie instaluje", "link do spotkania już nie działa", "sali konferencyjnej nie ma na liście",
        "powiadomienia przychodzą z opóźnieniem", "hasło wygasło", "dzwonek się nie zmienia",
        "przycisk Udostępnij ekran jest wyszarzony", "Kalendarz nie synchronizuje się z Outlookiem",
        "w Ustawieniach karta Prywatność jest pusta", "pojawia się komunikat Błąd połączenia",
        "Poczta głosowa nic nie transkrybuje", "po aktualizacji Mikrofon dalej jest wyciszony",
        "Udostępnione pliki się nie otwierają", "Status zmienia się na Nieobecny bez powodu",
    ),
}

# Faker locales whose names each language's frames use most.
LOCALES: dict[str, tuple[str, ...]] = {
    "en": ("en_US", "en_GB"),
    "de": ("de_DE",),
    "fr": ("fr_FR",),
    "es": ("es_ES",),
    "it": ("it_IT",),
    "nl": ("nl_NL",),
    "pl": ("pl_PL",),
}

# More frames of the kinds the first set has too few of: a name as the first word of the
# text (where a capital says nothing), a name in a list after a conjunction or a comma, the
# directory order "Surname, Given" in quotes and in running text, a greeting or a sign-off
# alone on its line, and a name between two ordinary capitalised words. ``FRAMES`` holds
# both sets (see the end of the module).
MORE_FRAMES: dict[str, tuple[str, ...]] = {
    "en": (
        "{F} said {X}", "{F} says the {U} team {X}", "{F} from {U} can't {V}", "{F} in {U} still {X}",
        "{F} {L} keeps getting logged out", "{F} told me {X}", "{F} noticed that {X}", "{F} wants to know why {X}",
        "{P} and {P} both {X}", "forwarded it to {F} and {P} but {X}", "I asked {F} and {F}, {X}",
        "{F}, {P} and {F} are not in the roster", "tested with {F} on a second laptop, {X}",
        "the search shows '{D}' first", "'{D}' is listed twice in the address book", "I typed {D} and {X}",
        "{D} has the wrong phone number in the directory", "entries for {D} and {D} are merged",
        "{G},\n{X}", "{G}, {X}", "{X}\n{S}", "{X}\n\n{S}!", "{X} {S}!", "{G} team, {X}",
        "{G} {F},\n\n{X}\n\n{S},\n{F}", "{X}\n-- {F}", "{X}\n\n{F}\n{U}", "{X}\n{S}\n{F} ({U})",
        "{F} here from {U}: {X}", "it's {F} again, {X}", "{F} from {U} here, {X}", "per {F}, {X}",
        "{X} - ask {F} if you need the logs", "{X} ({F} can confirm)", "{X}, {F} saw it too",
        "the Meeting Notes {F} shared are empty", "{F}'s Voicemail Greeting plays twice", "{F} joined from the Lobby and {X}",
        "why can {F} not see the Shared Calendar", "{T} and {F} {L} {X}",
    ),
    "de": (
        "{F} sagt, die {U} {X}", "{F} aus der {U} kann nicht {V}", "{F} hat gestern {X}", "{F} meint, {X}",
        "{F} {L} wird ständig abgemeldet", "{F} und {F} sehen meinen Status nicht", "{P} und {P} {X}",
        "habe {F} und {P} gefragt, {X}", "{F}, {F} und {P} fehlen in der Teamliste", "an {F} weitergeleitet, {X}",
        "im Adressbuch steht '{D}' doppelt", "die Suche zeigt {D} zuerst an", "{D} hat die falsche Durchwahl",
        "{G},\n{X}", "{G}, {X}", "{X}\n{S}", "{X}\n\n{S}!", "{G} zusammen, {X}", "{G} {F},\n\n{X}\n\n{S}\n{F}",
        "{X}\n-- {F}", "{X}\n\n{F}\n{U}", "{F} hier aus der {U}: {X}", "{X} ({F} kann das bestätigen)",
        "die Besprechungsnotizen von {F} sind leer", "{F}s Kalender zeigt nur Termine von gestern",
        "{F} hat die Einladung bekommen, {X}", "{T} aus dem {U} hat keinen Zugriff auf den Kanal",
        "{F} von {L} kann nicht {V}", "{X}, {F} hat das auch", "wenn {F} anruft, {X}",
    ),
    "fr": (
        "{F} dit que {X}", "{F} du service {U} ne peut pas {V}", "{F} a remarqué que {X}", "{F} {L} est déconnecté sans arrêt",
        "{F} et {P} {X}", "{P} et {P} ne voient pas mon statut", "j'ai demandé à {F} et à {F}, {X}", "{F}, {F} et {P} manquent dans l'équipe",
        "l'annuaire affiche « {D} » en premier", "{D} a le mauvais numéro", "la recherche de {D} ne donne rien",
        "{G},\n{X}", "{G}, {X}", "{X}\n{S}", "{X}\n\n{S} !", "{G} à tous, {X}", "{G} {F},\n\n{X}\n\n{S},\n{F}",
        "{X}\n-- {F}", "{X}\n\n{F}\n{U}", "c'est {F} du service {U}, {X}", "{X} ({F} peut confirmer)",
        "les notes de réunion de {F} sont vides", "quand {F} appelle, {X}", "{T} n'a pas accès au Canal",
        "{F} a transféré l'appel à {F}", "transmis à {F}, {X}", "{X}, {F} a le même souci",
    ),
    "es": (
        "{F} dice que {X}", "{F} de {U} no puede {V}", "{F} se dio cuenta de que {X}", "{F} {L} se desconecta todo el rato",
        "{F} y {P} {X}", "{P} y {P} no ven mi estado", "le pregunté a {F} y a {F}, {X}", "{F}, {F} y {P} no salen en el equipo",
        "el directorio muestra «{D}» primero", "{D} tiene el número equivocado", "buscando {D} no sale nada",
        "{G},\n{X}", "{G}, {X}", "{X}\n{S}", "{X}\n\n{S}!", "{G} a todos, {X}", "{G} {F},\n\n{X}\n\n{S},\n{F}",
        "{X}\n-- {F}", "{X}\n\n{F}\n{U}", "soy {F} de {U}, {X}", "{X} ({F} lo puede confirmar)",
        "las notas de la reunión de {F} están vacías", "cuando {F} llama, {X}", "{T} no tiene acceso al Canal",
        "{F} pasó la llamada a {F}", "se lo reenvié a {F}, {X}", "{X}, a {F} le pasa lo mismo",
    ),
    "it": (
        "{F} dice che {X}", "{F} dell'ufficio {U} non riesce a {V}", "{F} ha notato che {X}", "{F} {L} viene disconnesso di continuo",
        "{F} e {P} {X}", "{P} e {P} non vedono il mio stato", "ho chiesto a {F} e a {F}, {X}", "{F}, {F} e {P} mancano nel team",
        "la rubrica mostra «{D}» per primo", "{D} ha il numero sbagliato", "cercando {D} non esce niente",
        "{G},\n{X}", "{G}, {X}", "{X}\n{S}", "{X}\n\n{S}!", "{G} a tutti, {X}", "{G} {F},\n\n{X}\n\n{S},\n{F}",
        "{X}\n-- {F}", "{X}\n\n{F}\n{U}", "sono {F} dell'ufficio {U}, {X}", "{X} ({F} può confermare)",
        "le note della riunione di {F} sono vuote", "quando {F} chiama, {X}", "{T} non ha accesso al Canale",
        "{F} ha passato la chiamata a {F}", "l'ho inoltrato a {F}, {X}", "{X}, anche {F} ha lo stesso problema",
    ),
    "nl": (
        "{F} zegt dat {X}", "{F} van {U} kan niet {V}", "{F} merkte dat {X}", "{F} {L} wordt steeds afgemeld",
        "{F} en {P} {X}", "{P} en {P} zien mijn status niet", "ik heb {F} en {F} gevraagd, {X}", "{F}, {F} en {P} ontbreken in het team",
        "het adresboek toont '{D}' als eerste", "{D} heeft het verkeerde nummer", "zoeken op {D} geeft niets",
        "{G},\n{X}", "{G}, {X}", "{X}\n{S}", "{X}\n\n{S}!", "{G} allemaal, {X}", "{G} {F},\n\n{X}\n\n{S},\n{F}",
        "{X}\n-- {F}", "{X}\n\n{F}\n{U}", "met {F} van {U}, {X}", "{X} ({F} kan het bevestigen)",
        "de vergadernotities van {F} zijn leeg", "als {F} belt, {X}", "{T} heeft geen toegang tot het Kanaal",
        "{F} heeft het gesprek doorverbonden met {F}", "doorgestuurd naar {F}, {X}", "{X}, {F} heeft hetzelfde",
    ),
    "pl": (
        "{F} mówi, że {X}", "{F} z działu {U} nie może {V}", "{F} zauważył, że {X}", "{F} {L} ciągle jest wylogowywany",
        "{F} i {P} {X}", "{P} i {P} nie widzą mojego statusu", "pytałem {F} i {F}, {X}", "{F}, {F} i {P} nie ma w zespole",
        "książka adresowa pokazuje „{D}” jako pierwszego", "{D} ma zły numer", "szukanie {D} nic nie daje",
        "{G},\n{X}", "{G}, {X}", "{X}\n{S}", "{X}\n\n{S}!", "{G} wszystkim, {X}", "{G} {F},\n\n{X}\n\n{S},\n{F}",
        "{X}\n-- {F}", "{X}\n\n{F}\n{U}", "tu {F} z działu {U}, {X}", "{X} ({F} może potwierdzić)",
        "notatki ze spotkania od {F} są puste", "kiedy {F} dzwoni, {X}", "{T} nie ma dostępu do Kanału",
        "{F} przełączył rozmowę do {F}", "przekazałem to {F}, {X}", "{X}, {F} ma to samo",
    ),
}

FRAMES = {lang: FRAMES[lang] + MORE_FRAMES[lang] for lang in FRAMES}

# Phrases of ordinary words that stand where a name could: verbs with a particle or a noun
# ("dar de alta", "mettere in attesa", "faire une demande"), labels and compounds written with
# capitals. ``train_names`` writes them into negatives as they are, capitalised and in capitals.
PHRASES: dict[str, tuple[str, ...]] = {
    "en": ("mark all read", "sign in", "log out", "set up", "hold music", "summer update", "autumn release",
           "page break", "chase the ticket", "turn on captions", "pin to top", "reset the status", "leave the call"),
    "de": ("Bescheid geben", "in Kauf nehmen", "zur Verfügung stellen", "in Betrieb nehmen", "zu Ende gehen",
           "Rücksprache halten", "Anmeldung fehlgeschlagen", "Gerät entfernen", "Ton aus", "Klingelton ändern"),
    "fr": ("prendre en charge", "avoir besoin de", "mettre en attente", "tenir compte de", "se rendre compte",
           "mettre en sourdine", "faire part de", "donner suite", "prendre rendez-vous", "faire appel à"),
    "es": ("poner en espera", "darse cuenta", "hacer clic", "llevar a cabo", "dejar de funcionar", "poner en marcha",
           "volver a llamar", "salir de la reunión", "hacer falta", "dar igual", "tener lugar", "dar de comer"),
    "it": ("tenere conto", "dare un'occhiata", "rendersi conto", "mettere in muto", "prendere in carico",
           "fare una chiamata", "andare a buon fine", "tornare indietro", "dare retta", "fare presente"),
    "nl": ("in de wacht zetten", "rekening houden met", "aan de slag", "op de hoogte", "in gesprek", "van de baan",
           "ter info", "ten minste", "in orde", "op afstand"),
    "pl": ("dać znać", "zwrócić uwagę", "mieć na uwadze", "wziąć pod uwagę", "oddzwonić później", "na bieżąco",
           "w razie czego", "do widzenia", "od razu", "na razie"),
}

# Templates for negatives in the languages the articles lack: {W} is an ordinary phrase or a
# compound, {X} a sentence without personal data.
NEGATIVE_FRAMES: dict[str, tuple[str, ...]] = {
    "en": ("how do I {W}", "{W} does not work", "{W} in the desktop app", "where is {W}?", "{W}: {X}", "{X}, {W} too"),
    "de": ("wie kann ich {W}", "{W} funktioniert nicht", "die {W} ist weg", "{W} seit dem Update", "{W}: {X}",
           "{X}, auch die {W}", "Probleme mit der {W}", "{W} und {W} fehlen"),
    "fr": ("comment {W}", "{W} ne marche pas", "impossible de {W}", "{W} : {X}", "{X}, il faut {W}", "pour {W} dans l'appli"),
    "es": ("cómo {W}", "no puedo {W}", "{W} no funciona", "{W}: {X}", "{X}, hay que {W}", "para {W} en la app"),
    "it": ("come {W}", "non riesco a {W}", "{W} non funziona", "{W}: {X}", "{X}, bisogna {W}", "per {W} nell'app"),
    "nl": ("hoe kan ik {W}", "{W} werkt niet", "{W}: {X}", "{X}, ook {W}", "problemen met {W}", "waar staat {W}"),
    "pl": ("jak {W}", "nie mogę {W}", "{W} nie działa", "{W}: {X}", "{X}, trzeba {W}", "gdzie jest {W}"),
}

# Joining sounds between the parts of a compound (German "Anmeldeversuch-s-", Dutch "-s-").
COMPOUND_LINKS: dict[str, tuple[str, ...]] = {"de": ("", "", "", "s", "en", "e"), "nl": ("", "", "s", "en")}

# Faker locales whose names travel into texts of any language (drawn for a quarter of the names).
WORLD_LOCALES: tuple[str, ...] = (
    "en_IE", "en_IN", "en_NG", "yo_NG", "ig_NG", "tr_TR", "pt_BR", "pt_PT", "sv_SE", "cs_CZ", "nl_BE",
    "es_MX", "de_AT", "fr_CA", "da_DK", "fi_FI", "ro_RO", "hu_HU",
)
