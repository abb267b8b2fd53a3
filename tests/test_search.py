"""Search: any text is safe and cheap, long questions work, locales fall back, pages and filters hold."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from whoosh.query import DisjunctionMax, Or, Phrase, Query, Term
from whoosh.searching import Searcher

from helpsvc.search import stemmed_languages
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
    languages = list(stemmed_languages(["en-US", "de-DE", "fr-FR"]))
    q = build_query(query, languages).query
    if q is None:
        return
    assert isinstance(q, Or)
    assert all(isinstance(sub, DisjunctionMax) for sub in q.subqueries)
    assert all(isinstance(leaf, Term) for sub in q.subqueries for leaf in sub.subqueries)
    assert len(q.subqueries) <= MAX_TERMS * len(languages)


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
        ({"locale": "../../etc"}, "'locale' must be one of en-US, de-DE, fr-FR"),
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


# ---------------------------------------------------------------- our ranking is Whoosh's own BM25F ranking

CONTENT_QUERIES = [
    "sign in error", "meeting lobby", "voicemail", "headset audio settings", "share my screen",
    "forward calls to another number", "presence status", "keyboard shortcuts", "besprechung planen",
    "status anzeigen", "video call camera", "captions",
    # Six words or more: pairs of adjacent words are added as phrases.
    "why can I not sign in to my account after changing the password",
]
CORPUS_QUERIES = [
    "edge server certificate", "response group agent", "sip trunk", "meeting recording",
    "audio conferencing dial-in numbers", "federation with external users", "call park", "presence",
    "users cannot join a meeting from the web app because the browser shows an error",
]
TOP = 20


def _same_order_up_to_ties(ours: list[tuple[int, float]], theirs: list[tuple[int, float]], complete: bool) -> None:
    """Both lists cut into runs of tied scores: each run holds the same documents.

    The last run may be cut by the limit (unless the lists are complete), where
    either side may keep different documents of equal score.
    """
    start = 0
    while start < len(theirs):
        end = start
        while end < len(theirs) and theirs[end][1] == pytest.approx(theirs[start][1], rel=1e-5):
            end += 1
        if end < len(theirs) or complete:
            assert {d for d, _ in ours[start:end]} == {d for d, _ in theirs[start:end]}, (start, end)
        start = end


def _fields(part: Query) -> list[Query]:
    return list(part.subqueries) if isinstance(part, DisjunctionMax) else [part]


def _summed(query: Or) -> tuple[Or, Or]:
    """The query with every word's fields added up: as DisjunctionMax with tiebreak 1, and as a plain Or."""
    as_dismax = Or([
        DisjunctionMax(part.subqueries, boost=part.boost, tiebreak=1.0) if isinstance(part, DisjunctionMax) else part
        for part in query.subqueries
    ])
    flat: list[Query] = []
    for part in query.subqueries:
        if not isinstance(part, DisjunctionMax):
            flat.append(part)
            continue
        for sub in part.subqueries:
            copy = sub.copy()
            copy.boost = part.boost * sub.boost  # the field term's own boost, then the word's
            flat.append(copy)
    return as_dismax, Or(flat)


def _whoosh_scores(searcher: Searcher, query: Query) -> dict[int, float]:
    """Every document Whoosh's own searcher finds for a query, with its score."""
    return {hit.docnum: hit.score for hit in searcher.search(query, limit=None)}


def _assert_same_ranking(scores: np.ndarray, whoosh: dict[int, float], theirs: list[tuple[int, float]], text: str) -> None:
    """The same documents and scores as Whoosh's, and the same top documents in the same order up to ties."""
    from helpsvc.search.scoring import top_documents

    assert whoosh, text
    assert set(np.flatnonzero(scores > 0).tolist()) == set(whoosh), text
    for docnum, score in whoosh.items():
        assert float(scores[docnum]) == pytest.approx(score, rel=1e-5), (text, docnum)
    ours, _ = top_documents(scores, np.ones(len(scores), dtype=bool), TOP)
    assert [s for _, s in ours] == pytest.approx([s for _, s in theirs], rel=1e-5), text
    _same_order_up_to_ties(ours, theirs, complete=len(whoosh) <= TOP)


def _assert_ranks_like_whoosh(index_dir: Path, queries: list[str], languages: list[str]) -> int:
    """Our scores, top documents and order are those of Whoosh's own searcher with the same weighting.

    Whoosh's DisjunctionMax matcher cannot be the reference: in Whoosh-Reloaded
    2.7.5 its score() takes the max of both sides' current scores even when they
    stand on different documents, and it ignores ``tiebreak``. So each query is
    compared twice: with every word's fields added up (tiebreak 1), against
    Whoosh's searcher on the plain Or of all its terms; and as served, against
    the best-field rule applied to Whoosh's own score of each word in each field.
    """
    from helpsvc.search.scoring import BM25_B, BM25_K1

    state = SearchService(index_dir).state()
    searcher = state.searcher
    assert (searcher.weighting.B, searcher.weighting.K1) == (BM25_B, BM25_K1)  # the same weighting on both sides
    size = state.scores.size
    phrases = 0
    for text in queries:
        served = build_query(text, languages, searcher.reader()).query
        assert isinstance(served, Or), text
        phrases += sum(isinstance(part, Phrase) for part in served.subqueries)

        as_dismax, flat = _summed(served)
        theirs = [(hit.docnum, hit.score) for hit in searcher.search(flat, limit=TOP)]
        _assert_same_ranking(state.scores.scores(as_dismax), _whoosh_scores(searcher, flat), theirs, text)

        expected = np.zeros(size, dtype=np.float64)
        for part in served.subqueries:
            per_field = np.zeros((len(_fields(part)), size))
            for row, sub in enumerate(_fields(part)):
                for docnum, score in _whoosh_scores(searcher, sub).items():
                    # Whoosh's score carries the field term's boost; a phrase on its own gets its boost once, below.
                    per_field[row, docnum] = score / sub.boost if sub is part else score
            best = per_field.max(axis=0)
            tiebreak = part.tiebreak if isinstance(part, DisjunctionMax) else 0.0
            expected += (best + tiebreak * (per_field.sum(axis=0) - best)) * part.boost
        matched = np.flatnonzero(expected > 0)
        ranked = sorted(((int(d), float(expected[d])) for d in matched), key=lambda item: (-item[1], item[0]))
        _assert_same_ranking(state.scores.scores(served), dict(ranked), ranked[:TOP], text)
    assert phrases > 0  # the long question's pairs were compared too
    return len(queries)


def test_scores_and_ranking_equal_whooshs_own_bm25f_on_the_bundled_content(content_index: Path) -> None:
    assert _assert_ranks_like_whoosh(content_index, CONTENT_QUERIES, ["en", "de"]) == len(CONTENT_QUERIES)


def test_scores_and_ranking_equal_whooshs_own_bm25f_on_corpus_articles(tmp_path: Path) -> None:
    import shutil

    from conftest import shared_or_skip

    from helpsvc.search import build_index

    corpus = shared_or_skip("corpus")
    articles = sorted(corpus.rglob("*.md"))[::10]  # a few hundred, from every part of the corpus
    content = tmp_path / "content"
    for path in articles:
        target = content / path.relative_to(corpus)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
    report = build_index(content, tmp_path / "ix")
    assert report.indexed > 200
    assert _assert_ranks_like_whoosh(tmp_path / "ix", CORPUS_QUERIES, ["en"]) == len(CORPUS_QUERIES)


# ---------------------------------------------------------------- the caches: bounded, least recently used out


def test_the_score_cache_drops_the_least_recently_used_and_keeps_its_byte_budget(content_index: Path) -> None:
    from prometheus_client import REGISTRY

    from helpsvc.search.scoring import ScoreCache

    def computed() -> float:  # a phrase is computed (and counted) only when the cache does not hold it
        return REGISTRY.get_sample_value("helpsvc_search_slow_path_total", {"reason": "phrase"}) or 0.0

    searcher = SearchService(content_index).state().searcher
    cache = ScoreCache(searcher, max_terms=3)
    a, b, c, d = (Phrase("body", pair) for pair in (["sign", "in"], ["screen", "share"], ["video", "call"], ["do", "not"]))
    before = computed()
    for query in (a, b, c, a, d):  # a is used again before d comes: b is the least recently used
        cache.vector(query)
    assert computed() == before + 4
    assert cache.cached()[0] == 3
    cache.vector(a)
    assert computed() == before + 4  # still held
    cache.vector(b)
    assert computed() == before + 5  # dropped for d, computed again
    small = ScoreCache(searcher, max_bytes=1000)
    for word in ("meeting", "call", "audio", "sign", "status", "video", "share", "screen"):
        small.vector(Term("body", word))
        assert small.cached()[1] <= 1000
    assert small.cached()[0] < 8  # some were dropped to stay within it


def test_the_result_cache_drops_the_least_recently_used_search(content_index: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from helpsvc.search import service as service_module

    probe = SearchService(content_index)
    headset, voicemail, presence = (probe.search(q).weight() for q in ("headset", "voicemail", "presence"))
    # Room for two of the three results, never all three: the cache is bounded by bytes.
    monkeypatch.setattr(service_module, "CACHE_BYTES", max(headset + voicemail, headset + presence))
    service = SearchService(content_index)
    first, second = service.search("headset"), service.search("voicemail")
    assert service.search("headset") is first  # a hit, and now the most recently used
    service.search("presence")  # the third: "voicemail" goes
    assert service.search("headset") is first
    again = service.search("voicemail")
    assert again is not second and again == second


def test_a_result_weighs_what_its_hits_hold(content_index: Path) -> None:
    service = SearchService(content_index)
    one, many = service.search("headset", per_page=1), service.search("headset", per_page=10)
    assert 0 < one.weight() < many.weight()
    assert many.weight() > 3 * sum(len(h.snippet_html) for h in many.hits)
