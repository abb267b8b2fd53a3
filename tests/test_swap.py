"""An index build lives as long as its readers: a swap never closes a build a request still reads."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from conftest import copy_content, write_article

from helpsvc.search import IndexState, SearchService, build_index

NEW_WORD = "zanzibarphone"


def _read_everything(service: SearchService, state: IndexState) -> tuple[int, str, int]:
    """What a search and an article page read from a build: postings, scores, passages and HTML."""
    plan = service.plan(state, "microphone", state.chain(None), correct=False)
    scores = state.scores.scores(plan.query)
    key = state.keys[int(scores.argmax())]
    html = state.docs.html(key)
    passages = state.docs.passages(key)
    return int((scores > 0).sum()), html, len(passages)


def _is_closed(state: IndexState) -> bool:
    return bool(state.searcher.is_closed)


@pytest.fixture
def two_builds(tmp_path: Path) -> tuple[Path, Path]:
    """A content folder with its first build made; the caller makes the second one."""
    content = copy_content(tmp_path / "content")
    build_index(content, tmp_path / "ix")
    return content, tmp_path / "ix"


def _second_build(content: Path, index_dir: Path) -> str:
    write_article(content, "en-US/new.md", {"id": "new-one", "title": f"The {NEW_WORD} adapter"}, f"Plug in the {NEW_WORD}.")
    return build_index(content, index_dir).build_id


def test_a_slow_reader_keeps_its_build_open_across_a_swap_and_the_last_reader_closes_it(two_builds: tuple[Path, Path]) -> None:
    content, index_dir = two_builds
    service = SearchService(index_dir, check_seconds=0.0)
    before = _read_everything(service, service.state())
    holding, swapped = threading.Event(), threading.Event()
    seen: dict[str, object] = {}

    def slow_request() -> None:
        try:
            with service.lease() as state:
                seen["build"] = state.build_id
                holding.set()
                assert swapped.wait(60), "the swap never happened"
                seen["closed_while_held"] = _is_closed(state)
                seen["read"] = _read_everything(service, state)
                seen["has_new_article"] = "new-one" in state.by_id
                seen["state"] = state
        except BaseException as exc:  # surfaced in the main thread
            seen["error"] = exc

    reader = threading.Thread(target=slow_request)
    reader.start()
    assert holding.wait(60)
    old_build = seen["build"]
    new_build = _second_build(content, index_dir)
    assert service.refresh() and service.build_id == new_build != old_build
    # New requests are answered from the new build while the slow one still reads the old.
    assert [h.id for h in service.search(NEW_WORD).hits] == ["new-one"]
    swapped.set()
    reader.join(60)
    assert "error" not in seen, seen.get("error")
    assert seen["closed_while_held"] is False
    assert seen["read"] == before and seen["has_new_article"] is False  # the old build, in full, as before the swap
    old_state = seen["state"]
    assert isinstance(old_state, IndexState) and _is_closed(old_state)  # closed once its reader let go
    with pytest.raises(Exception):
        old_state.docs.html("en-US/sign-in")
    assert not _is_closed(service.state())
    service.close()


def test_a_build_nobody_reads_is_closed_at_the_swap(two_builds: tuple[Path, Path]) -> None:
    content, index_dir = two_builds
    service = SearchService(index_dir, check_seconds=0.0)
    old = service.state()
    assert service.search("microphone").total > 0
    _second_build(content, index_dir)
    assert service.refresh()
    assert _is_closed(old) and not _is_closed(service.state())
    service.close()


def test_leases_are_counted_so_the_build_outlives_every_reader_not_just_the_first(two_builds: tuple[Path, Path]) -> None:
    content, index_dir = two_builds
    service = SearchService(index_dir, check_seconds=0.0)
    with service.lease() as first:
        with service.lease() as second:
            assert first is second
            _second_build(content, index_dir)
            assert service.search(NEW_WORD).total == 1  # this search swaps in the new build
        assert not _is_closed(first)
        assert _read_everything(service, first)[0] > 0
    assert _is_closed(first)
    service.close()


def test_closing_the_service_leaves_the_build_to_its_last_reader(two_builds: tuple[Path, Path]) -> None:
    _, index_dir = two_builds
    service = SearchService(index_dir, check_seconds=0.0)
    with service.lease() as state:
        service.close()
        assert not _is_closed(state)
        assert _read_everything(service, state)[0] > 0
    assert _is_closed(state)
