"""Keys that join the same project and the same indicator across files and years.

A publisher prints the same project's name a little differently from one report to the next:
with a year in front (``2023年``, ``2023年度``), in full-width characters, with spaces,
punctuation or a ``<p>`` tag, in traditional characters, with a budget code in front
(``51000021R000000019951-``, ``219-``) and with or without a 项目/资金/经费 ending. A key is the
name without all of these, so that those spellings give one key:

1. width folded (NFKC), tags removed, traditional characters made simplified
   (:func:`jixiao.core.labels.label_key`);
2. a leading budget code (three or more digits or capital letters then ``-``) removed;
3. every space, punctuation mark and symbol removed (``【体制】`` → ``体制``);
4. a leading year (``2023年``, ``2023年度``, ``2023``) removed;
5. for a project's name only, the endings of
   :data:`~jixiao.normalize.vocab.PROJECT_NAME_SUFFIXES` removed from the end, again and again,
   while at least :data:`~jixiao.normalize.vocab.PROJECT_NAME_MIN_CHARS` characters remain.

``project_key`` is ``<department key>|<name key>`` (:func:`table_to_project_key`); an
``indicator_key`` is the 三级指标's key, ``#2`` … added to the second and later indicators of the
same key in one table (:func:`levels_to_indicator_keys`). Two different projects whose names
differ only by these endings get one key: the duplicate check (:mod:`jixiao.score.panel`)
still compares their numbers before calling them the same table.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Iterable

import regex

from jixiao.core.labels import label_key
from jixiao.normalize.vocab import PROJECT_NAME_MIN_CHARS, PROJECT_NAME_SUFFIXES

_CODE = regex.compile(
    r"""^[0-9A-Z]{3,}   # a budget or organisation code: 219, 51000021R000000019951
        [-_]            # joined to the name by a hyphen or an underscore
    """,
    regex.VERBOSE,
)
_PUNCTUATION = regex.compile(r"[\p{P}\p{S}\p{Z}\s]+")
_YEAR = regex.compile(
    r"""^(?:19|20)\d{2}   # a year: 2023
        (?:年度|年)?       # written as 2023年 or 2023年度, or bare
    """,
    regex.VERBOSE,
)


def text_to_key(text: str | None) -> str:
    """A name or label made comparable across reports (steps 1–4 of the module's rules).

    >>> text_to_key("２０２３年度 委托业务项目"), text_to_key("<p>水土保持監測</p>")
    ('委托业务项目', '水土保持监测')
    >>> text_to_key("51000021R000000019951-工资性支出"), text_to_key("【体制】自管道路")
    ('工资性支出', '体制自管道路')
    >>> text_to_key(None), text_to_key("  ")
    ('', '')
    """
    if not text:
        return ""
    folded = label_key(text)
    folded = _CODE.sub("", unicodedata.normalize("NFKC", folded))
    return _YEAR.sub("", _PUNCTUATION.sub("", folded))


def name_to_key(name: str | None) -> str:
    """A project's name as a key: :func:`text_to_key` without 项目/资金/经费 endings.

    >>> name_to_key("村级补助及运转经费"), name_to_key("2022年村级补助及运转项目资金")
    ('村级补助及运转', '村级补助及运转')
    >>> name_to_key("项目经费"), name_to_key("區級森林防火專項經費")
    ('项目', '区级森林防火')
    """
    key = text_to_key(name)
    changed = True
    while changed:
        changed = False
        for suffix in PROJECT_NAME_SUFFIXES:
            if key.endswith(suffix) and len(key) - len(suffix) >= PROJECT_NAME_MIN_CHARS:
                key = key[: -len(suffix)]
                changed = True
                break
    return key


def table_to_project_key(department: str | None, project_name: str | None) -> str | None:
    """``<department key>|<name key>``; none when both are empty (nothing names the project).

    A 部门整体 table has no project name: its key is the department's, ``甲局|``.

    >>> table_to_project_key("219-池州市贵池区棠溪镇人民政府", "委托业务项目")
    '池州市贵池区棠溪镇人民政府|委托业务'
    >>> table_to_project_key("池州市贵池区 棠溪镇人民政府", "2023年度委託業務")
    '池州市贵池区棠溪镇人民政府|委托业务'
    >>> table_to_project_key(None, None) is None, table_to_project_key("农业农村厅", None)
    (True, '农业农村厅|')
    """
    department_key, name_key = text_to_key(department), name_to_key(project_name)
    if not department_key and not name_key:
        return None
    return f"{department_key}|{name_key}"


def levels_to_indicator_keys(level3: Iterable[str | None]) -> list[str | None]:
    """The ``indicator_key`` of each 三级指标 of one table, in order: :func:`text_to_key` of its
    text, with ``#2``, ``#3`` … on a key seen before in the table; none for an empty one.

    >>> levels_to_indicator_keys(["培训人次", "培 训 人 次", None, "满意度（%）"])
    ['培训人次', '培训人次#2', None, '满意度']
    """
    seen: Counter[str] = Counter()
    keys: list[str | None] = []
    for text in level3:
        key = text_to_key(text)
        if not key:
            keys.append(None)
            continue
        seen[key] += 1
        keys.append(key if seen[key] == 1 else f"{key}#{seen[key]}")
    return keys
