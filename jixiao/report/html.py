"""Render a :class:`~jixiao.report.model.Report` as one self-contained HTML page, in Chinese.

No network, no external scripts, styles, fonts or images: page images are ``data:`` URIs and
the filters are a small inline script. Every problem is an ``<li data-problem="i">`` (i its
row in the problems frame) inside its table's card; every cell it is about carries
``data-problems`` listing i, in the grid jixiao read and on the page image or source line,
so a test can check both. Highlighted cells use the ``hl`` class and a severity class.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from jixiao import __version__
from jixiao.extract.grid import Cell, Grid
from jixiao.report.image import Crop, union_bbox
from jixiao.report.locate import CellRef, ProblemRow, is_missing
from jixiao.report.model import GRADES, NO_GRADE, SEVERITIES, Report, Summary, TableCard

SEVERITY_NAMES = {"error": "错误", "warning": "警告", "info": "提示"}
_OMITTED_LISTED = 500

CSS = """
:root{--err:#c62828;--warn:#ef6c00;--info:#1565c0;--ok:#2e7d32;--line:#d0d7de;--muted:#57606a}
*{box-sizing:border-box}
body{margin:0;font:13px/1.45 system-ui,-apple-system,"Segoe UI","PingFang SC","Hiragino Sans GB",
"Microsoft YaHei","Noto Sans CJK SC","Source Han Sans SC",sans-serif;color:#1f2328;
background:#f6f8fa}
header.top{padding:12px 20px;background:#24292f;color:#fff}
header.top h1{margin:0;font-size:18px}
header.top .meta{margin:2px 0 0;color:#d0d7de;font-size:12px}
#summary{display:flex;flex-wrap:wrap;gap:12px;padding:12px 20px}
.box{background:#fff;border:1px solid var(--line);border-radius:6px;padding:8px 12px}
.box h3{margin:0 0 6px;font-size:13px}
.stats .row{display:flex;gap:16px;align-items:flex-end}
.stats .sevs{margin-top:6px;color:var(--muted)}
.stat b{display:block;font-size:22px;line-height:1.1}
.stat span{color:var(--muted)}
table.counts{border-collapse:collapse}
table.counts th,table.counts td{padding:1px 8px;border-bottom:1px solid #eaeef2;text-align:right}
table.counts th:first-child,table.counts td:first-child{text-align:left}
table.counts a,.failed a{color:inherit;cursor:pointer;text-decoration:underline dotted}
.failed{max-width:520px}
.failed ul{margin:0;padding-left:18px}
.failed li{margin:0 0 4px}
.failed small{color:var(--muted);display:block}
#filters{position:sticky;top:0;z-index:5;display:flex;flex-wrap:wrap;gap:8px;align-items:center;
padding:8px 20px;background:#fff;border-bottom:1px solid var(--line)}
#filters select,#filters input{font:inherit;padding:3px 6px}
#filters input{min-width:220px}
.note{margin:8px 20px;padding:6px 10px;background:#fff8c5;border:1px solid #d4a72c;
border-radius:6px}
details.fileproblems{margin:0 20px 8px}
main{padding:4px 20px 40px}
.card{background:#fff;border:1px solid var(--line);border-left:6px solid var(--ok);
border-radius:6px;margin:0 0 16px;padding:10px 12px}
.card.sev-error{border-left-color:var(--err)}
.card.sev-warning{border-left-color:var(--warn)}
.card.sev-info{border-left-color:var(--info)}
.card h2{margin:0;font-size:15px;word-break:break-all}
.facts{color:var(--muted);margin:2px 0 6px}
.nums{display:flex;flex-wrap:wrap;gap:4px 16px;margin:0 0 8px}
.nums span b{font-weight:600}
.nums .diff{color:var(--err)}
.badge{display:inline-block;padding:0 6px;border-radius:10px;color:#fff;font-size:12px;
font-weight:600;background:var(--ok)}
.badge.sev-error{background:var(--err)}
.badge.sev-warning{background:var(--warn)}
.badge.sev-info{background:var(--info)}
.pair{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1.15fr);gap:12px;align-items:start}
.pair.tsv{grid-template-columns:minmax(0,1.3fr) minmax(0,1fr)}
@media (max-width:1000px){.pair,.pair.tsv{grid-template-columns:minmax(0,1fr)}}
.pane h3{margin:0 0 4px;font-size:12px;color:var(--muted);font-weight:600}
.scroll{overflow:auto;border:1px solid var(--line)}
table.grid{border-collapse:collapse;font-size:12px;width:100%}
table.grid td,table.grid th{border:1px solid #c9d1d9;padding:2px 4px;vertical-align:top;
white-space:pre-wrap;overflow-wrap:break-word;min-width:2.5em}
table.grid th{background:#f6f8fa;color:var(--muted);font-weight:400;text-align:right;width:2.5em}
table.grid td.nocell{background:repeating-linear-gradient(45deg,#fff,#fff 4px,#f0f0f0 4px,
#f0f0f0 8px)}
table.grid td.merged{background:#f3f6fb}
td.hl.sev-info,mark.hl.sev-info,.line.hl.sev-info{background:rgb(187,222,251);
outline:2px solid var(--info)}
td.hl.sev-warning,mark.hl.sev-warning,.line.hl.sev-warning{background:rgb(255,224,178);
outline:2px solid var(--warn)}
td.hl.sev-error,mark.hl.sev-error,.line.hl.sev-error{background:rgb(255,205,210);
outline:2px solid var(--err)}
td.hl,mark.hl{outline-offset:-2px}
.focus{box-shadow:0 0 0 4px #8250df !important}
figure{margin:0 0 8px}
figcaption{color:var(--muted);font-size:12px}
.shot{position:relative;border:1px solid var(--line);display:inline-block;max-width:100%}
.shot img{display:block;max-width:100%;height:auto}
.box-hl{position:absolute;border:2px solid var(--info);background:rgba(21,101,192,.18)}
.box-hl.sev-warning{border-color:var(--warn);background:rgba(239,108,0,.22)}
.box-hl.sev-error{border-color:var(--err);background:rgba(198,40,40,.22)}
.lines{font:12px/1.5 ui-monospace,"Noto Sans Mono CJK SC",monospace;white-space:pre;overflow:auto;
border:1px solid var(--line);padding:4px 0}
.line{padding:0 6px}
.ln{display:inline-block;width:3.5em;color:var(--muted);text-align:right;margin-right:8px;
user-select:none}
.tab{color:#b0b8c1}
mark{color:inherit}
ol.problems{margin:8px 0 0;padding-left:22px}
ol.problems li{margin:0 0 6px;cursor:pointer}
ol.problems li:hover{background:#f6f8fa}
.where{color:var(--muted);font-size:12px}
.msg{margin:1px 0}
.vals{margin:1px 0;color:var(--muted)}
.vals b{color:#1f2328}
.empty{color:var(--muted)}
"""

SCRIPT = """
(function(){
  var $=function(s){return document.querySelector(s)};
  var all=function(s){return Array.prototype.slice.call(document.querySelectorAll(s))};
  var keys=['code','sev','file','grade','q'];
  var f={};keys.forEach(function(k){f[k]=$('#f-'+k)});
  function has(list,v){return !v||(' '+list+' ').indexOf(' '+v+' ')>=0}
  function apply(){
    var code=f.code.value,sev=f.sev.value,file=f.file.value,grade=f.grade.value,
        q=f.q.value.trim().toLowerCase(),shown=0;
    all('.card').forEach(function(c){
      var d=c.dataset,ok=has(d.codes,code)&&has(d.sevs,sev)&&(!file||d.file===file)&&
        (!grade||d.grade===grade)&&(!q||c.textContent.toLowerCase().indexOf(q)>=0);
      c.hidden=!ok;if(ok)shown++;
    });
    all('.fileproblem').forEach(function(li){
      var d=li.dataset;li.hidden=!((!code||d.code===code)&&(!sev||d.sev===sev)&&
        (!file||d.file===file)&&(!q||li.textContent.toLowerCase().indexOf(q)>=0));
    });
    $('#shown').textContent=shown;
    var h=[];keys.forEach(function(k){if(f[k].value)h.push(k+'='+encodeURIComponent(f[k].value))});
    try{history.replaceState(null,'',h.length?'#'+h.join('&'):location.pathname)}catch(e){}
  }
  if(location.hash.indexOf('=')>=0){
    location.hash.slice(1).split('&').forEach(function(p){
      var i=p.indexOf('='),k=p.slice(0,i);if(f[k])f[k].value=decodeURIComponent(p.slice(i+1));
    });
  }
  keys.forEach(function(k){f[k].addEventListener('input',apply)});
  all('[data-filter-code]').forEach(function(a){a.addEventListener('click',function(){
    f.code.value=a.dataset.filterCode;f.sev.value=a.dataset.filterSev||'';apply();
  })});
  all('[data-filter-file]').forEach(function(a){a.addEventListener('click',function(){
    f.file.value=a.dataset.filterFile;apply();
  })});
  document.addEventListener('click',function(e){
    var li=e.target.closest&&e.target.closest('[data-problem]');if(!li)return;
    all('.focus').forEach(function(x){x.classList.remove('focus')});
    var hit=all('[data-problems~="'+li.dataset.problem+'"]');
    hit.forEach(function(x){x.classList.add('focus')});
    if(hit.length)hit[0].scrollIntoView({block:'nearest'});
  });
  apply();
})();
"""


def esc(value: object) -> str:
    """Text for HTML, ``None`` as empty.

    >>> esc('<a href="x">') , esc(None)
    ('&lt;a href=&quot;x&quot;&gt;', '')
    """
    return "" if value is None else html.escape(str(value), quote=True)


def number_text(value: Any) -> str:
    """A frame number as printed: no trailing zeros, empty for missing.

    >>> number_text(99.49), number_text(100.0), number_text(None)
    ('99.49', '100', '')
    """
    if is_missing(value):
        return ""
    if isinstance(value, float):
        return f"{value:.4f}".rstrip("0").rstrip(".")
    return str(value)


def _worst(severities: Iterable[str]) -> str:
    present = set(severities)
    return next((s for s in SEVERITIES if s in present), "")


# -- summary ------------------------------------------------------------------------------------


def summary_to_html(summary: Summary) -> str:
    severities = "，".join(
        f"{SEVERITY_NAMES[s]} <b id='n-{s}'>{summary.by_severity.get(s, 0)}</b>" for s in SEVERITIES
    )
    stats = (
        "<div class='box stats'><div class='row'>"
        f"<div class='stat'><b id='n-files'>{summary.files}</b><span>文件</span></div>"
        f"<div class='stat'><b id='n-failed'>{len(summary.failed)}</b><span>失败</span></div>"
        f"<div class='stat'><b id='n-pages'>{summary.pages}</b><span>PDF页</span></div>"
        f"<div class='stat'><b id='n-tables'>{summary.tables}</b><span>表格</span></div>"
        f"<div class='stat'><b id='n-indicators'>{summary.indicators}</b><span>指标</span></div>"
        f"<div class='stat'><b id='n-problems'>{summary.problems}</b><span>问题</span></div>"
        f"</div><div class='sevs'>问题按严重程度：{severities}</div></div>"
    )
    return stats + _codes_html(summary) + _grades_html(summary) + _failed_html(summary)


def _codes_html(summary: Summary) -> str:
    codes = sorted({code for code, _ in summary.by_code})
    if not codes:
        return "<div class='box'><h3>问题</h3><p class='empty'>没有问题</p></div>"
    head = "".join(f"<th>{SEVERITY_NAMES[s]}</th>" for s in SEVERITIES)
    rows = []
    for code in sorted(
        codes, key=lambda c: (-sum(summary.by_code.get((c, s), 0) for s in SEVERITIES), c)
    ):
        counts = [summary.by_code.get((code, s), 0) for s in SEVERITIES]
        cells = "".join(
            f"<td><a data-filter-code='{esc(code)}' data-filter-sev='{s}'>{n}</a></td>"
            if n
            else "<td></td>"
            for s, n in zip(SEVERITIES, counts, strict=True)
        )
        rows.append(
            f"<tr data-code='{esc(code)}'><td><a data-filter-code='{esc(code)}'>"
            f"<code>{esc(code)}</code></a></td>{cells}<td>{sum(counts)}</td></tr>"
        )
    return (
        "<div class='box'><h3>问题（按代码与严重程度）</h3><table class='counts' id='by-code'>"
        f"<tr><th>代码</th>{head}<th>合计</th></tr>{''.join(rows)}</table></div>"
    )


def _grades_html(summary: Summary) -> str:
    rows = "".join(
        f"<tr><td>{esc(g)}</td><td id='grade-{esc(g)}'>{n}</td></tr>"
        for g, n in summary.by_grade.items()
    )
    return (
        "<div class='box'><h3>表格等级（重算总分）</h3><table class='counts' id='by-grade'>"
        f"<tr><th>等级</th><th>表数</th></tr>{rows}</table></div>"
    )


def _failed_html(summary: Summary) -> str:
    if not summary.failed:
        return "<div class='box failed'><h3>未能读取的文件</h3><p class='empty'>无</p></div>"
    items = "".join(
        f"<li><a data-filter-file='{esc(f.name)}'><b>{esc(f.name)}</b></a>"
        f"<small>{esc(f.messages[0] if f.messages else '')}</small></li>"
        for f in summary.failed
    )
    return (
        f"<div class='box failed'><h3>未能读取的文件（{len(summary.failed)}）</h3>"
        f"<ul id='failed-files'>{items}</ul></div>"
    )


def file_problems_to_html(problems: Sequence[ProblemRow]) -> str:
    if not problems:
        return ""
    items = "".join(
        f"<li class='fileproblem' data-problem='{p.index}' data-code='{esc(p.code)}' "
        f"data-sev='{esc(p.severity)}' data-file='{esc(p.source_file)}'>"
        f"<span class='badge sev-{esc(p.severity)}'>{SEVERITY_NAMES.get(p.severity, p.severity)}"
        f"</span> <code>{esc(p.code)}</code> <b>{esc(p.source_file)}</b>"
        f"{_place(p)} <span class='msg'>{esc(p.message)}</span></li>"
        for p in problems
    )
    return (
        f"<details class='fileproblems box' open><summary>文件级问题（不属于任何表，"
        f"{len(problems)} 条）</summary><ul>{items}</ul></details>"
    )


def _place(problem: ProblemRow) -> str:
    parts = []
    if problem.page is not None:
        parts.append(f"第{problem.page}页")
    if problem.line is not None:
        parts.append(f"第{problem.line}行")
    return f" <span class='where'>{'·'.join(parts)}</span>" if parts else ""


# -- filters ------------------------------------------------------------------------------------


def filters_to_html(report: Report) -> str:
    codes = sorted({code for code, _ in report.summary.by_code})
    grades = [g for g in (*GRADES, NO_GRADE) if g in report.summary.by_grade]

    def select(name: str, label: str, options: Iterable[tuple[str, str]]) -> str:
        opts = "".join(f"<option value='{esc(v)}'>{esc(t)}</option>" for v, t in options)
        return (
            f"<label>{label} <select id='f-{name}'><option value=''>全部</option>{opts}"
            "</select></label>"
        )

    return (
        "<nav id='filters'>"
        + select("code", "问题代码", ((c, c) for c in codes))
        + select("sev", "严重程度", ((s, SEVERITY_NAMES[s]) for s in SEVERITIES))
        + select("file", "文件", ((f, f) for f in report.files))
        + select("grade", "等级", ((g, g) for g in grades))
        + "<label>搜索 <input id='f-q' type='search' placeholder='表号、项目名称、指标、问题…'>"
        "</label>"
        + f"<span>显示 <b id='shown'>{len(report.cards)}</b> / {len(report.cards)} 张表</span>"
        "</nav>"
    )


def omitted_to_html(report: Report) -> str:
    if not report.omitted:
        return ""
    total = len(report.cards) + len(report.omitted)
    listed = report.omitted[:_OMITTED_LISTED]
    more = (
        f"……另有 {len(report.omitted) - len(listed)} 张"
        if len(report.omitted) > len(listed)
        else ""
    )
    return (
        f"<div class='note' id='omitted'>共 {total} 张表，按 --report-limit {report.limit} "
        f"只显示前 {len(report.cards)} 张（有问题的表优先），未显示 {len(report.omitted)} 张。"
        f"<details><summary>未显示的表</summary>{esc('、'.join(listed))}{more}</details></div>"
    )


# -- cards --------------------------------------------------------------------------------------


def _cell_marks(card: TableCard) -> dict[tuple[int, int | None], list[ProblemRow]]:
    """(row, col) → the problems about that cell; col None for a whole row."""
    marks: dict[tuple[int, int | None], list[ProblemRow]] = {}
    for problem in card.problems:
        ref = card.cells.get(problem.index)
        if ref is not None:
            marks.setdefault((ref.row, ref.col), []).append(problem)
    return marks


def _marks_of(
    marks: Mapping[tuple[int, int | None], list[ProblemRow]], row: int, col: int
) -> list[ProblemRow]:
    return [*marks.get((row, col), []), *marks.get((row, None), [])]


def _hl_attrs(problems: Sequence[ProblemRow]) -> tuple[str, str]:
    """(class names, data attribute) for a highlighted element."""
    if not problems:
        return "", ""
    ids = " ".join(str(p.index) for p in problems)
    return f"hl sev-{_worst(p.severity for p in problems)}", f" data-problems='{ids}'"


def grid_to_html(grid: Grid, card: TableCard) -> str:
    """The grid as an HTML table, merged cells as row/col spans, problem cells highlighted."""
    marks = _cell_marks(card)
    anchors = {(c.row, c.col): c for c in grid.cells}
    covered = {
        (c.row + dr, c.col + dc)
        for c in grid.cells
        for dr in range(c.rowspan)
        for dc in range(c.colspan)
        if dr or dc
    }
    rows = []
    for r in range(grid.n_rows):
        first = next((c for c in grid.cells if c.row == r), None)
        where = _row_label(first)
        tds = [f"<th title='{esc(where)}'>{r}</th>"]
        for c in range(grid.n_cols):
            cell = anchors.get((r, c))
            if cell is None:
                if (r, c) not in covered:
                    tds.append("<td class='nocell' title='无单元格'></td>")
                continue
            tds.append(_td(cell, card, _marks_of(marks, r, c)))
        rows.append(f"<tr>{''.join(tds)}</tr>")
    return f"<table class='grid'>{''.join(rows)}</table>"


def _row_label(cell: Cell | None) -> str:
    if cell is None:
        return ""
    if cell.source.line is not None:
        return f"第{cell.source.line}行"
    return f"第{cell.source.page}页" if cell.source.page is not None else ""


def _td(cell: Cell, card: TableCard, problems: Sequence[ProblemRow]) -> str:
    classes, data = _hl_attrs(problems)
    if cell.rowspan > 1 or cell.colspan > 1:
        classes = f"{classes} merged".strip()
    spans = (f" rowspan='{cell.rowspan}'" if cell.rowspan > 1 else "") + (
        f" colspan='{cell.colspan}'" if cell.colspan > 1 else ""
    )
    field = card.fields.get((cell.row, cell.col), "")
    title = f"r{cell.row} c{cell.col}" + (
        f" {cell.rowspan}×{cell.colspan}" if cell.rowspan > 1 or cell.colspan > 1 else ""
    )
    title += f" · 字段 {field}" if field else ""
    title += "".join(f"\n{p.code}: {p.message}" for p in problems)
    cls = f" class='{classes}'" if classes else ""
    src = "".join(
        f" data-{name}='{value}'"
        for name, value in (("page", cell.source.page), ("line", cell.source.line))
        if value is not None
    )
    return (
        f"<td{cls}{spans}{data}{src} data-rc='{cell.row},{cell.col}' title='{esc(title)}'>"
        f"{esc(cell.text)}</td>"
    )


def crops_to_html(card: TableCard) -> str:
    """The page images with a box over every problem cell."""
    grid = card.grid
    if grid is None:
        return ""
    marks = _cell_marks(card)
    anchors = {(c.row, c.col): c for c in grid.cells}
    figures = []
    for crop in card.crops:
        boxes = []
        for (row, col), problems in marks.items():
            cells = (
                [anchors[(row, col)]] if col is not None and (row, col) in anchors else []
            ) or ([c for c in grid.cells if c.row == row] if col is None else [])
            box = union_bbox(
                c.source.bbox
                for c in cells
                if c.source.page == crop.region.page and c.source.bbox is not None
            )
            if box is not None:
                boxes.append(_box_html(crop, box, problems))
        figures.append(
            f"<figure><div class='shot'><img src='{crop.data_uri()}' width='{crop.width}' "
            f"height='{crop.height}' alt='第{crop.region.page}页表格区域'>{''.join(boxes)}</div>"
            f"<figcaption>第{crop.region.page}页</figcaption></figure>"
        )
    return "".join(figures)


def _box_html(
    crop: Crop, box: tuple[float, float, float, float], problems: Sequence[ProblemRow]
) -> str:
    x0, top, x1, bottom = crop.region.bbox
    width, height = max(x1 - x0, 1e-6), max(bottom - top, 1e-6)

    def pct(value: float) -> str:
        return f"{max(0.0, min(100.0, value * 100)):.2f}%"

    classes, data = _hl_attrs(problems)
    style = (
        f"left:{pct((box[0] - x0) / width)};top:{pct((box[1] - top) / height)};"
        f"width:{pct((box[2] - box[0]) / width)};height:{pct((box[3] - box[1]) / height)}"
    )
    title = "\n".join(f"{p.code}: {p.message}" for p in problems)
    return (
        f"<div class='box-hl {classes.replace('hl ', '')}'{data} style='{style}' "
        f"title='{esc(title)}'></div>"
    )


def lines_to_html(card: TableCard) -> str:
    """The source lines of a text input, tab-separated fields shown, problem fields marked."""
    grid = card.grid
    if grid is None or not card.lines:
        return ""
    row_of_line = {c.source.line: c.row for c in grid.cells if c.source.line is not None}
    marks = _cell_marks(card)
    out = []
    for number, text in card.lines:
        row = row_of_line.get(number)
        whole = marks.get((row, None), []) if row is not None else []
        line_classes, line_data = _hl_attrs(whole)
        fields = []
        for col, part in enumerate(text.split("\t")):
            problems = marks.get((row, col), []) if row is not None else []
            classes, data = _hl_attrs(problems)
            fields.append(
                f"<mark class='{classes}'{data}>{esc(part)}</mark>" if problems else esc(part)
            )
        body = "<span class='tab'>→</span>".join(fields)
        out.append(
            f"<div class='line {line_classes}'{line_data} data-line='{number}'>"
            f"<span class='ln'>{number}</span>{body}</div>"
        )
    return f"<div class='lines'>{''.join(out)}</div>"


def _nums_html(record: Mapping[str, Any]) -> str:
    def pair(label: str, printed: str, recomputed: str, unit: str = "") -> str:
        a, b = number_text(record.get(printed)), number_text(record.get(recomputed))
        if not a and not b:
            return ""
        diff = " class='diff'" if a and b and a != b else ""
        return (
            f"<span{diff}>{label} 表中 <b>{a or '—'}</b>{unit} / "
            f"重算 <b>{b or '—'}</b>{unit}</span>"
        )

    parts = [
        pair("执行率", "execution_rate_reported", "execution_rate", "%"),
        pair("执行得分", "execution_score_reported", "execution_score"),
        pair("分值合计", "weight_total_reported", "weight_total"),
        pair("总分", "score_total_reported", "score_total"),
        f"<span>等级 <b>{esc(record.get('grade') or NO_GRADE)}</b></span>",
        f"<span>指标 <b>{number_text(record.get('indicator_count'))}</b> 项</span>",
    ]
    return f"<div class='nums'>{''.join(p for p in parts if p)}</div>"


def _facts_html(record: Mapping[str, Any]) -> str:
    facts = []
    for label, key in (
        ("项目名称", "project_name"),
        ("主管部门", "department"),
        ("实施单位", "implementing_unit"),
        ("年度", "year"),
        ("读取器", "reader"),
        ("政策", "policy"),
    ):
        if record.get(key) not in (None, ""):
            facts.append(f"{label}：{esc(record.get(key))}")
    if record.get("page_start") is not None:
        start, end = record.get("page_start"), record.get("page_end") or record.get("page_start")
        facts.append(f"第{start}页" if start == end else f"第{start}–{end}页")
    if record.get("line_start") is not None:
        facts.append(f"自第{record.get('line_start')}行")
    return f"<div class='facts'>{' · '.join(facts)}</div>"


def problem_to_html(problem: ProblemRow, card: TableCard) -> str:
    ref: CellRef | None = card.cells.get(problem.index)
    where = []
    if problem.page is not None:
        where.append(f"第{problem.page}页")
    if problem.line is not None:
        where.append(f"第{problem.line}行")
    if ref is not None:
        where.append(f"r{ref.row}" + (f" c{ref.col}" if ref.col is not None else " 整行"))
    else:
        where.append("整张表")
    if problem.field:
        where.append(problem.field)
    values = []
    if problem.expected:
        values.append(f"应为 <b>{esc(problem.expected)}</b>")
    if problem.found:
        values.append(f"表中为 <b>{esc(problem.found)}</b>")
    if problem.kind:
        values.append(f"类型 {esc(problem.kind)}")
    rule = card.rules.get(problem.index, "")
    if rule:
        values.append(f"规则 {esc(rule)}")
    vals = f"<div class='vals'>{' · '.join(values)}</div>" if values else ""
    ref_attr = f" data-cell='{ref.row},{'' if ref.col is None else ref.col}'" if ref else ""
    return (
        f"<li class='problem sev-{esc(problem.severity)}' data-problem='{problem.index}' "
        f"data-code='{esc(problem.code)}' data-sev='{esc(problem.severity)}'{ref_attr}>"
        f"<span class='badge sev-{esc(problem.severity)}'>"
        f"{SEVERITY_NAMES.get(problem.severity, esc(problem.severity))}</span> "
        f"<code>{esc(problem.code)}</code> <span class='where'>{esc(' · '.join(where))}</span>"
        f"<div class='msg'>{esc(problem.message)}</div>{vals}</li>"
    )


def card_to_html(card: TableCard, number: int) -> str:
    record = card.record
    worst = card.worst
    codes = " ".join(sorted({p.code for p in card.problems}))
    sevs = " ".join(s for s in SEVERITIES if any(p.severity == s for p in card.problems))
    badge = (
        f"<span class='badge sev-{worst}'>{SEVERITY_NAMES[worst]} {len(card.problems)}</span> "
        if worst
        else "<span class='badge'>无问题</span> "
    )
    grid_html = f"<div class='scroll'>{grid_to_html(card.grid, card)}</div>" if card.grid else ""
    if card.kind == "pdf":
        source_title, source_html = "PDF 原页（同一区域）", crops_to_html(card)
    else:
        source_title, source_html = "源文件（各行，→ 为制表符）", lines_to_html(card)
    note = f"<p class='note'>{esc(card.note)}</p>" if card.note else ""
    problems = "".join(problem_to_html(p, card) for p in card.problems)
    problems_html = f"<ol class='problems'>{problems}</ol>" if problems else ""
    return (
        f"<section class='card sev-{worst or 'none'}' id='t{number}' "
        f"data-table='{esc(card.table_id)}' data-file='{esc(record.get('source_file'))}' "
        f"data-grade='{esc(record.get('grade') or NO_GRADE)}' data-codes='{esc(codes)}' "
        f"data-sevs='{sevs}'>"
        f"<h2>{badge}{esc(card.table_id)}</h2>{_facts_html(record)}{_nums_html(record)}{note}"
        f"<div class='pair {esc(card.kind)}'><div class='pane'>"
        "<h3>jixiao 读到的表格（合并单元格按合并显示）</h3>"
        f"{grid_html}</div><div class='pane'><h3>{source_title}</h3>{source_html}</div></div>"
        f"{problems_html}</section>"
    )


# -- page ---------------------------------------------------------------------------------------


def report_to_html(report: Report) -> str:
    """The whole page."""
    cards = "".join(card_to_html(card, n) for n, card in enumerate(report.cards, start=1))
    return (
        "<!DOCTYPE html>\n<html lang='zh-CN'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width,initial-scale=1'>"
        "<title>jixiao 绩效自评表抽查报告</title>"
        f"<style>{CSS}</style></head><body>"
        "<header class='top'><h1>jixiao 绩效自评表抽查报告</h1>"
        f"<p class='meta'>生成于 {esc(report.generated)} · jixiao {esc(__version__)} · "
        "左侧为 jixiao 读到的表格，右侧为原文件同一区域；有问题的单元格在两侧同时标出，"
        "点击问题可定位。</p></header>"
        f"<section id='summary'>{summary_to_html(report.summary)}</section>"
        f"{file_problems_to_html(report.file_problems)}"
        f"{filters_to_html(report)}{omitted_to_html(report)}"
        f"<main id='cards'>{cards}</main>"
        f"<script>{SCRIPT}</script></body></html>\n"
    )
