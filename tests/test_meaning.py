"""Search that finds what people mean: synonyms, corrections, suggestions, related, pins, near-duplicates."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from conftest import write_article

from helpsvc.content.curation import Synonyms, add_synonym_group
from helpsvc.search import build_index
from helpsvc.search import SearchService

LOREM = "Relay keeps your settings in sync across devices and updates itself in the background. "


@pytest.fixture
def small(tmp_path: Path) -> tuple[Path, SearchService]:
    content = tmp_path / "content"
    write_article(content, "en-US/present.md", {"id": "present", "title": "Present your desktop", "topics": ["meetings"]},
                  "Select Present, then choose Desktop to show everything on your monitor. " + LOREM)
    write_article(content, "en-US/logon.md", {"id": "logon", "title": "Logon to Relay", "topics": ["sign-in"]},
                  "Enter your work address and password on the logon screen. " + LOREM)
    write_article(content, "en-US/webcam.md", {"id": "webcam", "title": "Choose a webcam", "topics": ["devices"]},
                  "Pick the webcam Relay uses for video calls under Options, Video device. " + LOREM)
    write_article(content, "en-US/webcam-2019.md", {"id": "webcam-2019", "title": "Choose a webcam", "topics": ["devices"]},
                  "Pick the webcam Relay uses for video calls under Options, Video device. " + LOREM)
    write_article(content, "en-US/present-tips.md", {"id": "present-tips", "title": "Tips for presenting", "topics": ["meetings"]},
                  "Close other windows before you present your desktop, and mute notifications while presenting. " + LOREM)
    write_article(content, "en-US/voicemail.md", {"id": "voicemail", "title": "Record a voicemail greeting", "topics": ["voicemail"]},
                  "Record a personal greeting callers hear when you cannot answer. " + LOREM)
    write_article(content, "de-DE/present.md", {"id": "present", "title": "Desktop freigeben", "locale": "de-DE"},
                  "Wählen Sie Präsentieren und dann Desktop, um Ihren Bildschirm zu zeigen.")
    (content / "synonyms").mkdir()
    (content / "synonyms" / "en-US.txt").write_text(
        "# test synonyms\nsign in = log in = logon\nshare screen = present desktop\ncam = webcam\n", encoding="utf-8")
    build_index(content, tmp_path / "ix")
    return content, SearchService(tmp_path / "ix", check_seconds=0.0, content_dir=content)


def test_synonym_groups_parse_and_match_longest_first() -> None:
    synonyms = Synonyms.parse("sign in = log in = login # comment\nshare screen = present desktop = screen sharing\nbad line\n")
    (expansion,) = synonyms.expand("How do I share screen now")
    assert expansion.matched == ("share", "screen")
    assert expansion.alternatives == (("present", "desktop"), ("screen", "sharing"))
    assert [e.matched for e in synonyms.expand("log in then sign in")] == [("log", "in"), ("sign", "in")]


def test_a_pair_kept_apart_is_no_synonym_group() -> None:
    synonyms = Synonyms.parse("sign in = log in\nSBA != Survivable Branch Appliance  # rejected\nx != \n")
    assert synonyms.groups == [[("sign", "in"), ("log", "in")]]
    assert synonyms.keeps_apart(("survivable", "branch", "appliance"), ("sba",))
    assert not synonyms.keeps_apart(("sign", "in"), ("log", "in"))
    assert synonyms.expand("sba down") == []


def test_single_and_multi_word_synonyms_find_articles(small) -> None:
    _, service = small
    assert [h.id for h in service.search("cam").hits] in (["webcam"], ["webcam-2019"])
    assert service.search("sign in").hits[0].id == "logon"
    shared = [h.id for h in service.search("share screen").hits]
    assert shared[0] == "present"
    # A multi-word synonym matches as a phrase: "present" alone in another article is not enough to outrank it.
    assert "voicemail" not in shared


def test_synonym_file_edits_apply_without_reindexing(small) -> None:
    content, service = small
    assert service.search("greeting message").hits[0].id == "voicemail"
    assert service.search("outgoing announcement").total == 0
    add_synonym_group(content / "synonyms" / "en-US.txt", ["outgoing announcement", "greeting"])
    time.sleep(0.01)
    assert [h.id for h in service.search("outgoing announcement").hits] == ["voicemail"]


def test_misspelled_words_are_corrected_from_the_index_vocabulary(small) -> None:
    _, service = small
    result = service.search("voicemial greting")
    assert result.suggestion == "voicemail greeting"
    assert result.corrected_from == "voicemial greting"
    assert result.hits[0].id == "voicemail"
    known = service.search("voicemail greeting")
    assert known.suggestion is None and known.corrected_from is None


def test_a_contraction_typed_without_its_apostrophe_is_not_respelled(tmp_path: Path) -> None:
    content = tmp_path / "content"
    write_article(content, "en-US/mic.md", {"id": "mic", "title": "When the microphone does not work"},
                  "If you want others to hear you and they can not, check the microphone. Calls went quiet? " + LOREM)
    build_index(content, tmp_path / "ix")
    service = SearchService(tmp_path / "ix", check_seconds=0.0)
    vocabulary = service.state().vocabulary
    # The index holds words one edit away, so a respelling would have been offered.
    assert vocabulary.respell("wont") in {"want", "went"} and vocabulary.respell("doesnt") == "does"
    state = service.state()
    plan = service.plan(state, "microphnoe wont work doesnt", state.chain(None))
    assert plan.corrections == {"microphnoe": "microphone"}
    assert service.search("microphnoe wont work doesnt").hits[0].id == "mic"


def test_suggest_completes_titles_and_words(small) -> None:
    _, service = small
    suggestions = service.suggest("webc")
    assert suggestions[0]["text"] == "Choose a webcam" and suggestions[0]["kind"] == "article"
    assert {"text": "webcam", "kind": "query"} in suggestions
    assert service.suggest("choose web")[0]["text"] == "Choose a webcam"
    assert service.suggest("x") == [] and service.suggest("") == []


def test_suggest_api_is_not_logged(client) -> None:
    data = client.get("/api/v1/suggest", params={"q": "voicem"}).json()
    assert {"text": "Set up your voicemail", "kind": "article", "url": "/articles/voicemail-setup"} in data["suggestions"]
    assert {"text": "voicemail", "kind": "query"} in data["suggestions"]
    client.app.state.site.store.flush()
    assert client.app.state.site.store.count("events") == 0


def test_near_duplicates_fold_under_the_best_copy(small) -> None:
    _, service = small
    result = service.search("webcam video calls")
    ids = [h.id for h in result.hits]
    assert len({"webcam", "webcam-2019"} & set(ids)) == 1
    folded = result.hits[ids.index("webcam" if "webcam" in ids else "webcam-2019")]
    assert [d["id"] for d in folded.duplicates] in (["webcam-2019"], ["webcam"])
    assert result.total == len(ids)


def test_related_articles_stay_in_locale_and_skip_duplicates(small) -> None:
    _, service = small
    related = [r["id"] for r in service.related("present", "en-US")]
    assert related and related[0] == "present-tips"
    assert "present" not in related
    webcam_related = [r["id"] for r in service.related("webcam", "en-US")]
    assert "webcam-2019" not in webcam_related
    assert all(r["locale"] == "de-DE" for r in service.related("present", "de-DE"))


def test_pinned_answers_come_first(small) -> None:
    content, service = small
    (content / "pins").mkdir()
    (content / "pins" / "en-US.txt").write_text("monitor => voicemail\n", encoding="utf-8")
    hits = service.search("Monitor").hits
    assert hits[0].id == "voicemail" and hits[0].pinned
    assert hits[1].id == "present" and not hits[1].pinned
    assert [h.id for h in hits].count("voicemail") == 1


def test_german_articles_are_found_with_german_words(small) -> None:
    _, service = small
    hits = service.search("Bildschirm zeigen", locale="de-DE").hits
    assert hits and hits[0].id == "present" and hits[0].locale == "de-DE"


def test_related_articles_on_the_article_page(client) -> None:
    # sign-in lists no related articles of its own, so the page shows the generated list.
    data = client.get("/api/v1/articles/sign-in").json()
    assert data["related"] and all(r["id"] != "sign-in" for r in data["related"])
    page = client.get("/articles/sign-in").text
    assert 'id="related-h"' in page and all(r["url"] in page for r in data["related"])


def _learned_rollups(store, query: str, clicks: dict[str, int], visitors: int = 12, searches: int = 100,
                     votes: dict[str, tuple[int, int]] | None = None) -> None:
    import datetime as dt

    today = dt.datetime.now(dt.timezone.utc).date().isoformat()

    def job(conn) -> None:
        cur = conn.cursor()
        cur.execute(store.sql("INSERT INTO rollup_queries VALUES (?, ?, ?, ?, ?, ?, ?, ?)"),
                    (today, "en-US", query, visitors, searches, 0, sum(clicks.values()), 0))
        for article_id, n in clicks.items():
            cur.execute(store.sql("INSERT INTO rollup_query_articles VALUES (?, ?, ?, ?, ?)"), (today, "en-US", query, article_id, n))
        for article_id, (yes, no) in (votes or {}).items():
            cur.execute(store.sql("INSERT INTO rollup_votes VALUES (?, ?, ?, ?, ?, ?, ?)"), (today, article_id, "en-US", "r", yes, no, 0))

    store.writer.submit(job).result()


def test_learning_lifts_within_bounds_and_never_invents_results(client) -> None:
    services = client.app.state.site
    first = client.get("/api/v1/search", params={"q": "headset", "per_page": 50}).json()["hits"]
    before = [h["id"] for h in first]
    outsider = next(e["id"] for e in services.search.state().catalog.values() if e["id"] not in before)
    assert len(before) >= 3
    lifted = before[2]
    _learned_rollups(services.store, "headset", {lifted: 90, outsider: 500}, votes={lifted: (30, 2)})
    services.learning.refresh()
    after = client.get("/api/v1/search", params={"q": "headset", "per_page": 50}).json()["hits"]
    ids = [h["id"] for h in after]
    assert outsider not in ids  # clicked a lot, but the words never matched it
    assert set(ids) == set(before)  # reordered at most, nothing added or removed
    factor = services.learning.boosts("en-US", "headset")[lifted]
    assert 1.0 < factor <= 1.25  # opened often and found helpful: lifted, within the cap
    old_score = next(h["score"] for h in first if h["id"] == lifted)
    new_score = next(h["score"] for h in after if h["id"] == lifted)
    assert new_score == pytest.approx(old_score * factor, rel=1e-3)
    # Only the lifted article moved: the others keep their scores, and it now sits
    # exactly where its new score puts it among them.
    others_before = {h["id"]: h["score"] for h in first if h["id"] != lifted}
    others_after = {h["id"]: h["score"] for h in after if h["id"] != lifted}
    assert others_after == pytest.approx(others_before, rel=1e-6)
    assert ids.index(lifted) == sum(score > new_score for score in others_after.values())


def test_rare_queries_teach_nothing(client) -> None:
    services = client.app.state.site
    _learned_rollups(services.store, "headset", {"devices-headset": 90}, visitors=2)
    services.learning.refresh()
    assert services.learning.boosts("en-US", "headset") == {}


def test_learning_can_be_switched_off(make_app) -> None:
    client = make_app(learning=False)
    services = client.app.state.site
    _learned_rollups(services.store, "headset", {"calls-make": 500})
    services.learning.refresh()
    assert services.learning.boosts("en-US", "headset") == {}


def test_learning_without_click_data_changes_nothing(content_index: Path, tmp_path: Path) -> None:
    from helpsvc.search.learning import Learning
    from helpsvc.store import open_store

    store = open_store(f"sqlite:///{tmp_path / 'empty.db'}")
    store.migrate()
    learned = SearchService(content_index, learning=Learning(store, k_threshold=10))
    plain = SearchService(content_index)
    for query in ["headset", "share my screen in a meeting", "sign in error RLY-1003", "voicemail greeting"]:
        a, b = learned.search(query).hits, plain.search(query).hits
        assert [(h.id, round(h.score, 5)) for h in a] == [(h.id, round(h.score, 5)) for h in b]
    store.close()
