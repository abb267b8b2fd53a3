"""Reading articles as we write them and as other collections write them, and rendering them safely."""

from __future__ import annotations

from pathlib import Path

from conftest import CONTENT, write_article

from helpsvc.content.articles import Article, LinkResolver, Skipped, load_collection, parse_article, render


def test_our_front_matter_is_read_and_unknown_keys_are_ignored() -> None:
    text = (
        "---\nid: mic-fix\ntitle: Fix your microphone\nsummary: When people can't hear you.\n"
        "product: relay-desktop\ntopics: [devices, calls]\nkeywords: [mic, audio]\n"
        "contexts: [client.options.audio]\nlocale: de-DE\nupdated: 2026-03-04\nfavourite_colour: green\n---\n"
        "# Fix your microphone\n\nBody.\n"
    )
    article = parse_article(text, "de-DE/mic-fix.md")
    assert (article.id, article.title, article.locale, article.product) == ("mic-fix", "Fix your microphone", "de-DE", "relay-desktop")
    assert article.topics == ["devices", "calls"]
    assert article.keywords == ["mic", "audio"]
    assert article.contexts == ["client.options.audio"]
    assert article.updated == "2026-03-04"
    assert article.warnings == []


def test_foreign_collections_title_from_h1_f1_keywords_and_noindex() -> None:
    text = (
        "---\nauthor: someone\nf1_keywords:\n- ms.lync.lscp.UserEdit\n- None\nROBOTS: NOINDEX, NOFOLLOW\n---\n\n"
        "# Edit a user\n\nText.\n"
    )
    article = parse_article(text, "Skype/help-topics/edit-user.md")
    assert article.title == "Edit a user"
    assert article.id == "Skype/help-topics/edit-user"
    assert article.contexts == ["ms.lync.lscp.useredit"]
    assert article.noindex is True
    single = parse_article("---\nf1keywords: ms.teams.x\ntitle: T\n---\nx", "a.md")
    assert single.contexts == ["ms.teams.x"]


def test_unparseable_front_matter_is_read_leniently_with_a_warning() -> None:
    text = "---\ntitle: Error: the thing: broke\nms.date: 03/31/2022\nbad: [unclosed\n---\nBody\n"
    article = parse_article(text, "x.md")
    assert article.title.startswith("Error")
    assert any("bad front matter" in w for w in article.warnings)


def test_files_that_cannot_be_used_are_skipped_with_a_reason(tmp_path: Path) -> None:
    write_article(tmp_path, "en-US/good.md", {"id": "good", "title": "Good"}, "Text")
    write_article(tmp_path, "en-US/untitled.md", {"id": "untitled"}, "No heading here")
    write_article(tmp_path, "en-US/dupe.md", {"id": "good", "title": "Same id"}, "Text")
    (tmp_path / "en-US" / "latin1.md").write_bytes("---\ntitle: Caf\xe9\n---\n".encode("latin-1"))
    items = list(load_collection(tmp_path))
    articles = [i for i in items if isinstance(i, Article)]
    skipped = {i.path: i.reason for i in items if isinstance(i, Skipped)}
    assert [a.id for a in articles] == ["good"]
    assert "no title" in skipped["en-US/untitled.md"]
    assert "duplicate id 'good'" in skipped["en-US/good.md"] or "duplicate id 'good'" in skipped["en-US/dupe.md"]
    assert skipped["en-US/latin1.md"] == "not UTF-8 text"


def test_locale_comes_from_the_folder_when_front_matter_has_none(tmp_path: Path) -> None:
    write_article(tmp_path, "de-DE/a.md", {"title": "Anmelden"}, "Text")
    (article,) = list(load_collection(tmp_path))
    assert isinstance(article, Article)
    assert (article.locale, article.id) == ("de-DE", "a")


def _render(body: str, path: str = "en-US/a.md", others: tuple[str, ...] = ()) -> str:
    article = parse_article(f"---\nid: a\ntitle: A\n---\n{body}", path)
    paths = {path: ("a", "en-US"), **{p: (Path(p).stem, "en-US") for p in others}}
    return render(article, LinkResolver(paths)).html


def test_rendering_has_anchors_tables_code_and_lists() -> None:
    html = _render("## Before you start\n\n| A | B |\n|---|---|\n| 1 | 2 |\n\n```\nC:\\logs\n```\n\n1. one\n2. two\n")
    assert '<h2 id="before-you-start">' in html
    assert "<table>" in html and "<td>1</td>" in html
    assert "<pre><code>C:\\logs" in html
    assert "<ol>" in html


def test_raw_html_is_escaped_never_passed_through() -> None:
    html = _render('Hello <script>alert(1)</script> <img src=x onerror=alert(2)>\n\n<div onclick="x">block</div>\n')
    assert "<script>" not in html and "<img src=x" not in html and "<div onclick" not in html
    assert "&lt;script&gt;" in html


def test_dangerous_and_remote_links_are_neutralised() -> None:
    html = _render("[x](javascript:alert(1)) ![pic](https://tracker.example/p.png) [ext](https://example.com)")
    assert 'href="javascript:' not in html
    assert "tracker.example" not in html  # pages never load third-party images
    assert 'rel="noopener nofollow"' in html


def test_relative_links_between_articles_become_article_pages() -> None:
    html = _render(
        "See [mic](../en-US/mic.md#fix-it) and [cam](cam.md) and [missing](nothere.md) and [site](/docs/x).",
        others=("en-US/mic.md", "en-US/cam.md"),
    )
    assert 'href="/articles/mic#fix-it"' in html
    assert 'href="/articles/cam"' in html
    assert 'href="nothere.md"' in html  # unresolved links are left for `helpsvc check` to report
    assert 'href="/docs/x"' in html


def test_bundled_content_meets_the_content_brief() -> None:
    items = list(load_collection(CONTENT))
    articles = [i for i in items if isinstance(i, Article)]
    assert not [i for i in items if isinstance(i, Skipped)]
    en = {a.id for a in articles if a.locale == "en-US"}
    de = {a.id for a in articles if a.locale == "de-DE"}
    assert len(en) >= 40 and len(de) >= 10
    assert de <= en  # every translation has an English original to fall back to
    for article in articles:
        assert article.title and article.summary and article.product and article.topics and article.contexts, article.path


def test_a_leading_h1_that_repeats_the_title_is_not_rendered_twice() -> None:
    article = parse_article("---\nid: a\ntitle: Join a meeting\n---\n# Join a meeting\n\nText.\n\n# Another H1\n", "en-US/a.md")
    rendered = render(article)
    assert "<h1>Join a meeting</h1>" not in rendered.html and "<h1>Another H1</h1>" in rendered.html
    assert rendered.headings[0].text == "Join a meeting"  # still weighed by search


def test_long_lines_become_passages_cut_between_words() -> None:
    from helpsvc.search.docstore import MAX_PASSAGE_CHARS, passages_of

    line = " ".join(f"word{n}" for n in range(300))
    passages = passages_of(line)
    assert len(passages) > 1 and all(len(p) <= MAX_PASSAGE_CHARS for p in passages)
    assert all(p.split()[0].startswith("word") and p.split()[-1].startswith("word") for p in passages)
    assert " ".join(passages) == line
