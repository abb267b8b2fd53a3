"""The web layer: routes, pages, the JSON API and the error boundary."""

from .app import create_app

__all__ = ["create_app"]
