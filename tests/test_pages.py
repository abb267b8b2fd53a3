"""Page furniture seen in use: one search box on the home page, one related list per article."""

from __future__ import annotations

import re

from starlette.testclient import TestClient

from helpsvc.content.sections import has_link_list_section


def test_the_home_page_has_one_search_box_with_suggestions(client: TestClient) -> None:
    html = client.get("/").text
    assert len(re.findall(r'<form class="search[^"]*" role="search"', html)) == 1
    assert 'class="search big"' in html and 'data-suggest="/api/v1/suggest"' in html
    # Other pages keep the header's box.
    assert len(re.findall(r'role="search"', client.get("/articles/sign-in").text)) == 1


def test_an_article_with_its_own_related_list_gets_no_second_one(client: TestClient) -> None:
    own = client.get("/articles/meetings-record").text
    assert 'id="related-articles"' in own  # the writer's section
    assert 'id="related-h"' not in own  # and no generated one
    assert client.get("/api/v1/articles/meetings-record").json()["related"] == []
    plain = client.get("/articles/sign-in").text
    assert not has_link_list_section(client.get("/api/v1/articles/sign-in").json()["html"])
    assert 'id="related-h"' in plain


def test_a_section_is_a_link_list_only_when_every_item_is_one_article_link() -> None:
    links = '<li><a href="/articles/a">A</a></li><li><a href="/articles/b">B</a></li>'
    assert has_link_list_section(f'<h2 id="x">Siehe auch</h2>\n<ul>\n{links}\n</ul>')
    assert not has_link_list_section(f'<h2 id="x">Steps</h2><ul>{links}<li>Restart Relay.</li></ul>')
    assert not has_link_list_section('<h2 id="x">Web</h2><ul><li><a href="https://example.org">x</a></li>'
                                     '<li><a href="https://example.com">y</a></li></ul>')
    assert not has_link_list_section('<h2 id="x">One</h2><ul><li><a href="/articles/a">A</a></li></ul>')


def test_translations_link_only_to_languages_the_site_offers(tmp_path, make_app) -> None:
    from conftest import copy_content, write_article

    from helpsvc.search import build_index

    content = copy_content(tmp_path / "content")
    write_article(content, "fr-FR/sign-in.md", {"id": "sign-in", "title": "Se connecter", "locale": "fr-FR"}, "Connectez-vous.")
    build_index(content, tmp_path / "ix")
    offered = make_app(index_dir=tmp_path / "ix", locales=("en-US", "de-DE"))
    data = offered.get("/api/v1/articles/sign-in").json()
    assert "fr-FR" not in data["translations"] and "de-DE" in data["translations"]
    assert "locale=fr-FR" not in offered.get("/articles/sign-in").text
    with_french = make_app(index_dir=tmp_path / "ix", locales=("en-US", "de-DE", "fr-FR"))
    assert "fr-FR" in with_french.get("/api/v1/articles/sign-in").json()["translations"]
    assert with_french.get("/articles/sign-in", params={"locale": "fr-FR"}).status_code == 200
