"""Starting the scrubber process fails loudly, with a reason, and leaves nothing behind."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import pytest

from helpsvc.privacy.process.supervisor import ScrubberSidecar, SidecarError


def test_the_socket_has_no_path_before_the_process_is_started() -> None:
    with pytest.raises(SidecarError, match="has not been started"):
        ScrubberSidecar().socket_path


def test_a_process_that_exits_before_it_answers_is_reported_with_its_exit_code(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A folder so deep that the socket path no longer fits in a Unix socket address (108 bytes):
    # the real scrubber process starts, cannot listen, and exits.
    deep = tmp_path / ("d" * 60) / ("e" * 60)
    deep.mkdir(parents=True)
    monkeypatch.setattr(tempfile, "tempdir", str(deep))
    sidecar = ScrubberSidecar(start_timeout=60)
    with pytest.raises(SidecarError, match=r"exited with code \d+ before it was ready"):
        sidecar.start()
    assert sidecar.folder is not None and not sidecar.folder.exists()
    assert sidecar.pid is None


def test_a_process_that_does_not_answer_in_time_is_stopped(tmp_path: Path) -> None:
    sidecar = ScrubberSidecar(start_timeout=0.01)  # far less than loading the detectors takes
    with pytest.raises(SidecarError, match="did not answer within"):
        sidecar.start()
    assert sidecar.pid is None
    assert sidecar.folder is not None and not sidecar.folder.exists()


def test_an_interpreter_that_cannot_be_run_is_a_start_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "executable", "/nonexistent/python3")
    sidecar = ScrubberSidecar()
    with pytest.raises(SidecarError, match="cannot be started"):
        sidecar.start()
    assert sidecar.folder is not None and not sidecar.folder.exists()
