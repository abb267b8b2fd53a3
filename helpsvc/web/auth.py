"""Staff accounts, roles, sessions and CSRF tokens. Readers never need an account.

* Passwords are hashed with Argon2id (argon2-cffi); the clear text is never
  stored or logged.
* A session is a random token: the browser holds it in a signed, HttpOnly,
  SameSite=Lax cookie (Secure over HTTPS); the database holds only its
  SHA-256, so a copy of the database opens no session. Logging out, a new
  password or removing the account ends sessions at once.
* Every staff form carries a CSRF token: the session's own random token once
  logged in, and a signed token bound to a short-lived cookie on the login form.
* Failed logins are counted per account name (a keyed hash of it, because
  people sometimes type their password into the name box); after
  ``MAX_FAILURES`` the name is locked for a time that doubles with each
  further failure, up to ``MAX_LOCK_SECONDS``. An attempt is counted before
  its password is checked, so guesses sent in parallel, to any number of
  workers, get no more tries than guesses sent one by one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from itsdangerous import BadSignature, URLSafeTimedSerializer

from ..errors import Forbidden, TooManyRequests, Unauthorized
from ..locale import N_
from ..settings import Settings, secret_key
from ..store.sql import SQLStore
from ..store.staff import StaffStore, StaffUser

ROLES: dict[str, str] = {
    "writer": "content writer: article and feedback reports",
    "pm": "product manager: search reports",
    "admin": "everything, plus organisation policies and accounts",
    "org-admin": "one organisation's scrubbed feedback, and nothing else",
}
NAME_RE = re.compile(r"^[A-Za-z0-9._@-]{1,64}$")
MIN_PASSWORD = 10
MAX_PASSWORD = 1024
MAX_FAILURES = 5
FIRST_LOCK_SECONDS = 30
MAX_LOCK_SECONDS = 900
SESSION_COOKIE = "helpsvc_staff"
LOGIN_COOKIE = "helpsvc_login"
LOGIN_FORM_SECONDS = 3600


def _lock_seconds(failures: int) -> int:
    """How long the ``failures``-th failed attempt in a row locks a name for."""
    if failures < MAX_FAILURES:
        return 0
    return int(min(MAX_LOCK_SECONDS, FIRST_LOCK_SECONDS * 2 ** min(failures - MAX_FAILURES, 32)))


class AuthError(ValueError):
    """An account cannot be created or changed as asked; the message says why."""


@dataclass(frozen=True)
class Session:
    user: StaffUser
    csrf: str
    token_hash: str

    @property
    def role(self) -> str:
        return self.user.role


def check_name(name: str) -> str:
    if not NAME_RE.match(name):
        raise AuthError("a staff name is 1-64 letters, digits, '.', '_', '@' or '-'")
    return name


def check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise AuthError(f"the password must have at least {MIN_PASSWORD} characters")
    if len(password) > MAX_PASSWORD:
        raise AuthError(f"the password must have at most {MAX_PASSWORD} characters")
    return password


def check_role(role: str, org: str) -> tuple[str, str]:
    if role not in ROLES:
        raise AuthError(f"unknown role {role!r}; choose one of: {', '.join(ROLES)}")
    if role == "org-admin" and not org:
        raise AuthError("an org-admin needs --org: the one organisation whose data they may see")
    if role != "org-admin" and org:
        raise AuthError("only an org-admin belongs to an organisation; drop --org")
    return role, org


class Auth:
    def __init__(self, store: SQLStore, settings: Settings, key: str | None = None) -> None:
        self.staff = StaffStore(store)
        self.settings = settings
        self.key = (key or secret_key(settings)).encode("utf-8")
        # A stored hash made with other costs is upgraded at the next login (check_needs_rehash).
        self.hasher = PasswordHasher(time_cost=settings.password_time_cost, memory_cost=settings.password_memory_kib)
        self.session_seconds = int(settings.session_hours * 3600)
        self._cookies = URLSafeTimedSerializer(self.key, salt="helpsvc.staff-session")
        self._login_forms = URLSafeTimedSerializer(self.key, salt="helpsvc.login-form")
        # Verifying against this when the name is unknown makes both cases take as long.
        self._dummy_hash = self.hasher.hash(secrets.token_urlsafe(16))

    # -- accounts

    def add_user(self, name: str, role: str, password: str, org: str = "", now: dt.datetime | None = None) -> StaffUser:
        check_name(name)
        check_role(role, org)
        check_password(password)
        return self.staff.add_user(name, role, org, self.hasher.hash(password), now or _now())

    def set_password(self, name: str, password: str) -> bool:
        check_password(password)
        return self.staff.set_password(name, self.hasher.hash(password), _now())

    def remove_user(self, name: str) -> bool:
        return self.staff.remove_user(name)

    def users(self) -> list[StaffUser]:
        return self.staff.users()

    # -- logging in

    def _name_key(self, name: str) -> str:
        return hmac.new(self.key, b"login:" + name.strip().lower().encode("utf-8"), hashlib.sha256).hexdigest()

    def login(self, name: str, password: str, now: dt.datetime | None = None) -> tuple[str, Session]:
        """A new session token for a right name and password; raises Unauthorized or TooManyRequests."""
        now = now or _now()
        if not name or not password or len(name) > 200 or len(password) > MAX_PASSWORD:
            raise Unauthorized(N_("Wrong name or password."))
        key = self._name_key(name)
        allowed, locked_until = self.staff.begin_attempt(key, now, _lock_seconds)
        if not allowed:
            wait = int((dt.datetime.strptime(locked_until, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.timezone.utc) - now).total_seconds()) + 1
            raise TooManyRequests(N_("Too many failed logins for this name. Try again in %(seconds)s seconds.", seconds=wait),
                                  retry_after=max(1, wait))
        found = self.staff.password_hash(name)
        try:
            self.hasher.verify(found[1] if found else self._dummy_hash, password)
            ok = found is not None
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            ok = False
        if not ok or found is None:
            raise Unauthorized(N_("Wrong name or password."))  # already counted by begin_attempt
        user, stored_hash = found
        self.staff.clear_failures(key)
        if self.hasher.check_needs_rehash(stored_hash):
            self.staff.set_password(user.name, self.hasher.hash(password), now)
        token = secrets.token_urlsafe(32)
        session = Session(user=user, csrf=secrets.token_urlsafe(32), token_hash=_sha256(token))
        self.staff.add_session(session.token_hash, user.id, session.csrf, now, now + dt.timedelta(seconds=self.session_seconds))
        return token, session

    def cookie_value(self, token: str) -> str:
        return self._cookies.dumps(token)

    def session(self, cookie: str | None, now: dt.datetime | None = None) -> Session | None:
        """The live session a signed cookie names, or None."""
        if not cookie or len(cookie) > 500:
            return None
        try:
            token = self._cookies.loads(cookie, max_age=self.session_seconds)
        except BadSignature:
            return None
        if not isinstance(token, str):
            return None
        token_hash = _sha256(token)
        found = self.staff.session(token_hash, now or _now())
        if found is None:
            return None
        return Session(user=found[0], csrf=found[1], token_hash=token_hash)

    def logout(self, session: Session) -> None:
        self.staff.end_session(session.token_hash)

    # -- CSRF

    @staticmethod
    def check_csrf(session: Session, token: str | None) -> None:
        if not token or not hmac.compare_digest(token.encode("utf-8"), session.csrf.encode("utf-8")):
            raise Forbidden(N_("This form has expired or did not come from this site. Reload the page and try again."))

    def login_form(self) -> tuple[str, str]:
        """(cookie nonce, form token) for one login form."""
        nonce = secrets.token_urlsafe(24)
        return nonce, self._login_forms.dumps(nonce)

    def check_login_form(self, cookie_nonce: str | None, token: str | None) -> None:
        try:
            nonce = self._login_forms.loads(token or "", max_age=LOGIN_FORM_SECONDS)
        except BadSignature:
            nonce = None
        if not cookie_nonce or not isinstance(nonce, str) or not hmac.compare_digest(nonce.encode(), cookie_nonce.encode()):
            raise Forbidden(N_("The login form has expired. Reload the page and try again."))


def require(session: Session | None, roles: frozenset[str]) -> Session:
    """The session, if its role may see something; otherwise 401 (no session) or 403 (wrong role)."""
    if session is None:
        raise Unauthorized(N_("Please log in with a staff account to see reports."))
    if session.role not in roles:
        raise Forbidden(N_("Your role (%(role)s) may not see this page.", role=session.role))
    return session


def safe_next(target: str | None) -> str:
    """Where to go after logging in: only a local staff page, never another site."""
    if target and target.startswith("/reports") and not target.startswith("//") and "\\" not in target:
        return target
    return "/reports"


def _sha256(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


__all__ = ["Auth", "AuthError", "ROLES", "Session", "require", "safe_next"]
