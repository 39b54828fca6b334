"""Big text inputs made of a real table repeated between unrelated prose and tables, for the
memory test of the text reader (tests/test_text_stream.py) and its benchmark (bench/text.py)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TABLE = ROOT / "fixtures" / "real" / "tsv" / "real-001.txt"

#: Unrelated prose between two copies of the table (repeated :data:`PROSE_COPIES` times).
PROSE = (
    "说明：本部分为部门决算公开的其他内容，与绩效自评表无关，仅用于检验读取长文件的速度和内存。\n"
    "一、部门主要职责。负责本镇经济社会发展规划的组织实施，统筹推进乡村振兴和基层治理工作。\n"
    "二、机构设置情况。本部门下设党政办公室、经济发展办公室、社会事务办公室等内设机构。\n"
    "三、决算收支增减变化情况。2022年度收入总计1,234.56万元，比上年增加12.34万元，增长1.0%。\n"
)
PROSE_COPIES = 60
#: A small table that is not a 自评表, after the prose.
OTHER_TABLE = (
    "收入支出决算总表\n"
    "项目\t行次\t金额\t项目\t行次\t金额\n"
    "一般公共预算财政拨款收入\t1\t1,234.56\t一般公共服务支出\t32\t456.78\n"
    "本年收入合计\t30\t1,234.56\t本年支出合计\t60\t1,200.00\n"
    "\n"
)


def make_text_file(path: Path, megabytes: float) -> tuple[int, int]:
    """Write a file of about ``megabytes`` MB; returns its size in bytes and its tables."""
    table = TABLE.read_text(encoding="utf-8").rstrip("\n") + "\n\n"
    block = (table + PROSE * PROSE_COPIES + OTHER_TABLE).encode("utf-8")
    copies = max(1, round(megabytes * 1_000_000 / len(block)))
    with path.open("wb") as handle:
        for _ in range(copies):
            handle.write(block)
    return path.stat().st_size, copies
