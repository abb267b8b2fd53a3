"""Search: any text is safe and cheap, long questions work, locales fall back, pages and filters hold."""

from __future__ import annotations

from pathlib import Path

import pytest
from whoosh.query import DisjunctionMax, Or, Term

from helpsvc.search import LANGUAGES
from helpsvc.search.query import MAX_TERMS, build_query
from helpsvc.search import SearchService, locale_chain, negotiate_locale

HOSTILE_QUERIES = [
    '"unbalanced quote',
    "title:secret body:x",
    "mic AND camera OR NOT headset",
    "NOT",
    "**Delete**",
    "*",
    "?",
    "mic~2 cam^5",
    "((([[{{",
    ")]}",
    "a" * 10_000,
    "word " * 2_000,
    "🎤🎧 mikrofon 🙂",
    "\x00\x01\x1b[31mred\x7f",
    "%E0%A4%A",
    "%ZZ%",
    "sign\u200bin",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "-",
    "   ",
    "",
    "\ud7ff\ufffd",
]


@pytest.mark.parametrize("query", HOSTILE_QUERIES)
def test_hostile_queries_answer_honestly_through_the_api(client, query: str) -> None:
    response = client.get("/api/v1/search", params={"q": query})
    assert response.status_code == 200, response.text
    body = response.json()
    assert isinstance(body["hits"], list) and body["total"] >= 0
    page = client.get("/search", params={"q": query})
    assert page.status_code == 200
    assert "<script>alert(1)</script>" not in page.text


@pytest.mark.parametrize("query", HOSTILE_QUERIES)
def test_user_text_becomes_only_plain_terms(query: str) -> None:
    """Nothing a reader types can become a wildcard, fuzzy, range or field query."""
    q = build_query(query, list(LANGUAGES)).query
    if q is None:
        return
    assert isinstance(q, Or)
    assert all(isinstance(sub, DisjunctionMax) for sub in q.subqueries)
    assert all(isinstance(leaf, Term) for sub in q.subqueries for leaf in sub.subqueries)
    assert len(q.subqueries) <= MAX_TERMS * len(LANGUAGES)


def test_markdown_bold_is_a_word_not_a_wildcard(content_index: Path) -> None:
    service = SearchService(content_index)
    assert service.search("**Delete**").total == service.search("delete").total > 0


def test_invalid_percent_encoding_in_the_url_is_not_an_error(client) -> None:
    response = client.get("/api/v1/search?q=%E0%A4%A&page=1")
    assert response.status_code == 200


def test_a_twenty_word_question_finds_the_article_that_answers_it(content_index: Path) -> None:
    service = SearchService(content_index)
    question = (
        "when I try to show my whole desktop to the other people in the meeting nothing happens "
        "and they cannot see my screen at all"
    )
    assert len(question.split()) >= 20
    top = [h.id for h in service.search(question).hits[:3]]
    assert {"screen-share", "screen-share-troubleshoot"} & set(top), top


def test_more_matching_words_rank_higher(content_index: Path) -> None:
    service = SearchService(content_index)
    hits = service.search("voicemail greeting record").hits
    assert hits and hits[0].id.startswith("voicemail")


def test_hits_have_highlighted_escaped_snippets(client) -> None:
    hit = client.get("/api/v1/search", params={"q": "headset"}).json()["hits"][0]
    assert "<mark" in hit["snippet_html"]
    assert "<mark" not in hit["snippet"] and hit["snippet"].strip()


def test_pagination_is_consistent(client) -> None:
    first = client.get("/api/v1/search", params={"q": "meeting", "per_page": 3}).json()
    second = client.get("/api/v1/search", params={"q": "meeting", "per_page": 3, "page": 2}).json()
    assert first["total"] == second["total"] > 6
    assert first["pages"] == -(-first["total"] // 3)
    assert not {h["id"] for h in first["hits"]} & {h["id"] for h in second["hits"]}
    whole = client.get("/api/v1/search", params={"q": "meeting", "per_page": 6}).json()
    assert [h["id"] for h in whole["hits"]] == [h["id"] for h in first["hits"] + second["hits"]]


@pytest.mark.parametrize(
    "params, message",
    [
        ({"page": "0"}, "'page' must be from 1"),
        ({"page": "-3"}, "'page' must be from 1"),
        ({"page": "abc"}, "'page' must be a whole number"),
        ({"page": "9" * 40}, "'page' must be from 1"),
        ({"per_page": "1000"}, "'per_page' must be from 1 to 50"),
        ({"locale": "../../etc"}, "'locale' must look like"),
    ],
)
def test_bad_parameters_are_400_with_a_message(client, params: dict[str, str], message: str) -> None:
    response = client.get("/api/v1/search", params={"q": "mic", **params})
    assert response.status_code == 400
    assert message in response.json()["error"]["message"]
    page = client.get("/search", params={"q": "mic", **params})
    assert page.status_code == 400 and message.replace("'", "&#39;") in page.text


def test_filters_by_product_and_topic(client) -> None:
    mobile = client.get("/api/v1/search", params={"q": "notifications", "product": "relay-mobile"}).json()
    assert mobile["hits"] and all(h["product"] == "relay-mobile" for h in mobile["hits"])
    topic = client.get("/api/v1/search", params={"q": "error", "topic": "sign-in"}).json()
    assert topic["hits"] and all("sign-in" in h["topics"] for h in topic["hits"])


def test_did_you_mean_for_a_misspelling(content_index: Path) -> None:
    service = SearchService(content_index)
    result = service.search("voicemial")
    assert result.suggestion == "voicemail"
    assert result.hits and result.hits[0].id.startswith("voicemail")
    assert service.search("voicemail").suggestion is None  # a query that matches well is never rewritten


def test_zero_results_page_says_so_and_offers_popular_articles(client) -> None:
    data = client.get("/api/v1/search", params={"q": "qqqxxzzq"}).json()
    assert data["total"] == 0 and data["popular"]
    page = client.get("/search", params={"q": "qqqxxzzq"})
    assert "No articles match" in page.text and "Popular articles" in page.text


def test_locale_chain_and_negotiation() -> None:
    assert locale_chain("de-DE", "en-US", ["de-DE", "en-US"]) == ["de-DE", "de", "en-US"]
    assert locale_chain("de", "en-US", ["de-AT", "de-DE", "en-US"]) == ["de", "de-AT", "de-DE", "en-US"]
    assert negotiate_locale("fr-FR, de;q=0.8, en;q=0.5", ["en-US", "de-DE"]) == "de-DE"
    assert negotiate_locale("fr-FR", ["en-US", "de-DE"]) is None
    assert negotiate_locale("de;q=abc, en", ["en-US", "de-DE"]) == "en-US"


def test_german_readers_get_german_articles_and_english_fallback(client) -> None:
    german = client.get("/api/v1/articles/sign-in", params={"locale": "de-DE"}).json()
    assert german["locale"] == "de-DE" and "de-DE" in german["translations"]
    fallback = client.get("/api/v1/articles/voicemail-setup", params={"locale": "de-DE"}).json()
    assert fallback["locale"] == "en-US"
    by_header = client.get("/api/v1/articles/sign-in", headers={"Accept-Language": "de-CH, de;q=0.9"}).json()
    assert by_header["locale"] == "de-DE"
    hits = client.get("/api/v1/search", params={"q": "Anmelden", "locale": "de-DE"}).json()["hits"]
    assert hits and hits[0]["locale"] == "de-DE"
    # One version per article: the German one where it exists, otherwise English.
    ids = [h["id"] for h in client.get("/api/v1/search", params={"q": "meeting", "locale": "de-DE", "per_page": 50}).json()["hits"]]
    assert len(ids) == len(set(ids))


def test_german_queries_are_stemmed_as_german(content_index: Path) -> None:
    service = SearchService(content_index)
    singular = {h.id for h in service.search("Besprechung", locale="de-DE").hits}
    plural = {h.id for h in service.search("Besprechungen", locale="de-DE").hits}
    assert singular and singular == plural


def test_the_spelling_vocabulary_knows_every_indexed_word_and_no_other(content_index) -> None:
    from helpsvc.search.query import Vocabulary

    state = SearchService(content_index).state()
    reader = state.searcher.reader()
    words = list(reader.lexicon("words"))
    vocabulary = Vocabulary(reader, "words")
    assert len(words) > 1000 and all(word in vocabulary for word in words)
    assert not any(w in vocabulary for w in (b"zzqnosuchword", b"voicemai", b"meetingz", "größe".encode()))


def test_highlighting_marks_what_stemming_matches_in_english_and_german() -> None:
    from helpsvc.search.query import make_snippet

    assert make_snippet("Meetings were recorded; the recording stops.", {"meet", "record"}, "en") == (
        '<mark class="hl">Meetings</mark> were <mark class="hl">recorded</mark>; the <mark class="hl">recording</mark> stops.'
    )
    html = make_snippet("Öffnen Sie die Einstellungen und überprüfen Sie das Häkchen.", {"offn", "uberpruf"}, "de")
    assert '<mark class="hl">Öffnen</mark>' in html and '<mark class="hl">überprüfen</mark>' in html
