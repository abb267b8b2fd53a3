"""The ASGI entry point uvicorn imports: ``helpsvc.web.asgi:app``."""

from ..settings import Settings
from .app import create_app

app = create_app(Settings.load())
