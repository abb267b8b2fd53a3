"""Typed errors, converted to responses at one boundary (``app.error_response``)."""

from __future__ import annotations


class HelpError(Exception):
    """An error a reader or client can act on: it has a status and a message for them."""

    status = 500

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
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


class PayloadTooLarge(HelpError):
    status = 413


class UnsupportedMediaType(HelpError):
    status = 415


class TooManyRequests(HelpError):
    status = 429

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class ServiceUnavailable(HelpError):
    """A part the request needs (the index, the store) is not working right now."""

    status = 503
