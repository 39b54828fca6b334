"""The ``jixiao`` command: a thin click layer over the library."""

from jixiao.cli.main import main

__all__ = ["main"]
