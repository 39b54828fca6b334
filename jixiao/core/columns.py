"""The words column headers are read by, as classes per role: what a header says its column is.

The words are data (``columns.toml`` beside this module, extended by the file named in the
``JIXIAO_COLUMN_WORDS`` environment variable): for each block (``indicators``, ``funds``) and
role (``level3``, ``target``, ``weight`` …), whole labels, words a label may contain, and words
that rule the role out. :func:`label_to_evidence` weighs a header cell against every class;
the layout reader puts this evidence together with what the column's cells hold and where it
stands (:mod:`jixiao.extract.layout.columns`).

>>> [(e.role, e.strength) for e in label_to_evidence("indicators", "三级指标")]
[('level3', 1.0)]
>>> [e.role for e in label_to_evidence("indicators", "具体指标")]
['level3']
>>> [e.role for e in label_to_evidence("indicators", "得分计算方法")]
[None]
>>> label_to_evidence("indicators", "某某栏")
()
"""

from __future__ import annotations

import functools
import os
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from jixiao.core.errors import ColumnWordsError
from jixiao.core.labels import base_key, label_key

#: The environment variable naming a TOML file of more column words (same shape as the built-in).
WORDS_VARIABLE = "JIXIAO_COLUMN_WORDS"
#: A role name of the words file for columns that are known to hold no field of their own.
KNOWN = "known"
BLOCKS = ("indicators", "funds")
_WORD_BASE = 0.6  # a word that covers little of its label
_WORD_SPAN = 0.3  # … up to 0.9 for a word that is the whole label but for a few characters


@dataclass(frozen=True, slots=True)
class RoleWords:
    """How headers show one role: whole ``labels``, ``words`` they contain, ``exclude`` words."""

    role: str
    labels: frozenset[str]
    words: tuple[str, ...]
    exclude: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Evidence:
    """What a header says of its column: a ``role`` (``None``: a column known to have no field)
    with a ``strength`` (1 for a whole label, less for a word it contains) and ``why``."""

    role: str | None
    strength: float
    why: str


def _classes(data: dict[str, Any], source: str) -> dict[str, dict[str, RoleWords]]:
    classes: dict[str, dict[str, RoleWords]] = {}
    for block, roles in data.items():
        if block not in BLOCKS or not isinstance(roles, dict):
            raise ColumnWordsError(f"{source}: unknown block [{block}] (one of {BLOCKS})")
        for role, entry in roles.items():
            unknown = set(entry) - {"labels", "words", "not"}
            if unknown:
                raise ColumnWordsError(
                    f"{source}: [{block}.{role}] has unknown keys {sorted(unknown)}"
                )
            classes.setdefault(block, {})[role] = RoleWords(
                role,
                frozenset(label_key(w) for w in entry.get("labels", ())),
                tuple(label_key(w) for w in entry.get("words", ())),
                tuple(label_key(w) for w in entry.get("not", ())),
            )
    return classes


def _merged(
    base: dict[str, dict[str, RoleWords]], more: dict[str, dict[str, RoleWords]]
) -> dict[str, dict[str, RoleWords]]:
    merged = {block: dict(roles) for block, roles in base.items()}
    for block, roles in more.items():
        for role, extra in roles.items():
            old = merged.setdefault(block, {}).get(role)
            merged[block][role] = (
                extra
                if old is None
                else RoleWords(
                    role,
                    old.labels | extra.labels,
                    (*old.words, *extra.words),
                    (*old.exclude, *extra.exclude),
                )
            )
    return merged


@functools.cache
def column_words() -> dict[str, dict[str, RoleWords]]:
    """Block → role → its words: the built-in file, extended by ``$JIXIAO_COLUMN_WORDS``."""
    text = resources.files("jixiao.core").joinpath("columns.toml").read_text(encoding="utf-8")
    classes = _classes(tomllib.loads(text), "columns.toml")
    extra = os.environ.get(WORDS_VARIABLE)
    if extra:
        path = Path(extra)
        try:
            more = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as error:
            raise ColumnWordsError(f"{path}: cannot read the column words ({error})") from error
        classes = _merged(classes, _classes(more, str(path)))
    return classes


def labels_of(block: str) -> dict[str, str]:
    """Whole label → role, for the roles of a block (the known columns left out)."""
    return {
        label: words.role
        for words in column_words()[block].values()
        if words.role != KNOWN
        for label in sorted(words.labels)
    }


@functools.lru_cache(maxsize=1 << 14)
def label_to_evidence(block: str, text: str) -> tuple[Evidence, ...]:
    """What a header cell's text says its column is, strongest first; empty when no class of
    ``block`` explains it. A whole label is certain; a word is weaker the less of the label it
    covers, and a ``not`` word of a role rules that role out."""
    key, base = label_key(text), base_key(text)
    if not base:
        return ()
    found: dict[str | None, Evidence] = {}
    for words in column_words()[block].values():
        role = None if words.role == KNOWN else words.role
        if key in words.labels or base in words.labels:
            found[role] = Evidence(role, 1.0, f"标签“{base}”")
            continue
        if any(word in base for word in words.exclude):
            continue
        matched = [word for word in words.words if word in base]
        if matched:
            word = max(matched, key=len)
            strength = _WORD_BASE + _WORD_SPAN * len(word) / len(base)
            if role not in found or found[role].strength < strength:
                found[role] = Evidence(role, round(strength, 3), f"含“{word}”")
    return tuple(sorted(found.values(), key=lambda e: -e.strength))
