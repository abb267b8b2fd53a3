"""helpsvc: a self-hosted online help service."""

__version__ = "0.1.0"
