"""The ``helpsvc`` command line: every capability of the service as a command.

Owns the click group and its commands: ``serve``, ``index``, ``check``, ``export`` and
``purge`` (``commands``), ``users``, ``report``, ``rollup`` and ``demo-data`` (``staff``),
``bundle`` (the offline help, ``bundle``), the synthetic demo traffic (``demo``) and what
they share (``common``). May import every other package of helpsvc; nothing imports it.
"""

from . import bundle, commands, staff  # noqa: F401  (each registers its commands on the group)
from .common import cli


def main() -> None:
    cli(prog_name="helpsvc")


__all__ = ["cli", "main"]
