"""``python -m jixiao`` runs the command line."""

from jixiao.cli.program import program

program()
