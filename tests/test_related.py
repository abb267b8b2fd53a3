"""Related articles chosen by the build: the same lists the server would choose, kept up to
date by updates, and still worked out on the fly for builds that have none stored."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from conftest import copy_content, write_article

from helpsvc.search.docstore import FILENAME
from helpsvc.search import build_index, build_path, current_build_id
from helpsvc.search import SearchService


def _folder(index_dir: Path) -> Path:
    build_id = current_build_id(index_dir)
    assert build_id is not None
    return build_path(index_dir, build_id)


def _stored(index_dir: Path) -> dict[str, tuple[str, ...]]:
    with sqlite3.connect(_folder(index_dir) / FILENAME) as conn:
        return {k: tuple(v.split("\n")) if v else () for k, v in conn.execute("SELECT key, keys FROM related")}


def test_every_stored_list_keeps_the_rules_of_a_related_list(content_index: Path) -> None:
    stored = _stored(content_index)
    catalog = SearchService(content_index).state().catalog
    assert set(stored) == set(catalog)
    assert sum(1 for keys in stored.values() if keys) > len(stored) // 2
    for key, keys in stored.items():
        assert key not in keys and len(keys) == len(set(keys)) <= 5
        assert all(catalog[k]["locale"] == catalog[key]["locale"] for k in keys)
        titles = [catalog[k]["title"].lower() for k in keys]
        assert len(set(titles)) == len(titles) and catalog[key]["title"].lower() not in titles


FAX = ("Zephyr fax relay sends a fax through the quillon gateway. Pair the quillon gateway, "
       "pick a fax cover sheet and watch the fax relay queue.")


def test_articles_on_one_narrow_subject_name_each_other_first(tmp_path: Path) -> None:
    """A known answer: three articles share rare words no other article uses, so each one's list
    starts with the other two; a German copy and a hidden copy of the same words never appear."""
    content = copy_content(tmp_path / "content")
    cluster = {f"en-US/fax-{n}": f"Zephyr fax relay {title}" for n, title in
               enumerate(["setup", "cover sheets", "queue troubleshooting"])}
    for key, title in cluster.items():
        write_article(content, key + ".md", {"id": key.split("/")[1], "title": title}, f"{title}. {FAX}")
    write_article(content, "de-DE/fax-0.md", {"id": "fax-0", "title": "Zephyr fax relay einrichten", "locale": "de-DE"}, FAX)
    write_article(content, "en-US/fax-hidden.md", {"id": "fax-hidden", "title": "Zephyr fax relay internal",
                                                   "robots": "noindex"}, FAX)
    index_dir = tmp_path / "ix"
    build_index(content, index_dir)
    stored = _stored(index_dir)
    for key in cluster:
        assert set(stored[key][:2]) == set(cluster) - {key}, (key, stored[key])
        assert "de-DE/fax-0" not in stored[key] and "en-US/fax-hidden" not in stored[key]
    # Articles on other subjects do not pick up the fax articles: none of their rare words are shared.
    assert not any(set(cluster) & set(keys) for k, keys in stored.items() if k not in cluster and "fax" not in k)


def test_pages_show_the_stored_list(content_index: Path) -> None:
    service = SearchService(content_index)
    state = service.state()
    key = next(k for k, keys in _stored(content_index).items() if len(keys) >= 3)
    entry = state.catalog[key]
    shown = [r["id"] for r in service.related(entry["id"], entry["locale"])]
    assert shown == [state.catalog[k]["id"] for k in _stored(content_index)[key]]


def test_an_update_chooses_again_for_what_changed_and_for_lists_that_named_it(tmp_path: Path) -> None:
    content = copy_content(tmp_path / "content")
    index_dir = tmp_path / "ix"
    build_index(content, index_dir)
    before = _stored(index_dir)
    # An article that some list names is removed: no list may name it afterwards.
    named = next(k for keys in before.values() for k in keys)
    state = SearchService(index_dir).state()
    removed = state.catalog[named]["path"]
    linking = {k for k, e in state.catalog.items() if removed in e.get("links", [])}  # re-read: their links change
    (content / removed).unlink()
    write_article(content, "en-US/zz-new.md", {"id": "zz-new", "title": "Voicemail greeting recording"},
                  "Record a voicemail greeting. Change the voicemail greeting and the voicemail PIN.")
    build_index(content, index_dir)
    after = _stored(index_dir)
    assert named not in after and not any(named in keys for keys in after.values())
    fresh = SearchService(index_dir).state()
    assert after["en-US/zz-new"] == fresh.related_keys("en-US/zz-new", 5) and after["en-US/zz-new"]
    # The lists the new article's own list names are chosen again, as a full build would choose them,
    # and it joins at least one of them.
    named_back = set(after["en-US/zz-new"])
    assert all(after[k] == fresh.related_keys(k, 5) for k in named_back)
    assert any("en-US/zz-new" in after[k] for k in named_back)
    # Lists of articles that were not re-read, naming none that were, are kept as they were.
    touched = linking | {named}
    reread_lists = {k for key in linking | {"en-US/zz-new"} for k in after.get(key, ())}  # chosen again too
    kept = [k for k, keys in before.items()
            if k in after and k not in touched | reread_lists and not touched & set(keys)]
    assert kept and all(after[k] == before[k] for k in kept)


def test_a_build_without_stored_lists_works_them_out_when_asked(tmp_path: Path) -> None:
    content = copy_content(tmp_path / "content")
    index_dir = tmp_path / "ix"
    build_index(content, index_dir)
    stored = _stored(index_dir)
    with sqlite3.connect(_folder(index_dir) / FILENAME) as conn:
        conn.execute("DROP TABLE related")
    service = SearchService(index_dir)
    state = service.state()
    key = next(k for k, keys in stored.items() if keys)
    entry = state.catalog[key]
    assert [r["id"] for r in service.related(entry["id"], entry["locale"])] == [state.catalog[k]["id"] for k in stored[key]]
