"""What the recognizer's text needs before it is a cell's text: the confusions it makes
between look-alike characters, undone where the cell leaves no doubt."""

from __future__ import annotations

# A cell holding only a dash-like mark is a dash ("not applicable"): the recognizer cannot tell
# the em dash from 一 (one) or a hyphen when nothing stands beside it.
DASHES = frozenset({"一", "-", "－", "—", "―", "─", "–", "_", "ー"})
DASH = "—"


def clean_cell_text(text: str) -> str:
    """Undo look-alike confusions in the text of a whole cell.

    >>> clean_cell_text("一")
    '—'
    >>> clean_cell_text("一级指标")
    '一级指标'
    """
    flat = "".join(text.split())
    if flat and set(flat) <= DASHES and len(flat) <= 2:
        return DASH if len(flat) == 1 else DASH * 2
    return text
