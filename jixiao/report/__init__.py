"""The spot-check report (``report.html``) and ``jixiao show``."""

DEFAULT_LIMIT = 300  # tables given a card, problem tables first (``--report-limit``)
