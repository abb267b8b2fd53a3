"""Typed errors, converted to responses at one boundary (``app.error_response``)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping


class HelpError(Exception):
    """An error a reader or client can act on: it has a status, a message for them and the headers HTTP asks of it."""

    status = 500

    def __init__(self, message: str, status: int | None = None, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.headers = dict(headers or {})
        if status is not None:
            self.status = status


class BadRequest(HelpError):
    """The request is malformed or a value is out of range."""

    status = 400


class Unauthorized(HelpError):
    """The page needs a staff login."""

    status = 401


class Forbidden(HelpError):
    """The request is understood but not allowed."""

    status = 403


class NotFoundError(HelpError):
    """Nothing exists at this address."""

    status = 404


class MethodNotAllowed(HelpError):
    """The address exists but does not take this method; ``Allow`` names those it takes (RFC 9110)."""

    status = 405

    def __init__(self, message: str, allowed: Iterable[str]) -> None:
        super().__init__(message, headers={"Allow": ", ".join(sorted(allowed))})


class PayloadTooLarge(HelpError):
    status = 413


class UnsupportedMediaType(HelpError):
    status = 415


class TooManyRequests(HelpError):
    status = 429

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message, headers={"Retry-After": str(retry_after)})
        self.retry_after = retry_after


class ServiceUnavailable(HelpError):
    """A part the request needs (the index, the store) is not working right now."""

    status = 503
