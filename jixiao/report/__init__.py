"""The spot-check report (``report.html``) and ``jixiao show``."""
