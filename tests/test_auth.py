"""Staff login: who may see which report, sessions, CSRF, lockout, and passwords kept out of disk and logs."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient

from conftest_staff import PASSWORD, add_staff, csrf_of, login, login_token, make_site
import helpsvc.cli as cli_module
from helpsvc.web.auth import MAX_FAILURES, ROLES
from helpsvc.reports import REPORTS

# A query string each report needs to answer 200 for a role allowed to see it.
NEEDS = {"article": "?id=share-screen"}
CHEAP_HASH = {"HELPSVC_SECRET_KEY": "k" * 40, "HELPSVC_PASSWORD_TIME_COST": "1", "HELPSVC_PASSWORD_MEMORY_KIB": "1024"}


@pytest.fixture
def site(tmp_path: Path, database_url: str):
    app, services = make_site(tmp_path, database_url=database_url)
    with TestClient(app) as client:
        yield app, services, client


def test_every_report_refuses_anonymous_requests(site) -> None:
    _, _, client = site
    page = client.get("/reports", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"].startswith("/login")
    assert client.get("/api/v1/reports").status_code == 401
    for slug in REPORTS:
        query = NEEDS.get(slug, "")
        html = client.get(f"/reports/{slug}{query}", follow_redirects=False)
        assert html.status_code == 303, slug
        assert html.headers["location"].startswith("/login?next=%2Freports%2F" + slug)
        api = client.get(f"/api/v1/reports/{slug}{query}")
        assert api.status_code == 401, slug
        assert api.json()["error"]["message"].startswith("Please log in")
        assert client.get(f"/reports/{slug}.csv{query}").status_code == 401, slug


def test_each_role_sees_its_reports_and_gets_403_for_the_rest(tmp_path: Path) -> None:
    app, services = make_site(tmp_path)
    for role in ROLES:
        add_staff(services, f"user-{role}", role, org="contoso" if role == "org-admin" else "")
    seen: dict[str, set[str]] = {}
    with TestClient(app):
        for role in ROLES:
            client = TestClient(app)  # a cookie jar of its own; the app is already started above
            if True:
                assert login(client, f"user-{role}").status_code == 303
                seen[role] = set()
                for slug, report in REPORTS.items():
                    query = NEEDS.get(slug, "")
                    statuses = {
                        client.get(f"/reports/{slug}{query}").status_code,
                        client.get(f"/api/v1/reports/{slug}{query}").status_code,
                        client.get(f"/reports/{slug}.csv{query}").status_code,
                    }
                    if role in report.roles:
                        assert statuses == {200}, (role, slug, statuses)
                        seen[role].add(slug)
                    else:
                        assert statuses == {403}, (role, slug, statuses)
    assert seen["writer"] == {"articles", "article", "synonyms"}
    assert seen["pm"] == {"search", "synonyms"}
    assert seen["org-admin"] == {"org-feedback"}
    assert seen["admin"] == set(REPORTS)


def test_login_sets_a_hardened_cookie_and_logout_ends_the_session(site) -> None:
    _, services, client = site
    add_staff(services, "wendy", "writer")
    response = login(client, "wendy")
    assert response.status_code == 303 and response.headers["location"] == "/reports"
    cookie = next(v for v in response.headers.get_list("set-cookie") if v.startswith("helpsvc_staff="))
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/" in cookie
    assert "Secure" not in cookie  # served over plain HTTP here
    old_cookie = client.cookies.get("helpsvc_staff")
    assert client.get("/api/v1/reports/articles").status_code == 200
    assert client.get("/api/v1/reports/articles").headers["cache-control"] == "no-store"
    csrf = csrf_of(client)
    assert client.post("/logout", data={"csrf_token": csrf}, follow_redirects=False).status_code == 303
    assert client.get("/api/v1/reports/articles").status_code == 401
    # The old cookie is dead on the server too, not only deleted in this browser.
    replay = TestClient(client.app)
    replay.cookies.set("helpsvc_staff", old_cookie)
    assert replay.get("/api/v1/reports/articles").status_code == 401


def test_cookie_is_secure_over_https(tmp_path: Path) -> None:
    app, services = make_site(tmp_path)
    add_staff(services, "wendy", "writer")
    with TestClient(app, base_url="https://help.example") as client:
        response = login(client, "wendy")
        cookie = next(v for v in response.headers.get_list("set-cookie") if v.startswith("helpsvc_staff="))
        assert "Secure" in cookie


def test_tampered_or_foreign_cookies_open_no_session(site) -> None:
    _, services, client = site
    add_staff(services, "wendy", "writer")
    login(client, "wendy")
    good = client.cookies.get("helpsvc_staff")
    assert good
    for forged in (good[:-2] + ("AA" if not good.endswith("AA") else "BB"), "not-a-session", good + "x"):
        other = TestClient(client.app)
        other.cookies.set("helpsvc_staff", forged)
        assert other.get("/api/v1/reports/articles").status_code == 401
    same = TestClient(client.app)
    same.cookies.set("helpsvc_staff", good)
    assert same.get("/api/v1/reports/articles").status_code == 200


def test_wrong_passwords_lock_the_name_out(site) -> None:
    _, services, client = site
    add_staff(services, "wendy", "writer")
    for _ in range(MAX_FAILURES):
        response = login(client, "wendy", "wrong password!")
        assert response.status_code == 401
        assert "Wrong name or password." in response.text
    locked = login(client, "wendy", PASSWORD)
    assert locked.status_code == 429
    assert int(locked.headers["retry-after"]) > 0
    assert client.get("/api/v1/reports/articles").status_code == 401
    # Unknown names are locked out the same way, so a lockout tells nothing about which names exist.
    for _ in range(MAX_FAILURES):
        assert login(client, "nobody", "whatever123").status_code == 401
    assert login(client, "nobody", "whatever123").status_code == 429


def test_parallel_guesses_from_several_workers_are_bounded_by_the_lockout(site, database_url: str) -> None:
    """Guesses sent all at once, through two workers' own connections, get no more tries than one by one."""
    import threading

    from helpsvc.web.auth import Auth
    from helpsvc.errors import TooManyRequests, Unauthorized
    from helpsvc.store import open_store

    _, services, _ = site
    add_staff(services, "wendy", "writer")
    stores = [open_store(database_url) for _ in range(2)]  # two workers, each with its own writer
    workers = [Auth(store, services.settings) for store in stores]
    guesses = 24
    start = threading.Barrier(guesses)
    outcomes: list[str] = []
    lock = threading.Lock()

    def guess(n: int) -> None:
        start.wait()
        try:
            workers[n % 2].login("wendy", f"wrong guess {n}")
            outcome = "logged in"
        except Unauthorized:
            outcome = "checked"
        except TooManyRequests:
            outcome = "locked"
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(guesses)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    try:
        assert len(outcomes) == guesses and "logged in" not in outcomes
        assert outcomes.count("checked") == MAX_FAILURES, outcomes  # exactly as many as one at a time
        assert outcomes.count("locked") == guesses - MAX_FAILURES
        with pytest.raises(TooManyRequests):  # the right password waits out the lock too
            workers[0].login("wendy", PASSWORD)
    finally:
        for store in stores:
            store.close()


def test_one_good_login_resets_the_failure_count(site) -> None:
    _, services, client = site
    add_staff(services, "wendy", "writer")
    for _ in range(MAX_FAILURES - 1):
        assert login(client, "wendy", "wrong password!").status_code == 401
    assert login(client, "wendy").status_code == 303
    client.cookies.clear()
    for _ in range(MAX_FAILURES - 1):
        assert login(client, "wendy", "wrong password!").status_code == 401
    assert login(client, "wendy").status_code == 303


def test_forms_without_a_valid_csrf_token_are_refused(site) -> None:
    _, services, client = site
    add_staff(services, "ada", "admin")
    # The login form needs its token and the cookie it was issued with.
    assert client.post("/login", data={"name": "ada", "password": PASSWORD}).status_code == 403
    token = login_token(client)
    stranger = TestClient(client.app)
    assert stranger.post("/login", data={"name": "ada", "password": PASSWORD, "login_token": token}).status_code == 403
    assert login(client, "ada").status_code == 303
    # Staff forms and JSON actions need the session's token.
    assert client.post("/logout", data={"csrf_token": "forged"}).status_code == 403
    assert client.get("/api/v1/reports/articles").status_code == 200  # still logged in
    form = {"org": "contoso", "name": "Contoso", "feedback": "on", "search_logging": "on"}
    assert client.post("/reports/orgs", data=form).status_code == 403
    assert client.post("/reports/orgs", data={**form, "csrf_token": "forged"}).status_code == 403
    body = {"org": "contoso", "feedback": False, "search_logging": True}
    assert client.post("/api/v1/reports/orgs", json=body).status_code == 403
    assert client.post("/api/v1/reports/orgs", json=body, headers={"X-CSRF-Token": "forged"}).status_code == 403
    synonym = {"locale": "en-US", "from_query": "screen share", "to_query": "share screen", "decision": "accept"}
    assert client.post("/reports/synonyms", data=synonym).status_code == 403
    assert services.intake.orgs.policy("contoso").feedback is True
    assert "screen share" not in (Path(services.settings.content_dir) / "synonyms" / "en-US.txt").read_text()
    # With the token, the same form works.
    csrf = csrf_of(client)
    assert client.post("/reports/orgs", data={**form, "feedback": "", "csrf_token": csrf}, follow_redirects=False).status_code == 303
    assert services.intake.orgs.policy("contoso").feedback is False


def test_next_only_leads_to_local_report_pages(site) -> None:
    _, services, client = site
    add_staff(services, "wendy", "writer")
    for target, expected in (("https://evil.example/", "/reports"), ("//evil.example", "/reports"),
                             ("/reports/articles?locale=de-DE", "/reports/articles?locale=de-DE")):
        client.cookies.clear()
        token = login_token(client)
        response = client.post("/login", data={"name": "wendy", "password": PASSWORD, "login_token": token, "next": target},
                               follow_redirects=False)
        assert response.headers["location"] == expected


def test_passwords_are_never_stored_or_logged_in_clear(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    app, services = make_site(tmp_path)
    db = str(tmp_path / "t.db")
    secret = "Sekrit-Passw0rd-for-test"
    runner = CliRunner()
    result = runner.invoke(cli_module.cli, ["users", "add", "maria", "--role", "writer", "--db", db],
                           input=f"{secret}\n{secret}\n", env=CHEAP_HASH)
    assert result.exit_code == 0, result.output
    with TestClient(app) as client:
        assert login(client, "maria", secret).status_code == 303
        client.cookies.clear()
        # A password typed into the name box must not be kept either.
        assert login(client, secret, "anything-at-all").status_code == 401
    on_disk = b"".join(p.read_bytes() for p in tmp_path.glob("t.db*"))
    assert secret.encode() not in on_disk
    assert b"$argon2id$" in on_disk
    assert secret not in caplog.text
    assert secret not in result.output


def test_users_commands_add_list_passwd_remove(tmp_path: Path) -> None:
    db = str(tmp_path / "u.db")
    env = CHEAP_HASH
    runner = CliRunner()
    run = lambda *args, input=None: runner.invoke(cli_module.cli, [*args, "--db", db], input=input, env=env)  # noqa: E731
    assert run("users", "add", "it-contoso", "--role", "org-admin", "--org", "contoso", input=f"{PASSWORD}\n{PASSWORD}\n").exit_code == 0
    refused = run("users", "add", "bob", "--role", "org-admin", input=f"{PASSWORD}\n{PASSWORD}\n")
    assert refused.exit_code != 0 and "needs --org" in refused.output
    short = run("users", "add", "bob", "--role", "pm", input="short\nshort\n")
    assert short.exit_code != 0 and "at least 10 characters" in short.output
    listing = run("users", "list")
    assert re.search(r"it-contoso\s+org-admin\s+contoso", listing.output)
    assert "bob" not in listing.output
    assert run("users", "passwd", "it-contoso", input="another password\nanother password\n").exit_code == 0
    assert run("users", "remove", "it-contoso").exit_code == 0
    assert run("users", "remove", "it-contoso").exit_code != 0
    assert "No staff accounts" in run("users", "list").output


@pytest.mark.parametrize("name", ["users", "report", "rollup", "demo-data"])
def test_staff_commands_have_help_with_an_example(name: str) -> None:
    command = cli_module.cli.commands[name]
    assert command.help and "Example:" in command.help
    for sub in getattr(command, "commands", {}).values():
        assert sub.help and "Example:" in sub.help, sub.name
