"""Rewrite the problem-code tables of ``docs/problems.md`` from the registry
(``jixiao/core/problems.py``).

Run ``python -m tests.docs_problems`` after changing the registry; ``tests/test_problems.py``
fails while the page and the registry differ.
"""

from __future__ import annotations

from pathlib import Path

from jixiao.core.problems import codes_to_markdown

PAGE = Path(__file__).resolve().parent.parent / "docs" / "problems.md"
START, END = "<!-- problem-codes:start -->\n", "<!-- problem-codes:end -->\n"


def page_tables(text: str) -> str:
    """The page's generated section (between the markers)."""
    return text[text.index(START) + len(START) : text.index(END)]


def with_tables(text: str, tables: str) -> str:
    return text[: text.index(START) + len(START)] + tables + text[text.index(END) :]


def main() -> None:
    text = PAGE.read_text(encoding="utf-8")
    PAGE.write_text(with_tables(text, codes_to_markdown()), encoding="utf-8")


if __name__ == "__main__":
    main()
