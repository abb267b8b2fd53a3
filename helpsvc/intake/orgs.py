"""Organisation policies: whether an organisation's readers may send feedback and
whether their searches are logged.

A client says which organisation it belongs to with the ``X-Helpsvc-Org``
header, an ``org`` query parameter on the pages it opens, or the ``org``
field of a feedback submission. Policies come from a TOML or JSON file
(``HELPSVC_ORG_POLICY_FILE``) and from the admin page; a policy set on the
admin page is kept in the database and wins over the file, so every server
sharing the database agrees.

File format (TOML; JSON with the same shape also works)::

    [default]              # readers with no organisation, and organisations not listed
    feedback = true
    search_logging = true

    [orgs.contoso]
    name = "Contoso Ltd"
    feedback = false
    search_logging = false
"""

from __future__ import annotations

import datetime as dt
import json
import re
import threading
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import BadRequest
from ..locale import N_
from ..store.sql import SQLStore
from ..store.staff import StaffStore

ORG_RE = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
ORG_HEADER = "x-helpsvc-org"


class OrgPolicyError(ValueError):
    """The organisation policy file cannot be used; the message says where and why."""


def valid_org(value: str, source: str = "org") -> str:
    """An organisation id as stored: letters, digits, dot, underscore and hyphen, at most 64 characters."""
    value = value.strip()
    if value and not ORG_RE.match(value):
        raise BadRequest(N_("'%(source)s' must be 1-64 letters, digits, '.', '_' or '-'", source=source))
    return value


@dataclass(frozen=True)
class Policy:
    feedback: bool = True
    search_logging: bool = True
    name: str = ""
    source: str = "default"  # "default", "file" or "admin"

    def as_json(self) -> dict[str, Any]:
        return {"feedback": self.feedback, "search_logging": self.search_logging, "name": self.name, "source": self.source}


def _policy(data: Any, where: str, base: Policy, source: str) -> Policy:
    if not isinstance(data, dict):
        raise OrgPolicyError(f"{where} must be a table of settings")
    unknown = sorted(set(data) - {"feedback", "search_logging", "name"})
    if unknown:
        raise OrgPolicyError(f"{where}: unknown setting {unknown[0]!r}; allowed: feedback, search_logging, name")
    for key in ("feedback", "search_logging"):
        if key in data and not isinstance(data[key], bool):
            raise OrgPolicyError(f"{where}.{key} must be true or false")
    if "name" in data and not isinstance(data["name"], str):
        raise OrgPolicyError(f"{where}.name must be text")
    return Policy(
        feedback=data.get("feedback", base.feedback),
        search_logging=data.get("search_logging", base.search_logging),
        name=data.get("name", ""),
        source=source,
    )


def load_policy_file(path: Path) -> tuple[Policy, dict[str, Policy]]:
    """The default policy and each organisation's policy from a TOML or JSON file."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise OrgPolicyError(f"cannot read the organisation policy file {path}: {exc.strerror}") from None
    try:
        data = json.loads(text) if path.suffix.lower() == ".json" else tomllib.loads(text)
    except (ValueError, tomllib.TOMLDecodeError) as exc:
        raise OrgPolicyError(f"{path}: {exc}") from None
    if not isinstance(data, dict):
        raise OrgPolicyError(f"{path}: expected a table with [default] and [orgs.NAME] sections")
    unknown = sorted(set(data) - {"default", "orgs"})
    if unknown:
        raise OrgPolicyError(f"{path}: unknown section {unknown[0]!r}; use [default] and [orgs.NAME]")
    default = _policy(data.get("default", {}), "default", Policy(), "file")
    orgs = data.get("orgs", {})
    if not isinstance(orgs, dict):
        raise OrgPolicyError(f"{path}: 'orgs' must be a table of organisations")
    policies = {}
    for org, section in orgs.items():
        if not ORG_RE.match(org):
            raise OrgPolicyError(f"{path}: organisation id {org[:70]!r} must be 1-64 letters, digits, '.', '_' or '-'")
        policies[org] = _policy(section, f"orgs.{org}", default, "file")
    return default, policies


class OrgPolicies:
    """Answers "what may this organisation do?" quickly, on every search and feedback."""

    def __init__(self, store: SQLStore, path: Path | None = None) -> None:
        self.staff = StaffStore(store)
        self.path = path
        self.default, self.file_policies = load_policy_file(path) if path else (Policy(), {})
        # Read at start and by the site's background thread (Intake.keep_current), never by a
        # request: a policy an admin sets on another worker applies here within that thread's round.
        self._admin: dict[str, Policy] = {}
        self._lock = threading.Lock()

    def refresh(self) -> None:
        """Reads the policies admins set from the store (off the request path)."""
        with self._lock:
            self._admin = {
                row.org: Policy(row.feedback, row.search_logging, row.name, "admin") for row in self.staff.org_policies()
            }

    def policy(self, org: str) -> Policy:
        if not org:
            return self.default
        admin = self._admin.get(org)
        if admin is not None:
            return admin
        return self.file_policies.get(org, self.default)

    def set(self, org: str, feedback: bool, search_logging: bool, name: str, by: str, now: dt.datetime | None = None) -> Policy:
        if not org or not ORG_RE.match(org):
            raise BadRequest(N_("the organisation id must be 1-64 letters, digits, '.', '_' or '-'"))
        self.staff.set_org_policy(org, name.strip()[:200], feedback, search_logging, now or dt.datetime.now(dt.timezone.utc), by)
        self.refresh()
        return self.policy(org)

    def listing(self) -> list[dict[str, Any]]:
        """Every organisation with a policy, from the file or the admin page, and where it came from."""
        orgs = sorted(set(self.file_policies) | set(self._admin))
        return [{"org": org, **self.policy(org).as_json()} for org in orgs]
