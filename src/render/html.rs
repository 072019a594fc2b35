//! `report`: one self-contained, printable HTML5 document: the protocol, each block's
//! evaluation with an inline SVG chart, the next step, and the whole diary. No scripts, no
//! external resources (fonts, CSS, images): it opens and prints offline.
//!
//! Built only from the evaluation and the diary; every piece of diary text (and the file name)
//! goes through [`escape`].

use super::chart::tick_step;
use super::sanitize::terminal_text;
use super::{display_pct, display_time, round1};
use crate::diary::{Diary, Entry, Procedure, Sedation};
use crate::evaluation::{BlockEvaluation, Classification, Evaluation, FORMULA, fmt_pct};
use crate::time_input::format_minutes;

/// `text` safe inside HTML text and attribute values: `&`, `<`, `>`, `"` and `'` become
/// entities, and control characters (other than newline and tab) are shown as `\u{..}`.
pub fn escape(text: &str) -> String {
    let text = terminal_text(text);
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

const CSS: &str = r#"
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  color: #1a1a1a; background: #fff; max-width: 62rem; margin: 1.5rem auto; padding: 0 1rem;
  line-height: 1.4; font-size: 15px; }
h1 { font-size: 1.6em; margin: 0 0 .4rem; }
h2 { font-size: 1.25em; margin: 1.6em 0 .5em; border-bottom: 1px solid #bbb; padding-bottom: .2em; }
h3 { font-size: 1em; margin: .9em 0 .3em; }
.summary h2 { margin-top: 0; }
.columns { display: grid; grid-template-columns: 1fr 1fr; gap: 0 1.5rem; }
.columns h3 { margin-top: .3em; }
@media (max-width: 40rem) { .columns { grid-template-columns: 1fr; } }
p { margin: .35rem 0; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .1rem 1rem; margin: .4rem 0; }
dl.facts dt { font-weight: 600; color: #444; }
dl.facts dd { margin: 0; }
table { border-collapse: collapse; width: 100%; font-size: .85rem; margin: .4rem 0; }
th, td { border: 1px solid #c8c8c8; padding: .15rem .4rem; text-align: left; vertical-align: top; }
th { background: #f0f0f0; }
td.t { white-space: nowrap; }
table.params { width: auto; min-width: 60%; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.num { white-space: nowrap; }
.cls { font-weight: 700; padding: 0 .35rem; border-radius: .25rem; }
.positive { color: #14532d; background: #dcfce7; }
.negative { color: #7f1d1d; background: #fee2e2; }
.inconclusive { color: #713f12; background: #fef3c7; }
.summary { border: 2px solid #333; border-radius: .4rem; padding: .6rem .9rem; margin: 1rem 0; }
.summary .step { font-size: 1.1rem; font-weight: 700; }
figure { margin: .6rem 0; }
figcaption { font-size: .8rem; color: #555; }
svg.chart { display: block; width: 100%; height: auto; border: 1px solid #ddd; }
svg.chart text { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; }
tr.retracted td { color: #777; }
tr.run td { background: #f0fdf4; }
code { font-family: ui-monospace, Menlo, Consolas, "DejaVu Sans Mono", monospace; font-size: .9em; }
.muted { color: #555; }
ul.codes { margin: .2rem 0; padding-left: 1.2rem; }
footer { margin-top: 2rem; font-size: .8rem; color: #555; border-top: 1px solid #ccc; padding-top: .4rem; }
@page { size: A4; margin: 14mm 13mm 15mm; }
@media print {
  body { max-width: none; margin: 0; padding: 0; font-size: 9.5pt; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  section.block, .summary, figure, table.params, dl.facts { break-inside: avoid; page-break-inside: avoid; }
  h2, h3 { break-after: avoid; page-break-after: avoid; }
  thead { display: table-header-group; }
  tr { break-inside: avoid; page-break-inside: avoid; }
  svg.chart { border: none; max-height: 85mm; }
  .columns { grid-template-columns: 1fr 1fr; }
}
"#;

fn class_span(c: Classification) -> String {
    format!("<span class=\"cls {0}\">{0}</span>", c.as_str())
}

fn opt(text: &Option<String>) -> String {
    text.as_deref().map(escape).unwrap_or_default()
}

fn yes_no(v: bool) -> &'static str {
    if v { "yes" } else { "no" }
}

/// A duration for people: whole hours as `24 h`, else `1h30m`.
fn hours(minutes: i64) -> String {
    if minutes % 60 == 0 {
        format!("{} h", minutes / 60)
    } else {
        format_minutes(minutes)
    }
}

/// A score as written: `7`, `6.5`.
fn score(v: f64) -> String {
    fmt_pct(v)
}

/// The whole report. `file` is the diary path as given; `generated` the time of the report.
pub fn report(evaluation: &Evaluation, diary: &Diary, file: &str, generated: &str) -> String {
    let patient = evaluation
        .patient
        .as_deref()
        .map_or("no patient id".to_string(), escape);
    let mut out = String::with_capacity(32 * 1024 + diary.entries.len() * 300);
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    out.push_str(&format!(
        "<title>Diagnostic block report – {patient}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
    ));
    out.push_str("<header>\n<h1>Diagnostic block report</h1>\n<dl class=\"facts\">\n");
    out.push_str(&format!("<dt>Patient</dt><dd>{patient}</dd>\n"));
    out.push_str(&format!(
        "<dt>Diary</dt><dd><code>{}</code></dd>\n",
        escape(file)
    ));
    out.push_str(&format!(
        "<dt>Blocks</dt><dd>{}</dd>\n<dt>Entries</dt><dd>{} ({} retracted)</dd>\n",
        evaluation.blocks.len(),
        diary.entries.len(),
        diary.entries.iter().filter(|e| e.is_retracted()).count()
    ));
    out.push_str(&format!(
        "<dt>Generated</dt><dd>{}</dd>\n</dl>\n</header>\n",
        escape(generated)
    ));

    summary(&mut out, evaluation);
    for block in &evaluation.blocks {
        block_section(&mut out, block, diary, evaluation);
    }
    protocol(&mut out, evaluation);
    diary_section(&mut out, diary);

    out.push_str(&format!(
        "<footer>Generated by paindiary {} from the diary above. Relief is computed with <code>{FORMULA}</code>. \
This report supports, and does not replace, clinical judgement.</footer>\n</body>\n</html>\n",
        env!("CARGO_PKG_VERSION")
    ));
    out
}

fn summary(out: &mut String, evaluation: &Evaluation) {
    out.push_str("<section class=\"summary\">\n<h2>Result and next step</h2>\n");
    if let Some(latest) = evaluation.latest() {
        out.push_str(&format!(
            "<p>Latest block <strong>{}</strong> ({}): {}</p>\n",
            escape(&latest.id),
            display_time(&latest.at),
            class_span(latest.classification)
        ));
    }
    out.push_str(&format!(
        "<p class=\"step\">Next step: {} <code>{}</code> <span class=\"muted\">[{}]</span></p>\n",
        evaluation.decision.step.describe(),
        evaluation.decision.step.as_str(),
        evaluation.decision.reason.as_str()
    ));
    out.push_str(&format!(
        "<p>{}</p>\n</section>\n",
        escape(&super::rationale::rationale(evaluation))
    ));
}

fn protocol(out: &mut String, evaluation: &Evaluation) {
    let p = &evaluation.protocol;
    out.push_str(&format!(
        "<section class=\"protocol\">\n<h2>Protocol <code>{}</code></h2>\n<p>{}.</p>\n",
        p.name, p.summary
    ));
    out.push_str("<table class=\"params\">\n<thead><tr><th>parameter</th><th>value</th></tr></thead>\n<tbody>\n");
    let rows: [(&str, String); 11] = [
        (
            "relief threshold T",
            format!("{} %", fmt_pct(p.threshold_pct)),
        ),
        ("partial floor P", format!("{} %", fmt_pct(p.partial_pct))),
        ("positive blocks required", p.blocks_required.to_string()),
        (
            "provocation required",
            yes_no(p.requires_provocation).into(),
        ),
        (
            "concordant comparative blocks required",
            yes_no(p.requires_concordance).into(),
        ),
        (
            "minimum interval between blocks",
            p.min_interval_days
                .map_or("–".into(), |d| format!("{d} days")),
        ),
        ("post-block window", hours(p.window_minutes)),
        ("baseline window", hours(p.baseline_window_minutes)),
        (
            "minimum baseline",
            format!("{}/10", fmt_pct(p.min_baseline)),
        ),
        (
            "minimum post-block readings",
            p.min_post_readings.to_string(),
        ),
        (
            "minimum readings for sustained relief",
            p.min_sustained.to_string(),
        ),
    ];
    for (name, value) in rows {
        out.push_str(&format!("<tr><td>{name}</td><td>{value}</td></tr>\n"));
    }
    out.push_str("</tbody>\n</table>\n");
    out.push_str(&format!(
        "<p><strong>Source:</strong> {}</p>\n",
        escape(p.source)
    ));
    out.push_str(&format!(
        "<p><strong>Formula:</strong> <code>{FORMULA}</code>; relief counts when it is at least T. \
The threshold line of each chart is the score giving relief T: <code>baseline × (1 − T/100)</code>.</p>\n</section>\n"
    ));
}

fn procedure_facts(p: &Procedure) -> String {
    let mut out = String::new();
    out.push_str(&format!("<dt>Kind</dt><dd>{}</dd>\n", p.kind.as_str()));
    let mut site: Vec<String> = Vec::new();
    if let Some(r) = &p.region {
        site.push(escape(r));
    }
    if !p.levels.is_empty() {
        site.push(escape(&p.levels.join(", ")));
    }
    if let Some(s) = p.side {
        site.push(s.as_str().into());
    }
    if !site.is_empty() {
        out.push_str(&format!("<dt>Site</dt><dd>{}</dd>\n", site.join(" · ")));
    }
    out.push_str(&format!(
        "<dt>Agent</dt><dd>{}{}</dd>\n<dt>Sedation</dt><dd>{}</dd>\n",
        p.anesthetic.map_or("–", |a| a.as_str()),
        if p.steroid { " with steroid" } else { "" },
        p.sedation.as_str()
    ));
    if let Some(n) = p.note.as_ref().filter(|n| !n.trim().is_empty()) {
        out.push_str(&format!("<dt>Note</dt><dd>{}</dd>\n", escape(n)));
    }
    out
}

fn block_section(out: &mut String, b: &BlockEvaluation, diary: &Diary, evaluation: &Evaluation) {
    let id = escape(&b.id);
    out.push_str(&format!(
        "<section class=\"block\" id=\"block-{}\">\n<h2>Block {id} — {} — {}</h2>\n",
        b.procedure,
        b.anesthetic.as_str(),
        class_span(b.classification)
    ));
    out.push_str(&format!(
        "<div class=\"columns\">\n<div>\n<h3>Procedure</h3>\n<dl class=\"facts\">\n<dt>Time</dt><dd>{}</dd>\n",
        display_time(&b.at)
    ));
    if let Some(p) = diary.procedures.get(b.procedure) {
        out.push_str(&procedure_facts(p));
    }
    let baseline = match b.baseline {
        Some(v) => format!(
            "{:.1} (mean of {} reading{})",
            round1(v),
            b.baseline_readings,
            if b.baseline_readings == 1 { "" } else { "s" }
        ),
        None => "no baseline (no reading in the baseline window)".into(),
    };
    out.push_str(&format!(
        "</dl>\n</div>\n<div>\n<h3>Evaluation</h3>\n<dl class=\"facts\">\n<dt>Baseline</dt><dd>{baseline}</dd>\n"
    ));
    out.push_str(&format!(
        "<dt>Post readings</dt><dd>{} in the {} window</dd>\n",
        b.post_readings,
        hours(evaluation.protocol.window_minutes)
    ));
    let peak_at = b
        .peak_at
        .as_ref()
        .map_or(String::new(), |t| format!(" at {}", display_time(t)));
    out.push_str(&format!(
        "<dt>Peak relief</dt><dd>{}{peak_at}</dd>\n",
        display_pct(b.peak_relief_pct)
    ));
    out.push_str(&format!(
        "<dt>Sustained</dt><dd>{}</dd>\n",
        b.sustained_readings.map_or("–".into(), |n| format!(
            "{n} consecutive reading{} with relief ≥ {} %",
            if n == 1 { "" } else { "s" },
            fmt_pct(evaluation.protocol.threshold_pct)
        ))
    ));
    let duration = match (b.relief_duration_minutes, b.relief_ongoing) {
        (Some(m), Some(true)) => format!(
            "{} and ongoing (no later reading shows the pain back)",
            format_minutes(m)
        ),
        (Some(m), _) => format_minutes(m),
        (None, _) => "–".into(),
    };
    out.push_str(&format!("<dt>Relief duration</dt><dd>{duration}</dd>\n"));
    out.push_str(&format!(
        "<dt>Classification</dt><dd>{}</dd>\n",
        class_span(b.classification)
    ));
    let codes = |items: Vec<(&str, String)>| -> String {
        if items.is_empty() {
            return "none".into();
        }
        let mut s = String::from("<ul class=\"codes\">");
        for (code, text) in items {
            s.push_str(&format!("<li><code>{code}</code>: {text}</li>"));
        }
        s.push_str("</ul>");
        s
    };
    out.push_str(&format!(
        "<dt>Reasons</dt><dd>{}</dd>\n<dt>Flags</dt><dd>{}</dd>\n</dl>\n</div>\n</div>\n",
        codes(
            b.reasons
                .iter()
                .map(|r| (
                    r.as_str(),
                    super::rationale::describe_reason(*r, &evaluation.protocol)
                ))
                .collect()
        ),
        codes(
            b.flags
                .iter()
                .map(|f| (
                    f.as_str(),
                    super::rationale::describe_flag(*f, &evaluation.protocol)
                ))
                .collect()
        ),
    ));
    out.push_str(&format!(
        "<figure>\n{}<figcaption>Pain scores around block {id}: time since the block (x), score 0–10 (y).</figcaption>\n</figure>\n",
        svg_chart(b, diary, evaluation)
    ));
    readings_table(out, b, diary);
    out.push_str("</section>\n");
}

fn readings_table(out: &mut String, b: &BlockEvaluation, diary: &Diary) {
    out.push_str("<h3>Readings</h3>\n<table class=\"readings\">\n<thead><tr><th>entry</th><th>time</th><th class=\"num\">since block</th><th class=\"num\">score</th><th class=\"num\">relief</th><th>role</th><th>activity</th><th>medication</th><th class=\"num\">patient relief</th></tr></thead>\n<tbody>\n");
    let at = b.at.instant();
    let row = |out: &mut String, e: &Entry, minutes: i64, relief: String, role: &str, run: bool| {
        out.push_str(&format!(
            "<tr{}><td>{}</td><td class=\"t\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{relief}</td><td>{role}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td></tr>\n",
            if run { " class=\"run\"" } else { "" },
            escape(&e.id),
            display_time(&e.at),
            format_minutes(minutes),
            score(e.score),
            opt(&e.activity),
            opt(&e.medication),
            e.relief.map_or(String::new(), |r| format!("{} %", fmt_pct(r))),
        ));
    };
    for e in b
        .baseline_entries
        .iter()
        .filter_map(|&i| diary.entries.get(i))
    {
        let minutes = (e.at.instant() - at).div_euclid(60_000_000_000) as i64;
        row(out, e, minutes, "–".into(), "baseline", false);
    }
    for r in &b.readings {
        let Some(e) = diary.entries.get(r.entry) else {
            continue;
        };
        let role = match (r.in_window, r.in_run) {
            (true, true) => "relief run",
            (true, false) => "post-block",
            (false, _) => "run, after the window",
        };
        row(
            out,
            e,
            r.minutes_after_block,
            display_pct(r.relief_pct),
            role,
            r.in_run,
        );
    }
    if b.baseline_entries.is_empty() && b.readings.is_empty() {
        out.push_str("<tr><td colspan=\"9\">no reading around this block</td></tr>\n");
    }
    out.push_str("</tbody>\n</table>\n");
}

/// Geometry of the SVG chart (user units; the chart scales to the page width).
const SVG_W: f64 = 720.0;
const SVG_H: f64 = 304.0;
const LEFT: f64 = 44.0;
const RIGHT: f64 = 610.0;
const TOP: f64 = 18.0;
const BOTTOM: f64 = 238.0;

fn y_of(score: f64) -> f64 {
    BOTTOM - score.clamp(0.0, 10.0) / 10.0 * (BOTTOM - TOP)
}

/// The inline SVG chart of one block: scores over time, the baseline and threshold lines, the
/// block, and the relief run shaded (from the engine's `in_run` readings).
fn svg_chart(b: &BlockEvaluation, diary: &Diary, evaluation: &Evaluation) -> String {
    let at = b.at.instant();
    // (minutes, score, kind, tooltip): 0 baseline reading, 1 reading, 2 reading in the run.
    let mut points: Vec<(f64, f64, u8, String)> = Vec::new();
    for e in b
        .baseline_entries
        .iter()
        .filter_map(|&i| diary.entries.get(i))
    {
        let m = (e.at.instant() - at).div_euclid(60_000_000_000) as f64;
        points.push((
            m,
            e.score,
            0,
            format!(
                "{} {} baseline reading: score {}",
                escape(&e.id),
                display_time(&e.at),
                score(e.score)
            ),
        ));
    }
    for r in &b.readings {
        let Some(e) = diary.entries.get(r.entry) else {
            continue;
        };
        points.push((
            r.minutes_after_block as f64,
            r.score,
            if r.in_run { 2 } else { 1 },
            format!(
                "{} {} (+{}): score {}, relief {}",
                escape(&e.id),
                display_time(&e.at),
                format_minutes(r.minutes_after_block),
                score(r.score),
                display_pct(r.relief_pct)
            ),
        ));
    }
    let first = points.iter().map(|p| p.0).fold(0.0_f64, f64::min);
    let mut last = points.iter().map(|p| p.0).fold(0.0_f64, f64::max);
    if last - first <= 0.0 {
        last = first + evaluation.protocol.window_minutes.max(1) as f64;
    }
    let span = last - first;
    let (x_lo, x_hi) = (LEFT + 10.0, RIGHT - 10.0);
    let x_of = |m: f64| x_lo + (m - first) / span * (x_hi - x_lo);

    let mut s = String::with_capacity(8 * 1024);
    // No xmlns: the HTML parser puts inline <svg> in the SVG namespace, and the report then
    // holds no URL at all.
    s.push_str(&format!(
        "<svg class=\"chart\" viewBox=\"0 0 {SVG_W} {SVG_H}\" role=\"img\" aria-label=\"Pain scores around block {}\">\n",
        escape(&b.id)
    ));
    s.push_str(&format!(
        "<rect x=\"{LEFT}\" y=\"{TOP}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"#fff\" stroke=\"#999\"/>\n",
        RIGHT - LEFT,
        BOTTOM - TOP
    ));
    // The relief run, shaded between its first and last reading.
    let run: Vec<f64> = b
        .readings
        .iter()
        .filter(|r| r.in_run)
        .map(|r| x_of(r.minutes_after_block as f64))
        .collect();
    if let (Some(&a), Some(&z)) = (run.first(), run.last()) {
        let (a, z) = if z - a < 6.0 {
            (a - 3.0, z + 3.0)
        } else {
            (a, z)
        };
        s.push_str(&format!(
            "<rect class=\"run\" x=\"{a:.1}\" y=\"{TOP}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"#22c55e\" fill-opacity=\"0.16\"/>\n\
<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" fill=\"#15803d\" text-anchor=\"middle\">relief run</text>\n",
            z - a,
            BOTTOM - TOP,
            (a + z) / 2.0,
            TOP + 12.0
        ));
    }
    // Grid and y axis.
    for v in 0..=10 {
        let y = y_of(f64::from(v));
        s.push_str(&format!(
            "<line x1=\"{LEFT}\" y1=\"{y:.1}\" x2=\"{RIGHT}\" y2=\"{y:.1}\" stroke=\"#e5e5e5\" stroke-width=\"1\"/>\n"
        ));
        if v % 2 == 0 {
            s.push_str(&format!(
                "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"end\" fill=\"#333\">{v}</text>\n",
                LEFT - 6.0,
                y + 4.0
            ));
        }
    }
    s.push_str(&format!(
        "<text x=\"12\" y=\"{:.1}\" font-size=\"11\" fill=\"#333\" transform=\"rotate(-90 12 {:.1})\" text-anchor=\"middle\">pain score</text>\n",
        (TOP + BOTTOM) / 2.0,
        (TOP + BOTTOM) / 2.0
    ));
    // X axis ticks and labels.
    let step = tick_step(span);
    let mut k = (first / step).ceil() as i64;
    let mut last_label = f64::NEG_INFINITY;
    while (k as f64) * step <= last + 1e-9 {
        let m = k as f64 * step;
        let x = x_of(m);
        s.push_str(&format!(
            "<line x1=\"{x:.1}\" y1=\"{BOTTOM}\" x2=\"{x:.1}\" y2=\"{:.1}\" stroke=\"#666\"/>\n",
            BOTTOM + 5.0
        ));
        if x - last_label > 34.0 {
            let label = if k == 0 {
                "0".to_string()
            } else {
                format_minutes(m as i64)
            };
            s.push_str(&format!(
                "<text x=\"{x:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"middle\" fill=\"#333\">{label}</text>\n",
                BOTTOM + 18.0
            ));
            last_label = x;
        }
        k += 1;
    }
    s.push_str(&format!(
        "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"middle\" fill=\"#333\">time since the block</text>\n",
        (LEFT + RIGHT) / 2.0,
        BOTTOM + 34.0
    ));
    // The block.
    let x0 = x_of(0.0);
    s.push_str(&format!(
        "<line class=\"block\" x1=\"{x0:.1}\" y1=\"{TOP}\" x2=\"{x0:.1}\" y2=\"{BOTTOM}\" stroke=\"#7c3aed\" stroke-width=\"1.5\" stroke-dasharray=\"2 3\"/>\n\
<text x=\"{x0:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"middle\" fill=\"#7c3aed\">block {}</text>\n",
        TOP - 5.0,
        escape(&b.id)
    ));
    // Baseline and threshold.
    match b.baseline {
        Some(base) => {
            let y = y_of(base);
            s.push_str(&format!(
                "<line class=\"baseline\" x1=\"{LEFT}\" y1=\"{y:.1}\" x2=\"{RIGHT}\" y2=\"{y:.1}\" stroke=\"#1d4ed8\" stroke-width=\"1.5\"/>\n\
<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" fill=\"#1d4ed8\">baseline {:.1}</text>\n",
                RIGHT + 5.0,
                y + 4.0,
                round1(base)
            ));
            if base > 0.0 {
                let t = evaluation.protocol.threshold_pct;
                let level = base * (1.0 - t / 100.0);
                let ty = y_of(level);
                // Keep the two labels apart when the lines are close.
                let label_y = if (ty - y).abs() < 13.0 { y + 17.0 } else { ty + 4.0 };
                s.push_str(&format!(
                    "<line class=\"threshold\" x1=\"{LEFT}\" y1=\"{ty:.1}\" x2=\"{RIGHT}\" y2=\"{ty:.1}\" stroke=\"#c2410c\" stroke-width=\"1.5\" stroke-dasharray=\"6 4\"/>\n\
<text x=\"{:.1}\" y=\"{label_y:.1}\" font-size=\"11\" fill=\"#c2410c\">threshold {:.1}</text>\n\
<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"10\" fill=\"#c2410c\">({} % relief)</text>\n",
                    RIGHT + 5.0,
                    round1(level),
                    RIGHT + 5.0,
                    label_y + 12.0,
                    fmt_pct(t)
                ));
            }
        }
        None => s.push_str(&format!(
            "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"12\" fill=\"#b91c1c\" text-anchor=\"end\">no baseline: relief cannot be computed</text>\n",
            RIGHT - 6.0,
            TOP + 14.0
        )),
    }
    // The trajectory and its points.
    if points.len() > 1 {
        let path: Vec<String> = points
            .iter()
            .map(|p| format!("{:.1},{:.1}", x_of(p.0), y_of(p.1)))
            .collect();
        s.push_str(&format!(
            "<polyline points=\"{}\" fill=\"none\" stroke=\"#555\" stroke-width=\"1.2\"/>\n",
            path.join(" ")
        ));
    }
    for (m, v, kind, tip) in &points {
        let (fill, stroke) = match kind {
            0 => ("#fff", "#1d4ed8"),
            2 => ("#16a34a", "#14532d"),
            _ => ("#333", "#111"),
        };
        s.push_str(&format!(
            "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"4\" fill=\"{fill}\" stroke=\"{stroke}\" stroke-width=\"1.5\"><title>{tip}</title></circle>\n",
            x_of(*m),
            y_of(*v)
        ));
    }
    // Legend.
    let ly = SVG_H - 8.0;
    s.push_str(&format!(
        "<g font-size=\"11\" fill=\"#333\">\
<circle cx=\"50\" cy=\"{0:.1}\" r=\"4\" fill=\"#fff\" stroke=\"#1d4ed8\" stroke-width=\"1.5\"/><text x=\"58\" y=\"{1:.1}\">baseline reading</text>\
<circle cx=\"165\" cy=\"{0:.1}\" r=\"4\" fill=\"#333\"/><text x=\"173\" y=\"{1:.1}\">after the block</text>\
<circle cx=\"275\" cy=\"{0:.1}\" r=\"4\" fill=\"#16a34a\"/><text x=\"283\" y=\"{1:.1}\">in the relief run</text>\
<line x1=\"390\" y1=\"{0:.1}\" x2=\"410\" y2=\"{0:.1}\" stroke=\"#1d4ed8\" stroke-width=\"1.5\"/><text x=\"415\" y=\"{1:.1}\">baseline</text>\
<line x1=\"475\" y1=\"{0:.1}\" x2=\"495\" y2=\"{0:.1}\" stroke=\"#c2410c\" stroke-width=\"1.5\" stroke-dasharray=\"6 4\"/><text x=\"500\" y=\"{1:.1}\">threshold (relief = T)</text>\
</g>\n",
        ly - 4.0,
        ly
    ));
    s.push_str("</svg>\n");
    s
}

fn diary_section(out: &mut String, diary: &Diary) {
    out.push_str("<section class=\"diary\">\n<h2>Diary</h2>\n<h3>Procedures</h3>\n");
    out.push_str("<table>\n<thead><tr><th>id</th><th>time</th><th>kind</th><th>region</th><th>levels</th><th>side</th><th>agent</th><th>steroid</th><th>sedation</th><th>note</th></tr></thead>\n<tbody>\n");
    for p in &diary.procedures {
        out.push_str(&format!(
            "<tr><td>{}</td><td class=\"t\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
            escape(&p.id),
            display_time(&p.at),
            p.kind.as_str(),
            opt(&p.region),
            escape(&p.levels.join(", ")),
            p.side.map_or("", |s| s.as_str()),
            p.anesthetic.map_or("", |a| a.as_str()),
            yes_no(p.steroid),
            if p.sedation == Sedation::None { "none" } else { p.sedation.as_str() },
            opt(&p.note),
        ));
    }
    out.push_str("</tbody>\n</table>\n<h3>Entries</h3>\n");
    out.push_str("<p class=\"muted\">All entries, in time order. Retracted entries are struck through and ignored by the evaluation.</p>\n");
    out.push_str("<table class=\"entries\">\n<thead><tr><th>id</th><th>time</th><th class=\"num\">score</th><th>activity</th><th class=\"num\">patient relief</th><th>medication</th><th>note</th><th>retracted</th></tr></thead>\n<tbody>\n");
    for e in &diary.entries {
        let retracted = e.retracted.is_some();
        let cell = |text: String| {
            if retracted && !text.is_empty() {
                format!("<del>{text}</del>")
            } else {
                text
            }
        };
        let amended = if e.history.as_ref().is_some_and(|h| !h.is_empty()) {
            " <span class=\"muted\">(amended)</span>"
        } else {
            ""
        };
        let why = match &e.retracted {
            Some(r) => format!(
                "{}{}",
                display_time(&r.at),
                r.reason
                    .as_deref()
                    .map_or(String::new(), |reason| format!(": {}", escape(reason)))
            ),
            None => String::new(),
        };
        out.push_str(&format!(
            "<tr{}><td>{}{amended}</td><td class=\"t\">{}</td><td class=\"num\">{}</td><td>{}</td><td class=\"num\">{}</td><td>{}</td><td>{}</td><td>{why}</td></tr>\n",
            if retracted { " class=\"retracted\"" } else { "" },
            cell(escape(&e.id)),
            cell(display_time(&e.at)),
            cell(score(e.score)),
            cell(opt(&e.activity)),
            cell(e.relief.map_or(String::new(), |r| format!("{} %", fmt_pct(r)))),
            cell(opt(&e.medication)),
            cell(opt(&e.note)),
        ));
    }
    if diary.entries.is_empty() {
        out.push_str("<tr><td colspan=\"8\">no entries</td></tr>\n");
    }
    out.push_str("</tbody>\n</table>\n</section>\n");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diary::{Anesthetic, Diary, Extra, Retraction};
    use crate::evaluation::{Protocol, evaluate};

    use crate::evaluation::tests::{at, block, positive_scores};

    fn diary(scores: &[(i64, f64)]) -> Diary {
        let mut d =
            crate::evaluation::tests::diary(vec![block("b1", 0, Anesthetic::Lidocaine)], scores);
        d.procedures[0].levels = vec!["L4-L5".into(), "L5-S1".into()];
        d
    }

    fn render(d: &Diary) -> String {
        let e = evaluate(d, &Protocol::default_protocol()).unwrap();
        report(&e, d, "diary.json", "2026-11-21 10:00 +00:00")
    }

    #[test]
    fn escape_covers_html_specials_and_controls() {
        assert_eq!(
            escape("<script>alert('x') & \"y\"</script>"),
            "&lt;script&gt;alert(&#39;x&#39;) &amp; &quot;y&quot;&lt;/script&gt;"
        );
        assert_eq!(escape("a\u{1b}[31m"), "a\\u{1b}[31m");
        assert_eq!(escape("plain é"), "plain é");
    }

    #[test]
    fn report_is_complete_and_self_contained() {
        let d = diary(&positive_scores(0));
        let html = render(&d);
        assert!(html.starts_with("<!DOCTYPE html>"));
        assert!(html.trim_end().ends_with("</html>"));
        assert_eq!(html.matches("<svg").count(), 1);
        assert!(html.contains("class=\"baseline\"") && html.contains("class=\"threshold\""));
        assert!(html.contains("<rect class=\"run\""));
        assert!(html.contains("baseline 8.0") && html.contains("threshold 4.0"));
        assert!(html.contains("75.0 %"));
        assert!(html.contains("PT-T"));
        assert!(html.contains(FORMULA));
        assert!(html.contains("Cohen et al."));
        assert!(html.contains("@media print") && html.contains("@page { size: A4;"));
        assert!(html.contains("<code>rfa</code>"));
        assert!(!html.contains("<script"));
        assert!(!html.contains("src=") && !html.contains("href="));
        assert!(!html.contains("http://") && !html.contains("https://"));
        // Every diary entry is in the diary table.
        for i in 1..=8 {
            assert!(html.contains(&format!("<td>e{i}</td>")), "e{i}");
        }
    }

    #[test]
    fn diary_text_is_escaped_and_retracted_entries_struck() {
        let mut d = diary(&positive_scores(0));
        d.entries[2].note = Some("<script>alert(1)</script>".into());
        d.entries[3].activity = Some("a \"quoted\" & 'single' walk".into());
        d.entries[4].retracted = Some(Box::new(Retraction {
            at: at(600),
            reason: Some("scored the <injection> site".into()),
            extra: Extra::default(),
        }));
        d.procedures[0].id = "b<1>".into();
        let html = render(&d);
        assert!(!html.contains("<script>"));
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(html.contains("a &quot;quoted&quot; &amp; &#39;single&#39; walk"));
        assert!(html.contains("scored the &lt;injection&gt; site"));
        assert!(html.contains("<tr class=\"retracted\"><td><del>e5</del></td>"));
        assert!(!html.contains("b<1>") && html.contains("b&lt;1&gt;"));
    }

    #[test]
    fn block_without_baseline_says_so() {
        let d = diary(&[(15, 3.0), (60, 4.0), (120, 5.0)]);
        let html = render(&d);
        assert!(html.contains("no baseline: relief cannot be computed"));
        assert!(!html.contains("class=\"baseline\""));
        assert!(!html.contains("class=\"threshold\""));
        assert_eq!(html.matches("<circle cx").count(), 3 + 3); // points + legend
        assert!(html.contains("no-baseline"));
    }
}
