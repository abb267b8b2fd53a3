"""Shared helpers for the staff tests: a tiny help site, staff accounts, logins and known events.

Imported by tests/test_auth.py, tests/test_reports.py and tests/test_orgs.py.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.testclient import TestClient

from helpsvc.web.auth import Auth
from helpsvc.search import build_index
from helpsvc.web.site import Site
from helpsvc.settings import Settings
from helpsvc.store import Client, Event, Feedback
from helpsvc.web import create_app

PASSWORD = "correct horse battery staple"
TODAY = dt.datetime.now(dt.timezone.utc).date()

ARTICLES = {
    "en-US/share-screen.md": """---
id: share-screen
title: Share your screen
summary: Show your screen to others in a meeting.
product: relay-desktop
topics: [meetings]
keywords: [screen sharing, present]
contexts: [client.meeting.share]
locale: en-US
updated: 2026-10-01
---

# Share your screen

Select **Share** in the meeting toolbar, then choose a window.
""",
    "en-US/reset-password.md": """---
id: reset-password
title: Reset your password
summary: Get back into your account when you forgot your password.
product: relay-web
topics: [account]
keywords: [password, forgot password]
contexts: [client.signin.reset]
locale: en-US
updated: 2026-09-12
---

# Reset your password

Select **Forgot password** on the sign-in page and follow the email.
""",
    "de-DE/share-screen.md": """---
id: share-screen
title: Bildschirm freigeben
summary: Zeigen Sie Ihren Bildschirm in einer Besprechung.
product: relay-desktop
topics: [meetings]
keywords: [bildschirmfreigabe]
contexts: [client.meeting.share]
locale: de-DE
updated: 2026-10-02
---

# Bildschirm freigeben

Wählen Sie **Freigeben** in der Besprechungsleiste.
""",
}


def scrubber() -> Any:
    """The project's scrubber when it is importable; until then, one that replaces email addresses."""
    try:
        from helpsvc.privacy import scrub  # type: ignore[attr-defined]

        return scrub
    except ImportError:
        return lambda text: re.sub(r"\S+@\S+", "{{EMAIL}}", text)


def make_site(tmp: Path, **overrides: Any) -> tuple[Starlette, Site]:
    content = tmp / "content"
    for rel, text in ARTICLES.items():
        path = content / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (content / "synonyms").mkdir(exist_ok=True)
    (content / "synonyms" / "en-US.txt").write_text("# groups\nsign in = log in\n", encoding="utf-8")
    build_index(content, tmp / "index")
    values: dict[str, Any] = {
        "content_dir": content,
        "index_dir": tmp / "index",
        "database_url": f"sqlite:///{tmp}/t.db",
        "secret_key": "test-secret-key-not-for-production",
        "rollup_interval_seconds": 0.0,
        "k_threshold": 3,
        # Real Argon2id, at the lowest costs, so the many logins of the tests stay quick.
        "password_time_cost": 1,
        "password_memory_kib": 1024,
    }
    values.update(overrides)
    settings = Settings.load(env={}, **values)
    services = Site(settings, scrub=scrubber())
    return create_app(settings, services), services


def add_staff(services: Site, name: str, role: str, org: str = "") -> None:
    services.store.migrate()
    Auth(services.store, services.settings).add_user(name, role, PASSWORD, org=org)


def login_token(client: TestClient) -> str:
    page = client.get("/login")
    assert page.status_code == 200
    found = re.search(r'name="login_token" value="([^"]+)"', page.text)
    assert found, "the login page has no form token"
    return found.group(1)


def login(client: TestClient, name: str, password: str = PASSWORD) -> Any:
    token = login_token(client)
    return client.post("/login", data={"name": name, "password": password, "login_token": token}, follow_redirects=False)


def csrf_of(client: TestClient) -> str:
    data = client.get("/api/v1/reports").json()
    return str(data["csrf_token"])


def day(n: int) -> str:
    """The day n days before today, as stored."""
    return (TODAY - dt.timedelta(days=n)).isoformat()


def event(services: Site, kind: str, visitor: str, on: str, hour: int = 10, **fields: Any) -> None:
    services.store.add_event(
        Event(kind=kind, visitor=visitor, day=on, hour=f"{on}T{hour:02d}:00Z", client=Client(name="relay"), **fields)
    )


def vote(services: Site, article_id: str, helpful: bool, visitor: str, on: str, revision: str = "rev1",
         locale: str = "en-US", reasons: tuple[str, ...] = (), comment: str | None = None, org: str = "") -> None:
    services.store.add_feedback_sync(
        Feedback(
            id=uuid.uuid4().hex, article_id=article_id, locale=locale, revision=revision, helpful=helpful,
            reasons=reasons, comment=comment, comment_dropped=False, visitor=visitor, day=on, hour=f"{on}T09:00Z",
            client=Client(name="relay", os="Windows"), org=org,
        )
    )
