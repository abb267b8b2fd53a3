"""Control characters in what readers send get the same answer on SQLite and on PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest

from helpsvc.intake.feedback import parse_feedback


def test_control_characters_leave_comments_but_lines_and_tabs_stay() -> None:
    given = parse_feedback({"article_id": "sign-in", "helpful": False,
                            "comment": "line one\x00\r\nline\ttwo\x07\x1b[31m red\x7f\u0085 end\u200b"})
    assert given.comment == "line one\nline\ttwo[31m red end"


@pytest.mark.parametrize("text", ["\x00", "a\x00b", "\x01\x02\x03", "\x1f", "ok\x00\x00\x00ok"])
def test_a_comment_with_control_characters_is_stored_cleaned_on_both_backends(client: Any, text: str) -> None:
    response = client.post("/api/v1/feedback", json={"article_id": "sign-in", "helpful": False, "comment": text,
                                                     "client": {"name": "Re\x00lay", "version": "1\x00", "os": "Win\x00"}})
    assert response.status_code == 201, response.text
    stored = client.app.state.site.store.feedback_by_id(response.json()["id"])
    assert stored is not None
    assert "\x00" not in (stored["comment"] or "") and all(ord(c) >= 32 or c in "\n\t" for c in stored["comment"] or "")
    assert all("\x00" not in str(value) for value in stored.values())
