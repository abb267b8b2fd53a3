"""Search for the words readers type: rarity in short queries, typos, abbreviations, identifiers."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import write_article

from helpsvc.search import SearchService, build_index

FILLER = (
    "Sign in to the admin center, open the settings page and sign in again if the page asks you to. "
    "Users, meetings and calls are listed on the left. "
)


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> SearchService:
    """A small help site whose articles each answer one kind of reader's query."""
    root = tmp_path_factory.mktemp("quality")
    content = root / "content"
    articles = {
        "signin-basics": ("Sign in to the admin center", "Sign in with your work account. " + FILLER),
        "signin-users": ("Users cannot sign in to meetings", "When users cannot sign in to meetings, reset them. " + FILLER),
        "signin-again": ("Sign in again after a password change", "Users sign in again with the new password. " + FILLER),
        "lobby": ("Meeting join settings", "Anonymous participants wait in the lobby until an organizer admits them. " + FILLER),
        "branch": ("Plan for resiliency at branch sites",
                   "A Survivable Branch Appliance (SBA) keeps calls working when the WAN link fails. " + FILLER),
        "branch-upgrade": ("Upgrade branch devices", "Before you upgrade an SBA, drain its calls. " + FILLER),
        "outage": ("Calls during a WAN outage", "The survivable branch appliance takes over registration. " + FILLER),
        "greeting": ("Record a voicemail greeting", "Record the personal greeting callers hear when you are away. " + FILLER),
        "cmdlet": ("Look up a user's settings", "Run Get-CsOnlineUser to see a user's policies and numbers. " + FILLER),
        "access": ("Access denied when you install updates", "The installer stops with error 0x80070005 (access denied). " + FILLER),
    }
    for article_id, (title, body) in articles.items():
        write_article(content, f"en-US/{article_id}.md", {"id": article_id, "title": title}, body)
    build_index(content, root / "ix")
    return SearchService(root / "ix", check_seconds=0.0, content_dir=content)


def top(service: SearchService, text: str) -> str | None:
    hits = service.search(text).hits
    return hits[0].id if hits else None


def test_one_rare_body_word_outweighs_common_title_words(service: SearchService) -> None:
    # "sign" and "users" stand in three titles; "anonymous" only in one article's body.
    assert top(service, "anonymous users sign in") == "lobby"


def test_a_misspelled_query_finds_what_the_clean_one_finds(service: SearchService) -> None:
    clean = service.search("record voicemail greeting")
    typo = service.search("recrod voicemial greting")
    assert clean.hits[0].id == "greeting"
    assert [h.id for h in typo.hits[:3]] == [h.id for h in clean.hits[:3]]
    assert typo.suggestion == "record voicemail greeting"


def test_respelling_takes_the_closest_then_commonest_word(service: SearchService) -> None:
    vocabulary = service.state().vocabulary
    assert vocabulary.respell("pasword") == "password"
    assert vocabulary.respell("greting") == "greeting"
    assert vocabulary.respell("zzqqxxyy") is None


def test_abbreviations_are_mined_from_parenthetical_definitions() -> None:
    from helpsvc.search.abbreviations import definitions, mine

    text = ("Deploy a Survivable Branch Appliance (SBA) at each site. Monitor the Quality of Experience (QoE) data. "
            "Assign address book policies (ABPs) to users. Restart the service (Optional). The WAN (see below) is slow.")
    assert list(definitions(text)) == [
        ("SBA", "Survivable Branch Appliance"), ("QoE", "Quality of Experience"), ("ABP", "address book policies"),
    ]
    mined = mine([("en", text), ("en", "A Survivable Branch Appliance (SBA)."), ("en", "Stand-by Appliance (SBA).")])
    # The long form most articles give wins.
    assert ["sba", "survivable branch appliance", 2] in mined["en"]


def test_a_mined_abbreviation_expands_to_its_long_form(service: SearchService) -> None:
    # "outage" never says "SBA"; the branch article defines it, so the build knows the two are one.
    found = [h.id for h in service.search("sba").hits]
    assert "outage" in found and "branch" in found
    # And the other way: "branch-upgrade" only says "SBA".
    assert "branch-upgrade" in [h.id for h in service.search("survivable branch appliance").hits]


def test_identifiers_match_whole_and_by_parts(service: SearchService) -> None:
    for query in ("Get-CsOnlineUser", "get-csonlineuser", "CsOnlineUser", "get csonlineuser"):
        assert top(service, query) == "cmdlet", query
    # An error code with or without the "0x" the screen shows.
    for query in ("0x80070005", "80070005", "error 80070005 when installing"):
        assert top(service, query) == "access", query
    assert "access" not in [h.id for h in service.search("deadbeef").hits]  # eight hex letters are a word, not a code


def test_did_you_mean_only_when_the_query_finds_little(service: SearchService) -> None:
    # "voicemial" is not in the index, but "sign in" finds every article: no second-guessing.
    many = service.search("sign in voicemial")
    assert many.total >= 10 and many.suggestion is None
    # The reader's own words find nothing; the correction finds the article.
    assert service.search("voicemial").suggestion == "voicemail"


def test_snippets_mark_the_words_that_found_the_article_not_function_words(tmp_path: Path) -> None:
    content = tmp_path / "content"
    write_article(content, "en-US/mic.md", {"id": "mic", "title": "Fix the microphone"},
                  "If my microphone does not work, how do I check it? Open the audio settings and test my microphone. "
                  "When it still doesn't pick up your voice, restart.")
    write_article(content, "de-DE/mic.md", {"id": "mic", "title": "Mikrofon prüfen", "locale": "de-DE"},
                  "Wenn mein Mikrofon nicht funktioniert, öffnen Sie die Audioeinstellungen.")
    build_index(content, tmp_path / "ix", locales=("en-US", "de-DE"))
    service = SearchService(tmp_path / "ix", check_seconds=0.0, content_dir=content)
    english = service.search("why does my microphone not work").hits[0].snippet_html
    assert '<mark class="hl">microphone</mark>' in english and '<mark class="hl">work</mark>' in english
    assert "<mark class=\"hl\">my</mark>" not in english and "<mark class=\"hl\">does</mark>" not in english
    contraction = service.search("microphone doesn't pick up my voice").hits[0].snippet_html
    assert '<mark class="hl">voice</mark>' in contraction and "<mark class=\"hl\">doesn</mark>" not in contraction
    german = service.search("mein mikrofon", locale="de-DE").hits[0].snippet_html
    assert '<mark class="hl">Mikrofon</mark>' in german and '<mark class="hl">mein</mark>' not in german


def test_an_article_saying_the_query_in_one_sentence_outranks_one_that_scatters_it(tmp_path: Path) -> None:
    # The same words, as often, in articles of the same length: field scores tie, and only
    # where the words stand tells the answer from the article that merely mentions both.
    content = tmp_path / "content"
    write_article(content, "en-US/scattered.md", {"id": "scattered", "title": "Meeting options"},
                  "Anonymous participants see the lobby page.\n\nJoining works from the calendar invitation.")
    write_article(content, "en-US/together.md", {"id": "together", "title": "Meeting options"},
                  "Anonymous participants see joining from the calendar.\n\nThe lobby page works invitation.")
    build_index(content, tmp_path / "ix")
    service = SearchService(tmp_path / "ix", check_seconds=0.0, content_dir=content)
    assert [h.id for h in service.search("anonymous joining").hits] == ["together", "scattered"]
    # A word each holds once in one line ties them again: the build's order stands.
    assert {h.id for h in service.search("lobby").hits} == {"together", "scattered"}


def test_a_word_nearly_every_article_holds_is_not_marked(tmp_path: Path) -> None:
    content = tmp_path / "content"
    topics = ("calls", "chat", "meetings", "status", "contacts", "voicemail", "files", "video", "sign-in")
    write_article(content, "en-US/mic.md", {"id": "mic", "title": "Microphone"}, "Relay picks the microphone you chose.")
    for topic in topics:
        write_article(content, f"en-US/{topic}.md", {"id": topic, "title": topic}, f"Relay handles {topic}.")
    build_index(content, tmp_path / "ix")
    service = SearchService(tmp_path / "ix", check_seconds=0.0, content_dir=content)
    snippet = service.search("relay microphone").hits[0].snippet_html
    assert '<mark class="hl">microphone</mark>' in snippet and '<mark class="hl">Relay</mark>' not in snippet
