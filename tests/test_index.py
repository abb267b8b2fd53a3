"""Index builds: atomic switches, pickup without restart, no half-built index ever seen."""

from __future__ import annotations

import re
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import copy_content, shared_or_skip, write_article

from helpsvc.cli import cli
from helpsvc.search import BUILDS, IndexBuildError, build_index, current_build_id, prune_builds
from helpsvc.search import SearchService


def test_build_writes_a_build_folder_and_switches_current(tmp_path: Path) -> None:
    content = copy_content(tmp_path / "content")
    report = build_index(content, tmp_path / "ix")
    assert current_build_id(tmp_path / "ix") == report.build_id
    assert (tmp_path / "ix" / BUILDS / report.build_id / "catalog.json").is_file()
    assert report.indexed >= 50 and report.skipped == []


def test_a_failed_build_leaves_current_alone(tmp_path: Path) -> None:
    content = copy_content(tmp_path / "content")
    first = build_index(content, tmp_path / "ix")
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(IndexBuildError, match="no articles"):
        build_index(empty, tmp_path / "ix")
    assert current_build_id(tmp_path / "ix") == first.build_id
    assert [p.name for p in (tmp_path / "ix" / BUILDS).iterdir()] == [first.build_id]


def test_old_builds_are_pruned_but_current_is_kept(tmp_path: Path) -> None:
    content = tmp_path / "c"
    write_article(content, "en-US/a.md", {"id": "a", "title": "A"}, "alpha")
    ids = [build_index(content, tmp_path / "ix").build_id for _ in range(5)]
    remaining = sorted(p.name for p in (tmp_path / "ix" / BUILDS).iterdir())
    assert len(remaining) == 3 and ids[-1] in remaining
    assert prune_builds(tmp_path / "ix", keep=1) and current_build_id(tmp_path / "ix") == ids[-1]


def test_running_server_picks_up_a_new_build_without_restart(tmp_path: Path, make_app) -> None:
    content = copy_content(tmp_path / "content")
    build_index(content, tmp_path / "ix")
    client = make_app(index_dir=tmp_path / "ix")
    assert client.get("/api/v1/search", params={"q": "zanzibarphone"}).json()["total"] == 0
    write_article(content, "en-US/new.md", {"id": "new-one", "title": "The zanzibarphone adapter"}, "Plug in the zanzibarphone.")
    build_index(content, tmp_path / "ix")
    hits = client.get("/api/v1/search", params={"q": "zanzibarphone"}).json()["hits"]
    assert [h["id"] for h in hits] == ["new-one"]


def test_searches_during_index_swaps_never_see_a_partial_index(tmp_path: Path) -> None:
    content = copy_content(tmp_path / "content")
    build_index(content, tmp_path / "ix")
    service = SearchService(tmp_path / "ix", check_seconds=0.0)
    expected = service.search("microphone").total
    assert expected > 0
    errors: list[BaseException] = []
    done = threading.Event()

    def rebuild() -> None:
        try:
            for _ in range(4):
                build_index(content, tmp_path / "ix")
        except BaseException as exc:  # surfaced below
            errors.append(exc)
        finally:
            done.set()

    builder = threading.Thread(target=rebuild)
    builder.start()
    seen_builds = set()
    searches = 0
    while not done.is_set() or searches < 20:
        result = service.search("microphone", correct=False, page=1 + searches % 2)
        assert result.total == expected
        seen_builds.add(result.build_id)
        searches += 1
    builder.join()
    assert not errors
    assert len(seen_builds) >= 2  # the service really did switch builds under load


def test_index_command_prints_a_summary_and_skips_with_reasons(tmp_path: Path) -> None:
    content = tmp_path / "c"
    write_article(content, "en-US/a.md", {"id": "a", "title": "Alpha"}, "alpha")
    write_article(content, "en-US/b.md", {"id": "b"}, "no title at all")
    result = CliRunner().invoke(cli, ["index", "--content", str(content), "--index", str(tmp_path / "ix"), "--quiet"])
    assert result.exit_code == 0, result.output
    assert "Indexed 1 articles" in result.output
    assert "en-US/b.md: no title" in result.output


def test_index_command_explains_a_missing_content_folder(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["index", "--content", str(tmp_path / "nope"), "--index", str(tmp_path / "ix")])
    assert result.exit_code != 0
    assert "does not exist" in result.output and "Traceback" not in result.output


def test_check_reports_file_and_line_and_fails_on_errors(tmp_path: Path) -> None:
    content = tmp_path / "c"
    write_article(content, "en-US/a.md", {"id": "a", "title": "A", "contexts": ["client.x"]}, "# A\n\nSee [b](b.md).\n\nAnd [gone](gone.md).\n")
    write_article(content, "en-US/b.md", {"id": "b", "title": "B", "contexts": ["client.x"]}, "# B\n")
    write_article(content, "en-US/c.md", {"id": "a", "title": "C"}, "# C\n")
    write_article(content, "en-US/d.md", {"id": "d"}, "no title\n")
    result = CliRunner().invoke(cli, ["check", "--content", str(content)])
    assert result.exit_code == 1
    out = result.output
    assert "en-US/a.md:10: error: broken link 'gone.md'" in out
    assert "context id 'client.x' is also mapped by en-US/a.md" in out
    assert "duplicate id 'a'" in out
    assert "en-US/d.md:1: error: no title" in out
    assert "[b](b.md)" not in out


def test_check_passes_on_the_bundled_content() -> None:
    result = CliRunner().invoke(cli, ["check"])
    assert result.exit_code == 0, result.output


def test_every_command_has_help_with_an_example() -> None:
    for name, command in cli.commands.items():
        assert command.help and "Example" in command.help, f"{name} is missing help with an example"


def test_the_shared_corpus_indexes_completely(tmp_path: Path) -> None:
    corpus = shared_or_skip("corpus")
    report = build_index(corpus, tmp_path / "ix")
    assert report.indexed == 2832 and report.skipped == []
    service = SearchService(tmp_path / "ix")
    state = service.state()
    noindex = [k for k, e in state.catalog.items() if e["noindex"]]
    marked = [p for p in corpus.rglob("*.md") if re.search(r"^robots:\s*NOI", p.read_text(encoding="utf-8"), re.I | re.M)]
    assert len(noindex) == len(marked) > 600
    # NOINDEX articles are reachable by id and by context, but search does not return them.
    entry = state.catalog[noindex[0]]
    assert service.article(entry["id"]).noindex
    hits = service.search(entry["title"], per_page=50).hits
    assert entry["path"] not in {h.path for h in hits}
    with_context = next(e for e in state.catalog.values() if e["noindex"] and e["contexts"])
    assert service.context(with_context["contexts"][0])[0]


def test_an_update_rereads_only_what_changed_and_matches_a_full_build(tmp_path: Path) -> None:
    content = copy_content(tmp_path / "content")
    first = build_index(content, tmp_path / "ix")
    (content / "en-US" / "calls-make.md").write_text(
        (content / "en-US" / "calls-make.md").read_text(encoding="utf-8") + "\nThe quorbly dialler is new.\n", encoding="utf-8")
    write_article(content, "en-US/brand-new.md", {"id": "brand-new", "title": "Brand new quorbly tips"}, "See [calls](calls-make.md).")
    (content / "en-US" / "voicemail-listen.md").unlink()
    update = build_index(content, tmp_path / "ix")
    full = build_index(content, tmp_path / "full", incremental=False)
    assert update.build_id != first.build_id
    assert update.indexed == full.indexed == first.indexed
    service, reference = SearchService(tmp_path / "ix"), SearchService(tmp_path / "full")
    # Deleted documents linger in Whoosh's term statistics until segments merge, so scores
    # may differ in the last decimals; the leading results must not.
    for query in ["quorbly", "voicemail", "listen to voicemail", "sign in error", "meeting lobby"]:
        assert [h.id for h in service.search(query).hits[:3]] == [h.id for h in reference.search(query).hits[:3]], query
    assert {h.id for h in service.search("quorbly").hits} == {"calls-make", "brand-new"}
    catalog = service.state().catalog
    assert catalog["en-US/calls-make"]["inlinks"] == reference.state().catalog["en-US/calls-make"]["inlinks"]
    # Links to the removed article now stay as they were written (check reports them).
    assert "/articles/voicemail-listen" not in service.article("voicemail-setup").html


def test_fast_term_scores_equal_whooshs_own_after_updates(tmp_path: Path) -> None:
    import numpy as np
    from whoosh.query import Term

    content = copy_content(tmp_path / "content")
    build_index(content, tmp_path / "ix")
    (content / "en-US" / "calls-make.md").write_text(
        (content / "en-US" / "calls-make.md").read_text(encoding="utf-8") + "\nMore about the headset.\n", encoding="utf-8")
    build_index(content, tmp_path / "ix")  # an update: a second segment and a deleted document
    cache = SearchService(tmp_path / "ix").state().scores
    reader = cache.searcher.reader()
    assert len(reader.leaf_readers()) == 2 and reader.has_deletions()  # the case the fast path must get right
    for field, term in [("body", "headset"), ("title", "meet"), ("terms", "audio"), ("body_de", "besprechung"), ("body", "nosuchword")]:
        fast_docs, fast_scores = cache._bm25_vector(field, term)
        slow_docs, slow_scores = cache._matcher_vector(Term(field, term))
        live = set(cache.searcher.reader().all_doc_ids())
        keep = np.array([d in live for d in fast_docs], dtype=bool)
        assert list(fast_docs[keep]) == list(slow_docs), (field, term)
        assert np.allclose(fast_scores[keep], slow_scores, rtol=1e-5), (field, term)


def test_a_build_reports_progress_to_tqdm_bars(tmp_path: Path) -> None:
    import io

    from tqdm import tqdm

    from helpsvc.progress import Progress

    shown = io.StringIO()
    bars: list[tuple[int, str]] = []

    def factory(total: int, label: str) -> Progress:
        bars.append((total, label))
        return tqdm(total=total, desc=label, file=shown)

    plain = tqdm(total=1, file=io.StringIO())
    assert isinstance(plain, Progress)  # the bar the CLI passes plugs in as it is
    plain.close()
    build_index(copy_content(tmp_path / "content"), tmp_path / "ix", progress=factory)
    labels = [label for _, label in bars]
    assert labels == ["indexing", "scoring words"]  # related lists get a bar only past 100 articles
    assert all(total > 0 for total, _ in bars)
    assert "indexing: 100%" in shown.getvalue()


def test_without_a_factory_or_with_few_steps_the_bar_shows_nothing() -> None:
    from helpsvc.progress import NO_PROGRESS, Progress, bar

    made: list[tuple[int, str]] = []

    def factory(total: int, label: str) -> Progress:
        made.append((total, label))
        return NO_PROGRESS

    assert bar(None, 500, "indexing") is NO_PROGRESS
    assert bar(factory, 0, "scoring words") is NO_PROGRESS
    assert bar(factory, 100, "related articles", more_than=100) is NO_PROGRESS
    bar(factory, 101, "related articles", more_than=100)
    assert made == [(101, "related articles")]
