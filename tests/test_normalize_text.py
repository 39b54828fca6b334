"""clean_text: raw cell text -> text for analysts; expected values written out by hand."""

from __future__ import annotations

from collections import Counter

import pytest

from jixiao.normalize import clean_text

CASES = [
    # (raw, cleaned, id)
    ("年度 总体 目标", "年度总体目标", "wrap spaces between Han"),
    ("偏差原因分析及改 进措施", "偏差原因分析及改进措施", "wrap space in a word"),
    ("偏差原因分析及改\n进措施", "偏差原因分析及改进措施", "wrap line break"),
    ("偏差原因分析及改\r\n进措施", "偏差原因分析及改进措施", "wrap CRLF"),
    ("280 人", "280人", "space before a unit"),
    ("“市政大厅” 累计访问量", "“市政大厅”累计访问量", "space after a closing quote"),
    ("ISO   9001", "ISO 9001", "Latin tokens keep one space"),
    ("  两端空白  ", "两端空白", "ends stripped"),
    ("<p>保证市政府各项工作有序运转</p>", "保证市政府各项工作有序运转", "paragraph tags"),
    ("<p>第一段</p><p>第二段</p>", "第一段第二段", "two paragraphs"),
    ("a<br/>b", "a b", "self-closing tag between Latin"),
    ('<span class="x">有效</span>', "有效", "tag with attributes"),
    ("A &amp; B", "A & B", "entity"),
    ("&lt;5%", "<5%", "escaped operator"),
    ("&nbsp;有效&nbsp;", "有效", "no-break space entity"),
    ("<5%", "<5%", "operator is not a tag"),
    ("≥５０％", "≥50%", "full-width digits and percent"),
    ("ＡＢＣ１２３", "ABC123", "full-width letters"),
    ("１２．５", "12.5", "full-width decimal point"),
    ("95﹪", "95%", "small percent sign"),
    ("其中：当年财政拨款", "其中：当年财政拨款", "Chinese colon kept"),
    ("（2024年度）", "（2024年度）", "full-width parentheses kept"),
    ("（2024 年度）", "（2024年度）", "space inside a year line"),
    ("较好地完成了各项工作。", "较好地完成了各项工作。", "full stop kept"),
    ("保证，政令", "保证，政令", "full-width comma kept"),
    ("a\u3000b", "a b", "ideographic space between Latin"),
    ("有\u3000效", "有效", "ideographic space between Han"),
    ("有\u200b效", "有效", "zero-width space"),
    ("\ufeff有效", "有效", "byte order mark"),
    ("满意度 指标", "满意度指标", "wrapped label"),
    ("产 出 指 标", "产出指标", "spaced-out label"),
    ("≥ 90 %", "≥ 90 %", "spaces between ASCII kept"),
    ("300 公 里", "300公里", "spaced unit"),
    ("达成 预期 指标", "达成预期指标", "spaced words"),
    ("", "", "empty"),
    ("   ", "", "blank"),
    ("\t\n", "", "tab and newline only"),
    ("—", "—", "dash kept"),
    ("指标1: 完成", "指标1:完成", "space before Han after ASCII colon"),
    ("APP 稳定运行", "APP稳定运行", "Latin then Han"),
    ("第 1 名", "第1名", "spaced rank"),
    ("10萬", "10萬", "traditional kept as printed"),
    ("a\xa0\xa0b", "a b", "no-break spaces collapse"),
    ("培训 、会议", "培训、会议", "space before enumeration comma"),
    ("工作…… 推进", "工作……推进", "space after ellipsis"),
]


@pytest.mark.parametrize(("raw", "cleaned"), [c[:2] for c in CASES], ids=[c[2] for c in CASES])
def test_clean_text(raw, cleaned):
    assert clean_text(raw) == cleaned


def test_text_cases_have_no_duplicate_inputs():
    counts = Counter(c[0] for c in CASES)
    assert [raw for raw, n in counts.items() if n > 1] == []
