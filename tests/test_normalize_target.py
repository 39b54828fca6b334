"""parse_target: one row per 年度指标值 as printed, expected values written out by hand.

A unit is written ``"次"`` when its text is its base and its scale 1, else as
``(text, base, scale)``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import pytest

from jixiao.normalize import parse_target
from tests.normalize_cases import decimal_of, unit_of

PCT = ("%", "%", "1")
WAN = ("万", "", "1E4")
WAN_YUAN = ("万元", "元", "1E4")


@dataclass(frozen=True)
class Case:
    text: str
    kind: str
    op: str = ""
    value: str | None = None
    unit: str | tuple[str, str, str] | None = None
    direction: str = ""
    upper: str | None = None
    indicator: str | None = None
    group: str | None = None
    reason: str | None = None  # a part of the expected reason, when it matters


def N(text, op, value, unit=None, direction="higher", **kw):  # noqa: N802 - a table shorthand
    return Case(text, "numeric", op, value, unit, direction, **kw)


def Z(text, op, unit=None, **kw):  # noqa: N802
    return Case(text, "zero", op, "0", unit, "lower", **kw)


def R(text, rank):  # noqa: N802
    return Case(text, "rank", "<=", rank, None, "lower")


def G(text, low, high, unit=None):  # noqa: N802
    return Case(text, "range", "between", low, unit, "", upper=high)


def D(text):  # noqa: N802
    return Case(text, "date")


def Q(text, reason=None):  # noqa: N802
    return Case(text, "qualitative", reason=reason)


def U(text, reason):  # noqa: N802
    return Case(text, "unparsed", reason=reason)


SEED = [
    N("≥200(次)", ">=", "200", "次"),
    N("≥90(%)", ">=", "90", PCT),
    N("≥50%", ">=", "50", PCT),
    N("≥90%", ">=", "90", PCT),
    Z("=0%", "=", PCT),
    N("≥4次", ">=", "4", "次"),
    N("≤5%", "<=", "5", PCT, "lower"),
    N("≥40次", ">=", "40", "次"),
    N("≥3(次)", ">=", "3", "次"),
    N("≥95%", ">=", "95", PCT),
    R("前五名", "5"),
    N("≥2800(万)", ">=", "2800", WAN),
    N("=100%", "=", "100", PCT, reason="scored like ≥"),
    N("≥35(亿次)", ">=", "35", ("亿次", "次", "1E8")),
    N("≥1次", ">=", "1", "次"),
    N("≥60%", ">=", "60", PCT),
    N("≥200 人", ">=", "200", "人"),
    N("≥5(次)", ">=", "5", "次"),
    N("≥1 次", ">=", "1", "次"),
]

SYMBOLS = [
    N("≧735人次", ">=", "735", "人次"),
    N("≧735", ">=", "735"),
    N(">=90%", ">=", "90", PCT),
    N("⩾90%", ">=", "90", PCT),
    N("＞=90%", ">=", "90", PCT),
    N("＞＝90%", ">=", "90", PCT),
    N("≥ 90 %", ">=", "90", PCT),
    N("≥９０％", ">=", "90", PCT),
    N("≤10%", "<=", "10", PCT, "lower"),
    N("≦10%", "<=", "10", PCT, "lower"),
    N("<=10%", "<=", "10", PCT, "lower"),
    N("⩽10%", "<=", "10", PCT, "lower"),
    N("＜=10%", "<=", "10", PCT, "lower"),
    N(">80%", ">", "80", PCT),
    N("＞80%", ">", "80", PCT),
    N("<3%", "<", "3", PCT, "lower"),
    N("＜3%", "<", "3", PCT, "lower"),
    N("&lt;3%", "<", "3", PCT, "lower"),
    N("＝100%", "=", "100", PCT),
    N("═100%", "=", "100", PCT),
    N("==100%", "=", "100", PCT),
    N("= 100 %", "=", "100", PCT),
    N("═ 735 人次", "=", "735", "人次"),
    N("≥1,000人次", ">=", "1000", "人次"),
    N("≤0.5‰", "<=", "0.5", ("‰", "%", "0.1"), "lower"),
]

WORDS = [
    N("不低于95%", ">=", "95", PCT, reason="operator ≥"),
    N("不少于10次", ">=", "10", "次"),
    N("不小于90%", ">=", "90", PCT),
    N("大于等于90%", ">=", "90", PCT),
    N("大于或等于90%", ">=", "90", PCT),
    N("达到95%", ">=", "95", PCT),
    N("至少3场", ">=", "3", "场"),
    N("95%以上", ">=", "95", PCT),
    N("95%及以上", ">=", "95", PCT),
    N("不高于5%", "<=", "5", PCT, "lower"),
    N("不超过30万元", "<=", "30", WAN_YUAN, "lower"),
    N("不多于3次", "<=", "3", "次", "lower"),
    N("小于等于2%", "<=", "2", PCT, "lower"),
    N("小于或等于2%", "<=", "2", PCT, "lower"),
    N("5%以内", "<=", "5", PCT, "lower"),
    N("5%以下", "<=", "5", PCT, "lower"),
    N("5%及以下", "<=", "5", PCT, "lower"),
    N("控制在5%以内", "<=", "5", PCT, "lower"),
    N("控制在100万元以内", "<=", "100", WAN_YUAN, "lower"),
    N("控制在3天", "<=", "3", "天", "lower"),
    N("低于5%", "<", "5", PCT, "lower"),
    N("小于1%", "<", "1", PCT, "lower"),
    N("少于3起", "<", "3", "起", "lower"),
    N("高于80%", ">", "80", PCT),
    N("大于80%", ">", "80", PCT),
    N("超过90%", ">", "90", PCT),
    N("多于5个", ">", "5", "个"),
    N("等于100%", "=", "100", PCT),
    N("3个工作日内", "<=", "3", "个工作日", "lower"),
    N("30天以内", "<=", "30", "天", "lower"),
    N("5个工作日之内", "<=", "5", "个工作日", "lower"),
    N("不低于95%以上", ">=", "95", PCT),
    N("达到≥95%", ">=", "95", PCT),
    N("高于90%以上", ">", "90", PCT),
    N("≥95%以上", ">=", "95", PCT),
    N("≤5%以内", "<=", "5", PCT, "lower"),
    N("不 低 于 95%", ">=", "95", PCT),
    N("控制在 5% 以 内", "<=", "5", PCT, "lower"),
    N("不低於95%", ">=", "95", PCT),
    N("2个月内", "<=", "2", "个月", "lower"),
    N("≤3个月", "<=", "3", "个月", "lower"),
    N("不超过24小时", "<=", "24", "小时", "lower"),
    U("≥5%以下", "conflicting operators"),
    U("不低于5%以内", "conflicting operators"),
    U("≤95%以上", "conflicting operators"),
]

NO_OPERATOR = [
    N("100%", "", "100", PCT, reason="no operator; default higher"),
    N("29.5亩", "", "29.5", "亩"),
    N("8755", "", "8755"),
    N("95%", "", "95", PCT, indicator="服务对象满意度"),
    N("90%", "", "90", PCT, group="社会效益指标"),
    N("2%", "", "2", PCT, "lower", indicator="公文出错率", reason="indicator name contains 出错率"),
    N("5万元", "", "5", WAN_YUAN, "lower", indicator="单位培训成本"),
    N("10万元", "", "10", WAN_YUAN, "lower", indicator="会议费用"),
    N("0.5%", "", "0.5", PCT, "lower", indicator="林业有害生物受害率"),
    N("1%", "", "1", PCT, "lower", indicator="农作物成灾率"),
    N("2%", "", "2", PCT, "lower", indicator="资金结余率"),
    N("5%", "", "5", PCT, "lower", indicator="预算调整率"),
    N("3%", "", "3", PCT, "lower", indicator="信息错误率"),
    N("5件", "", "5", "件", "lower", indicator="群众有效投诉"),
    N("1起", "", "1", "起", "lower", indicator="安全生产事故"),
    N("3%", "", "3", PCT, "lower", group="成本指标", reason="no operator; group 成本指标"),
    N("20万元", "", "20", WAN_YUAN, "lower", group="经济成本指标"),
    N("100", "", "100", None, "lower", group="生态环境成本指标"),
    N("1", "", "1", None, "lower", group="社会成本指标"),
    N("50", "", "50", None, "lower", indicator="人均成本", group="产出指标"),
    N("12个", "", "12", "个", "higher", indicator="新建站点数", group="数量指标"),
    N("≥90%", ">=", "90", PCT, "higher", indicator="公文出错率", reason="operator ≥"),
    N("6次", "", "6", "次", "higher", indicator="培训次数"),
]

ZERO = [
    Z("0起", "", "起"),
    Z("0人次", "", "人次"),
    Z("≤0", "<="),
    Z("0", ""),
    Z("0%", "", PCT),
    Z("≤0%", "<=", PCT),
    Z("＝0", "="),
    Z("=0起", "=", "起"),
    Z("0件", "", "件"),
    Z("0.0%", "", PCT),
    Z("零起", "", "起"),
    Z("控制在0起", "<=", "起"),
    Z("0 起", "", "起"),
    Z("=0 %", "=", PCT),
    N("≥0", ">=", "0", None, "higher"),
    N("≥0次", ">=", "0", "次", "higher"),
]

NUMBERS = [
    N("1,234.5元", "", "1234.5", "元"),
    N("１２３个", "", "123", "个"),
    N("12.50%", "", "12.50", PCT),
    N("1.2万人", "", "1.2", ("万人", "人", "1E4")),
    N("10萬", "", "10", WAN),
    N("10万元", "", "10", WAN_YUAN),
    N("2亿元", "", "2", ("亿元", "元", "1E8")),
    N("620.82万元", "", "620.82", WAN_YUAN),
    N("3万亩", "", "3", ("万亩", "亩", "1E4")),
    N("50万人次", "", "50", ("万人次", "人次", "1E4")),
    N("5千人", "", "5", ("千人", "人", "1E3")),
    N("3000(万)", "", "3000", WAN),
    N("≥1.2万人", ">=", "1.2", ("万人", "人", "1E4")),
    N("两千", "", "2000"),
    N("三次", "", "3", "次"),
    N("十二个", "", "12", "个"),
    N("百分之九十", "", "90", PCT),
    N("百分之百", "", "100", PCT),
    N("三点五万元", "", "3.5", WAN_YUAN),
    N("一百二十人", "", "120", "人"),
    N("两个", "", "2", "个"),
    N("五个工作日内", "<=", "5", "个工作日", "lower"),
    N("不少于三次", ">=", "3", "次"),
    N("不低于百分之九十", ">=", "90", PCT),
    N("一万人次", "", "10000", "人次"),
    N("开展一次", "", "1", "次"),
    N("叁场", "", "3", "场"),
    N("300 公 里", "", "300", ("公里", "米", "1000")),
    N("1 2 个", "", "12", "个"),
    N("0.5", "", "0.5"),
    N("≥99.9%", ">=", "99.9", PCT),
    N("≥１００％", ">=", "100", PCT),
    N("≥1．5万元", ">=", "1.5", WAN_YUAN),
    N("≥100万", ">=", "100", WAN),
    N("≥1亿", ">=", "1", ("亿", "", "1E8")),
    N("≥10.5亿次", ">=", "10.5", ("亿次", "次", "1E8")),
    N("≥8萬人", ">=", "8", ("万人", "人", "1E4")),
    N("≥2千万元", ">=", "2", ("千万元", "元", "1E7")),
]

UNITS = [
    N("≤150元/人、天", "<=", "150", "元/人、天", "lower"),
    N("≥2次/年", ">=", "2", "次/年"),
    N("≥1次/季度", ">=", "1", "次/季度"),
    N("≥30户", ">=", "30", "户"),
    N("≥6组", ">=", "6", "组"),
    N("≥3项", ">=", "3", "项"),
    N("≥4份", ">=", "4", "份"),
    N("≥10篇", ">=", "10", "篇"),
    N("≥20件", ">=", "20", "件"),
    N("≥15例", ">=", "15", "例"),
    N("≥5种", ">=", "5", "种"),
    N("≥100只", ">=", "100", "只"),
    N("≥50头", ">=", "50", "头"),
    N("≥1000亩", ">=", "1000", "亩"),
    N("≥1.5万亩", ">=", "1.5", ("万亩", "亩", "1E4")),
    N("≥266米", ">=", "266", "米"),
    N("≥20厘米", ">=", "20", ("厘米", "米", "0.01")),
    N("≥12公里", ">=", "12", ("公里", "米", "1000")),
    N("≤15天", "<=", "15", "天", "lower"),
    N("≤5个工作日", "<=", "5", "个工作日", "lower"),
    N("≥90分", ">=", "90", "分"),
    N("≥50名", ">=", "50", "名"),
    N("≥95百分比", ">=", "95", PCT),
    N("≥95%(百分比)", ">=", "95", PCT),
    N("95(百分比)", "", "95", PCT),
    N("≥90%(含)", ">=", "90", PCT),
    N("90%以上(含)", ">=", "90", PCT),
    N("≥90（%）", ">=", "90", PCT),
    N("≥200（次）", ">=", "200", "次"),
    N("≥500平方米", ">=", "500", "平方米"),
    N("≥20吨", ">=", "20", "吨"),
    N("≥16学时", ">=", "16", "学时"),
    N("≥3个项目", ">=", "3", "个项目"),
    N("≥10所学校", ">=", "10", "所学校"),
    N("≤5人/平方公里", "<=", "5", "人/平方公里", "lower"),
    N("≥5家", ">=", "5", "家"),
    N("≥2期", ">=", "2", "期"),
    N("≥3个", ">=", "3", "个"),
    N("≥3 个 工 作 日", ">=", "3", "个工作日"),
    N("≥10个百分点", ">=", "10", PCT),
    N("≥2‰", ">=", "2", ("‰", "%", "0.1")),
]

LABELS_AND_FILLERS = [
    N("覆盖率≥95%", ">=", "95", PCT, reason="words before the number: 覆盖率"),
    N("满意度不低于90%", ">=", "90", PCT),
    N("完成率达到100%", ">=", "100", PCT),
    N("培训人数≥200人", ">=", "200", "人"),
    N("成本控制在5万元以内", "<=", "5", WAN_YUAN, "lower"),
    N("新增就业岗位3个", "", "3", "个"),
    N("人均成本50元", "", "50", "元", "lower", reason="words before the number contains 成本"),
    N("投诉率2%", "", "2", PCT, "lower"),
    N("“一网通办”接入率≥90%", ">=", "90", PCT),
    N("APP注册用户≥100万", ">=", "100", WAN),
    N("100%完成", "", "100", PCT, reason="ignored 完成"),
    N("95%左右", "", "95", PCT),
    N("≥95%。", ">=", "95", PCT),
    N("<p>≥95%</p>", ">=", "95", PCT),
    N("≥ 95%\n", ">=", "95", PCT),
    N("约95%", "", "95", PCT),
    N("完成3个", "", "3", "个"),
    N("年内完成3次", "", "3", "次"),
    N("每年2次", "", "2", "次"),
    N("第一季度完成30%", "", "30", PCT),
    N("≥85分（良好）", ">=", "85", "分", reason="ignored note (良好)"),
    N("100%全覆盖", "", "100", PCT),
    N("≥3000元/户", ">=", "3000", "元/户"),
    N("≤1.5万元/人", "<=", "1.5", ("万元/人", "元/人", "1E4"), "lower"),
    N("≥2次/人", ">=", "2", "次/人"),
    N("≤10分钟", "<=", "10", "分钟", "lower"),
]

RANKS = [
    R("前5名", "5"),
    R("前三", "3"),
    R("第一名", "1"),
    R("第1名", "1"),
    R("全国前五名", "5"),
    R("全省前3名", "3"),
    R("排名前十", "10"),
    R("前10位", "10"),
    R("全国第一", "1"),
    R("位列全国前五", "5"),
    R("前二十名", "20"),
    R("进入全国前十强", "10"),
    R("前 五 名", "5"),
    R("全市前三名以内", "3"),
    R("同类第2位", "2"),
    Q("前万名"),
    Q("全国第一梯队", "qualitative rank 第一梯队"),
    Q("全省前列", "qualitative rank 前列"),
    Q("名列前茅"),
    Q("保持全国领先", "qualitative rank 领先"),
    Q("位居全国前列", "qualitative rank 前列"),
]

RANGES = [
    G("90%-95%", "90", "95", PCT),
    G("90~95%", "90", "95", PCT),
    G("90%至95%", "90", "95", PCT),
    G("90%～95%", "90", "95", PCT),
    G("90-95%", "90", "95", PCT),
    G("90到95%", "90", "95", PCT),
    G("80%—90%", "80", "90", PCT),
    G("3-5次", "3", "5", "次"),
    G("在90%-95%之间", "90", "95", PCT),
    G("10-20万元", "10", "20", WAN_YUAN),
    G("0.5‰-1‰", "0.5", "1", ("‰", "%", "0.1")),
    G("90% - 95%", "90", "95", PCT),
    G("100~200人", "100", "200", "人"),
    G("1-1.5", "1", "1.5"),
    G("90%－95%", "90", "95", PCT),
    G("90〜95%", "90", "95", PCT),
    G("九十至九十五", "90", "95"),
    U("95%-90%", "range ends reversed"),
]

DATES = [
    D("2021年12月31日"),
    D("2021年底"),
    D("2021年底前完成"),
    D("11月底完成"),
    D("12月31日前"),
    D("2024年6月"),
    D("2024-12-31"),
    D("年底前完成"),
    D("6月底前"),
    D("十二月底"),
    D("上半年完成"),
    D("2024年度"),
    D("2024年12月底前"),
    D("9月份"),
    D("10月中旬"),
    D("2024.6.30"),
    D("2024 年 12 月 31 日"),
]

QUALITATIVE = [
    Q("效果明显", "qualitative"),
    Q("显著提升"),
    Q("逐步提高"),
    Q("有效"),
    Q("高"),
    Q("好"),
    Q("合规"),
    Q("及时"),
    Q("严格执行相关制度规定"),
    Q("达成预期指标"),
    Q("已完成"),
    Q("是"),
    Q("否"),
    Q("按期完成"),
    Q("按时完成"),
    Q("达成预期目标"),
    Q("持续提升"),
    Q("明显改善"),
    Q("有所提高"),
    Q("规范"),
    Q("满意"),
    Q("達成預期指標"),
    Q("一网通办平台稳定运行"),
    Q("两不愁三保障"),
    Q("较上年有所提升"),
    Q("符合相关规定"),
    Q("全面完成"),
    Q("优良"),
    Q("APP稳定运行"),
    Q("<p>有效提升</p>"),
    Q("长期"),
    Q("逐年提升"),
    Q("提高群众满意度"),
    Q("保障市政府正常运转"),
    Q("无重大安全事故"),
]

UNPARSED = [
    U("", "empty"),
    U("   ", "empty"),
    U("<p></p>", "empty"),
    U("—", "not applicable"),
    U("/", "not applicable"),
    U("--", "not applicable"),
    U("……", "not applicable"),
    U("无", "not applicable"),
    U("指标1:", "number with unrecognised text"),
    U("≥9O%", "OCR noise"),
    U("9O%", "OCR noise"),
    U("l00%", "OCR noise"),
    U("≥95%±1%", "number with unrecognised text"),
    U("12.3.4%", "number with unrecognised text"),
    U("≥", "operator without a number"),
    U("≥%", "operator without a number"),
    U("%", "no words and no number"),
    U("???", "no words and no number"),
    U("≥95%，≤100%", "number with unrecognised text"),
    U("完成10个项目建设任务", "number with unrecognised text"),
    U("95%（2021年）", "number with unrecognised text"),
    U("≥95%；≥90%", "number with unrecognised text"),
    U("1.2.3", "number with unrecognised text"),
]

# Known gaps: each must fail today; fixing one makes the suite say so.
GAPS = [
    pytest.param(
        N("≥95%（其中一类≥98%）", ">=", "95", PCT),
        marks=pytest.mark.xfail(strict=True, reason="a second bound in a note is not read"),
        id="gap-nested-bound",
    ),
    pytest.param(
        N("九成以上", ">=", "90", PCT),
        marks=pytest.mark.xfail(strict=True, reason="成 (tenths) is not read as a percentage"),
        id="gap-cheng",
    ),
    pytest.param(
        N("十余次", ">", "10", "次"),
        marks=pytest.mark.xfail(strict=True, reason="余 (more than) is not read as an operator"),
        id="gap-yu",
    ),
    pytest.param(
        N("两千五", "", "2500"),
        marks=pytest.mark.xfail(strict=True, reason="colloquial elided multiplier 两千五 = 2500"),
        id="gap-elided-multiplier",
    ),
]

CASES = (
    SEED + SYMBOLS + WORDS + NO_OPERATOR + ZERO + NUMBERS + UNITS + LABELS_AND_FILLERS
    + RANKS + RANGES + DATES + QUALITATIVE + UNPARSED
)  # fmt: skip


def _check(case):
    target = parse_target(case.text, indicator=case.indicator, group=case.group)
    expected = (
        case.kind, case.op, decimal_of(case.value), decimal_of(case.upper), unit_of(case.unit),
        case.direction,
    )  # fmt: skip
    found = (target.kind, target.op, target.value, target.upper, target.unit, target.direction)
    assert found == expected, target.reason
    assert target.raw == case.text
    if case.reason is not None:
        assert case.reason in target.reason


@pytest.mark.parametrize("case", CASES, ids=[c.text or "<empty>" for c in CASES])
def test_parse_target(case):
    _check(case)


@pytest.mark.parametrize("case", GAPS)
def test_parse_target_known_gaps(case):
    _check(case)


def test_target_cases_have_no_duplicate_inputs():
    keys = Counter((c.text, c.indicator, c.group) for c in CASES)
    assert [k for k, n in keys.items() if n > 1] == []


def test_every_target_class_is_covered():
    assert {c.kind for c in CASES} == {
        "numeric", "rank", "range", "zero", "date", "qualitative", "unparsed"
    }  # fmt: skip


def test_unparsed_target_keeps_raw_text():
    target = parse_target("≥9O%")
    assert (target.raw, target.value, target.unit) == ("≥9O%", None, None)


def test_value_keeps_printed_precision():
    assert str(parse_target("≥90.50%").value) == "90.50"
