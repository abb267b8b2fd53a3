"""The web layer: ``create_app(settings)``, its route table, pages and their JSON twins.

Owns the application and its one error boundary (``app``), the long-lived parts
a process holds (``site``), the reader's pages and API (``reader``, ``assist``,
``feedback``), staff login and reports (``staff``, ``auth``), the OpenAPI document
(``openapi``), rendering and the reader's language (``render``, ``i18n``), the
article page cache (``pagecache``), request parameters (``params``), middleware
and health checks. May import every package but cli.
"""

from .app import create_app

__all__ = ["create_app"]
