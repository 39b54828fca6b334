"""Warm the parent before forking: run one small built-in table through the reading pipeline.

Workers are forked from the parent, so whatever the parent has already imported, compiled
(regexes) or cached is free in every worker: warming the parent once saves it in each worker
(and in a worker that replaces one). The table is synthetic (fixtures/synthetic/002_short.txt,
table 1).
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from pathlib import Path

from jixiao.pipeline.runner import InputFile, file_to_result
from jixiao.score import Policy

_TABLE_LINES = (
    "# 财政项目支出绩效自评表",
    "(2024年度)",
    "项目名称\t档案数字化加工经费\t\t\t\t\t\t\t",
    "主管部门\t某市档案馆\t\t\t实施单位\t某市档案馆\t\t\t",
    "项目资金 (万元)\t\t年初预算数\t全年预算数\t全年执行数\t分值\t执行率(%)\t得分\t",
    "\t年度资金总额\t60.00\t60.00\t60.00\t10\t100.00\t10.00\t",
    "\t其中：当年财政拨款\t60.00\t60.00\t60.00\t—\t100.00\t—\t",
    "\t上年结转资金\t\t\t\t—\t\t—\t",
    "\t其他资金\t\t\t\t—\t\t—\t",
    "年度 总体 目标\t预期目标\t\t\t实际完成情况\t\t\t\t",
    "\t完成馆藏档案数字化加工50万页。\t\t\t完成数字化加工52万页。\t\t\t\t",
    "绩效 指标\t一级指标\t二级指标\t三级指标\t年度 指标值\t实际 完成值\t分值\t得分\t"
    "偏差原因分析及改进措施",
    "\t产出指标\t数量指标\t档案数字化页数\t≥50(万页)\t52万页\t30\t30\t",
    "\t\t质量指标\t数字化成果合格率\t≥98%\t99.5%\t20\t20\t",
    "\t效益指标\t社会效益指标\t档案查阅利用效率\t显著提升\t显著提升\t30\t30\t",
    "\t满意度 指标\t服务对象 满意度指标\t查档群众满意度\t≥90%\t96%\t10\t10\t",
    "\t总分\t\t\t\t\t100\t100.00\t",
)


def warm_up(policies: Sequence[Policy], *, pdf: bool = False) -> None:
    """Read and score the built-in table (with its report material) in a scratch directory;
    with ``pdf``, load the PDF stack too (worth it when several workers will read PDFs: one
    worker loads it beside this process's own start-up instead)."""
    if pdf:
        # PDFium's reader (~30 ms); pdfplumber and pdfminer load in a worker whose page needs them
        import jixiao.extract.readers.pdf.reader  # noqa: F401, PLC0415 - if asked

    with tempfile.TemporaryDirectory(prefix="jixiao-warm-") as scratch:
        path = Path(scratch) / "warm.txt"
        path.write_text("\n".join(_TABLE_LINES) + "\n", encoding="utf-8")
        file_to_result(InputFile(path, "warm.txt"), policies, material=True)
