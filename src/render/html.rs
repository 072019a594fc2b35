//! `report`: one self-contained, printable HTML5 document (SPEC §5): the result, each block's
//! evaluation and each RFA's follow-up (SPEC §3.6) with an inline SVG chart, the payer
//! documentation, the protocol and the diary.
//! No scripts and no external resources: it opens and prints offline.
//!
//! Escaping by construction: markup is written only from string literals ([`Html::tag`] takes
//! `&'static str`); every other text goes through [`Html::text`] (escaped) or [`Html::bdi`]
//! (escaped and bidi-isolated), numbers through [`Html::num`]. Renderers are fed by the
//! evaluation's result types and the diary; no clinical value is derived here.

use super::chart::tick_step;
use super::sanitize::is_bidi_control;
use super::{display_pct, display_time, round1};
use crate::diary::{Diary, Entry, Procedure, ProcedureKind};
use crate::evaluation::{
    AblationEvaluation, BlockEvaluation, Classification, DAY_NS, Evaluation, FORMULA, fmt_pct,
    same_target,
};
use crate::time_input::format_minutes;
use std::fmt::Write as _;

/// A paper size to set with `@page` (else the printer's or browser's own).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Paper {
    A4,
    Letter,
}

/// How the report is laid out, and what else it shows.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub paper: Option<Paper>,
    /// The same diary evaluated under `cms` (LCD L38801), for the payer section when the
    /// report's protocol is another one.
    pub payer: Option<Evaluation>,
}

/// `text` safe inside HTML text and attribute values: `&`, `<`, `>`, `"` and `'` become
/// entities; control characters (other than newline and tab) and bidirectional controls are
/// shown as `\u{..}`.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\n' | '\t' => out.push(c),
            c if c.is_control() || is_bidi_control(c) => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            _ => out.push(c),
        }
    }
    out
}

/// `text` as the content of a CSS string (`"…"`): every character outside a safe ASCII set
/// is a CSS escape, so no text can end the string or the `<style>` element.
fn css_string(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        if c.is_ascii_alphanumeric() || matches!(c, ' ' | '-' | '_' | '.' | ',' | ':' | '/') {
            out.push(c);
        } else if c.is_control() || is_bidi_control(c) {
            // Shown as `\u{..}`, as in the page.
            let _ = write!(out, "\\5c u\\7b {:x}\\7d ", c as u32);
        } else {
            let _ = write!(out, "\\{:x} ", c as u32);
        }
    }
    out.push('"');
    out
}

/// HTML under construction. Markup comes only from literals; text is always escaped.
struct Html(String);

/// Numbers that can be written into markup as they are.
trait Number {
    fn write_to(&self, out: &mut String);
}

impl Number for usize {
    fn write_to(&self, out: &mut String) {
        let _ = write!(out, "{self}");
    }
}

impl Number for i64 {
    fn write_to(&self, out: &mut String) {
        let _ = write!(out, "{self}");
    }
}

/// Chart coordinates: one decimal.
impl Number for f64 {
    fn write_to(&self, out: &mut String) {
        let v = if self.is_finite() { *self } else { 0.0 };
        let _ = write!(out, "{v:.1}");
    }
}

impl Html {
    fn new(capacity: usize) -> Html {
        Html(String::with_capacity(capacity))
    }

    /// Markup from the program itself (a literal).
    fn tag(&mut self, markup: &'static str) -> &mut Self {
        self.0.push_str(markup);
        self
    }

    /// Any text, escaped.
    fn text(&mut self, text: &str) -> &mut Self {
        self.0.push_str(&escape(text));
        self
    }

    /// Diary text: escaped and isolated, so it cannot reorder the page around it.
    fn bdi(&mut self, text: &str) -> &mut Self {
        self.0.push_str("<bdi>");
        self.0.push_str(&escape(text));
        self.0.push_str("</bdi>");
        self
    }

    /// An optional diary text, isolated; nothing when absent.
    fn opt(&mut self, text: Option<&str>) -> &mut Self {
        if let Some(t) = text.filter(|t| !t.is_empty()) {
            self.bdi(t);
        }
        self
    }

    fn num(&mut self, v: impl Number) -> &mut Self {
        v.write_to(&mut self.0);
        self
    }

    /// The program's own prose (rationale, reasons): escaped, with `50 %` and `≥ 50` joined
    /// by no-break spaces so that a line never starts with `%`.
    fn prose(&mut self, text: &str) -> &mut Self {
        self.text(&text.replace(" %", "\u{a0}%").replace("≥ ", "≥\u{a0}"))
    }

    /// A percentage that never breaks before its `%`: `73.3 %`, `–`.
    fn pct(&mut self, v: Option<f64>) -> &mut Self {
        self.text(&display_pct(v).replace(' ', "\u{a0}"))
    }

    /// `<tag>text</tag>` for a literal tag pair.
    fn wrap(&mut self, open: &'static str, text: &str, close: &'static str) -> &mut Self {
        self.tag(open).text(text).tag(close)
    }
}

const CSS: &str = r#"
:root { color-scheme: light; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  color: #1a1a1a; background: #fff; max-width: 62rem; margin: 1.5rem auto; padding: 0 1rem;
  line-height: 1.4; font-size: 15px; overflow-wrap: anywhere; word-break: normal; }
bdi, .iso { unicode-bidi: isolate; }
h1 { font-size: 1.6em; margin: 0 0 .4rem; }
h2 { font-size: 1.25em; margin: 1.4em 0 .5em; border-bottom: 1px solid #bbb; padding-bottom: .2em; }
h3 { font-size: 1em; margin: .9em 0 .3em; }
.summary h2 { margin-top: 0; }
.columns { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 0 1.5rem; }
.columns > * { min-width: 0; }
.columns h3 { margin-top: .3em; }
p { margin: .35rem 0; }
dl.facts { display: grid; grid-template-columns: minmax(4rem, max-content) minmax(0, 1fr); gap: .1rem 1rem; margin: .4rem 0; }
dl.facts dt { font-weight: 600; color: #444; }
dl.facts dd { margin: 0; min-width: 0; }
table { border-collapse: collapse; width: 100%; table-layout: fixed; font-size: .85rem; margin: .4rem 0; }
th, td { border: 1px solid #c8c8c8; padding: .15rem .35rem; text-align: left; vertical-align: top;
  overflow-wrap: anywhere; word-break: break-word; hyphens: none; }
th { background: #f0f0f0; overflow-wrap: break-word; word-break: normal; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.ctx th { background: #fff; font-weight: 400; color: #555; text-align: left; border: none; padding-left: 0; }
table.params { width: 100%; max-width: 40rem; }
.cls { font-weight: 700; padding: 0 .35rem; border-radius: .25rem; white-space: nowrap; }
.positive { color: #14532d; background: #dcfce7; }
.negative { color: #7f1d1d; background: #fee2e2; }
.inconclusive { color: #713f12; background: #fef3c7; }
.summary { border: 2px solid #333; border-radius: .4rem; padding: .6rem .9rem; margin: 1rem 0; }
.summary .step { font-size: 1.1rem; font-weight: 700; }
figure { margin: .6rem 0; }
figcaption { font-size: .8rem; color: #555; }
svg.chart { display: block; width: 100%; height: auto; max-width: 100%; border: 1px solid #ddd; }
svg.chart text { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; unicode-bidi: isolate; }
tr.retracted td { color: #777; }
tr.run td { background: #f0fdf4; }
tr.after td { color: #555; }
code { font-family: ui-monospace, Menlo, Consolas, "DejaVu Sans Mono", monospace; font-size: .9em; overflow-wrap: anywhere; }
.muted { color: #555; }
.nowrap { white-space: nowrap; }
ul.codes { margin: .2rem 0; padding-left: 1.2rem; }
.payer .card { border: 1px solid #999; border-radius: .3rem; padding: .4rem .7rem; margin: .6rem 0; }
.payer h3 { margin-top: .2rem; }
.blank { display: inline-block; min-width: 12rem; max-width: 100%; border-bottom: 1px solid #333; height: 1.1em; vertical-align: bottom; }
footer { margin-top: 2rem; font-size: .8rem; color: #555; border-top: 1px solid #ccc; padding-top: .4rem; }
@media screen { tr.ctx { display: none; } }
@media screen and (max-width: 40rem) {
  body { margin: .8rem auto; padding: 0 .6rem; font-size: 14px; }
  .columns { grid-template-columns: minmax(0, 1fr); }
  dl.facts { grid-template-columns: minmax(0, 1fr); }
  dl.facts dd { margin-bottom: .25rem; }
  table.cards, table.cards tbody, table.cards tr, table.cards td { display: block; width: 100%; }
  table.cards thead { display: none; }
  table.cards tr { border: 1px solid #c8c8c8; margin: 0 0 .4rem; padding: .2rem .35rem; }
  table.cards td { border: none; padding: .05rem 0; text-align: left; }
  table.cards td:empty { display: none; }
  table.cards td::before { content: attr(data-label) ": "; font-weight: 600; color: #444; }
}
@page { margin: 16mm 12mm 16mm; }
@media print {
  body { max-width: none; margin: 0; padding: 0; font-size: 9.5pt; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  .summary, figure, svg.chart, table.params, dl.facts, .payer .card, tr, tbody.keep { break-inside: avoid; page-break-inside: avoid; }
  h2, h3, .keep-next { break-after: avoid; page-break-after: avoid; }
  thead { display: table-header-group; }
  th { font-size: .9em; }
  th, td { padding: .1rem .25rem; }
  .payer .opening { break-inside: avoid; page-break-inside: avoid; }
  svg.chart { border: none; max-height: 90mm; }
  footer { break-inside: avoid; break-before: avoid; page-break-before: avoid; }
}
"#;

/// The print-only CSS: patient id and page number on every page, and the paper size if chosen.
fn page_css(patient: &str, options: &Options) -> String {
    let mut css = String::from("@page {");
    match options.paper {
        Some(Paper::A4) => css.push_str(" size: A4;"),
        Some(Paper::Letter) => css.push_str(" size: letter;"),
        None => {}
    }
    let _ = write!(
        css,
        "\n  @top-left {{ content: {}; font: 8pt system-ui, sans-serif; color: #444; }}\
\n  @top-right {{ content: \"Diagnostic block report\"; font: 8pt system-ui, sans-serif; color: #444; }}\
\n  @bottom-right {{ content: \"Page \" counter(page) \" of \" counter(pages); font: 8pt system-ui, sans-serif; color: #444; }}\
\n  @bottom-left {{ content: {}; font: 8pt system-ui, sans-serif; color: #444; }}\n}}\n",
        css_string(&format!("Patient: {patient}")),
        css_string(&format!("Patient: {patient}")),
    );
    css
}

/// A block's relief duration, `ongoing` after it when no later reading shows the pain back,
/// `none` without sustained relief.
fn relief_duration(h: &mut Html, b: &BlockEvaluation, ongoing: &'static str, none: &'static str) {
    match b.relief_duration_minutes {
        Some(m) => {
            h.text(&format_minutes(m));
            if b.relief_ongoing == Some(true) {
                h.tag(ongoing);
            }
        }
        None => {
            h.tag(none);
        }
    }
}

fn class_span(h: &mut Html, c: Classification) {
    h.tag("<span class=\"cls ")
        .text(c.as_str())
        .tag("\">")
        .text(c.as_str())
        .tag("</span>");
}

fn yes_no(v: bool) -> &'static str {
    if v { "yes" } else { "no" }
}

/// A duration for people: whole hours as `24 h`, else `1h30m`.
fn hours(minutes: i64) -> String {
    if minutes % 60 == 0 {
        format!("{}\u{a0}h", minutes / 60)
    } else {
        format_minutes(minutes)
    }
}

/// A score as written: `7`, `6.5`.
fn score(v: f64) -> String {
    fmt_pct(v)
}

/// Whole minutes from `from` to `to` (rounded down).
fn minutes_between(from: &crate::diary::Timestamp, to: &crate::diary::Timestamp) -> i64 {
    (to.instant() - from.instant()).div_euclid(60_000_000_000) as i64
}

/// The whole report. `file` is the diary path as given; `generated` the time of the report.
pub fn report(
    evaluation: &Evaluation,
    diary: &Diary,
    file: &str,
    generated: &str,
    options: &Options,
) -> String {
    let patient = evaluation
        .patient
        .as_deref()
        .filter(|p| !p.is_empty())
        .unwrap_or("no patient id");
    let mut h = Html::new(48 * 1024 + diary.entries.len() * 400);
    h.tag("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .tag("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        .tag("<title>Diagnostic block report – ")
        .text(patient)
        .tag("</title>\n<style>")
        .tag(CSS);
    // Built from escaped parts only (see `css_string`).
    h.0.push_str(&page_css(patient, options));
    h.tag("</style>\n</head>\n<body>\n<header>\n<h1>Diagnostic block report</h1>\n<dl class=\"facts\">\n")
        .tag("<dt>Patient</dt><dd>")
        .bdi(patient)
        .tag("</dd>\n<dt>Diary</dt><dd><code>")
        .bdi(file)
        .tag("</code></dd>\n<dt>Blocks</dt><dd>")
        .num(evaluation.blocks.len())
        .tag("</dd>\n<dt>Entries</dt><dd>")
        .num(diary.entries.len())
        .tag(" (")
        .num(diary.entries.iter().filter(|e| e.is_retracted()).count())
        .tag(" retracted)</dd>\n<dt>Generated</dt><dd>")
        .text(generated)
        .tag("</dd>\n</dl>\n</header>\n");

    summary(&mut h, evaluation);
    for block in &evaluation.blocks {
        block_section(&mut h, block, diary, evaluation, patient);
    }
    for (i, a) in evaluation.ablations.iter().enumerate() {
        rfa_section(&mut h, a, i, diary, evaluation);
    }
    payer_section(&mut h, evaluation, diary, options.payer.as_ref());
    protocol(&mut h, evaluation);
    diary_section(&mut h, diary, patient);

    h.tag("<footer>Generated by paindiary ")
        .text(env!("CARGO_PKG_VERSION"))
        .tag(" from the diary above. Relief is computed with <code>")
        .text(FORMULA)
        .tag("</code>. This report supports, and does not replace, clinical judgement.</footer>\n</body>\n</html>\n");
    h.0
}

fn summary(h: &mut Html, evaluation: &Evaluation) {
    h.tag("<section class=\"summary\">\n<h2>Result and next step</h2>\n");
    if let (true, Some(a)) = (evaluation.latest_is_rfa, evaluation.ablations.last()) {
        h.tag("<p>Latest procedure: radiofrequency ablation <strong>")
            .bdi(&a.id)
            .tag("</strong> (")
            .text(&display_time(&a.at))
            .tag("): follow-up <code>")
            .text(a.outcome.as_str())
            .tag("</code></p>\n");
    } else if let Some(latest) = evaluation.latest() {
        h.tag("<p>Latest block <strong>")
            .bdi(&latest.id)
            .tag("</strong> (")
            .text(&display_time(&latest.at))
            .tag("): ");
        class_span(h, latest.classification);
        h.tag("</p>\n");
    }
    h.tag("<p class=\"step\">Next step: ")
        .prose(evaluation.decision.step.describe())
        .tag(" <code>")
        .text(evaluation.decision.step.as_str())
        .tag("</code> <span class=\"muted\">[")
        .text(evaluation.decision.reason.as_str())
        .tag("]</span></p>\n<p>")
        .prose(&super::rationale::rationale(evaluation))
        .tag("</p>\n</section>\n");
}

fn protocol(h: &mut Html, evaluation: &Evaluation) {
    let p = &evaluation.protocol;
    h.tag("<section class=\"protocol\">\n<h2>Protocol <code>")
        .text(p.name)
        .tag("</code></h2>\n<p class=\"keep-next\">")
        .prose(p.summary)
        .tag(".</p>\n<table class=\"params\">\n<colgroup><col style=\"width:65%\"><col style=\"width:35%\"></colgroup>\n")
        .tag("<thead><tr><th>parameter</th><th>value</th></tr></thead>\n<tbody>\n");
    let rows: [(&str, String); 11] = [
        (
            "relief threshold T",
            format!("{}\u{a0}%", fmt_pct(p.threshold_pct)),
        ),
        (
            "partial floor P",
            format!("{}\u{a0}%", fmt_pct(p.partial_pct)),
        ),
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
                .map_or("–".into(), |d| format!("{d}\u{a0}days")),
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
        h.tag("<tr><td>")
            .text(name)
            .tag("</td><td>")
            .text(&value)
            .tag("</td></tr>\n");
    }
    h.tag("</tbody>\n</table>\n<p><strong>Source:</strong> ")
        .prose(p.source)
        .tag("</p>\n<p><strong>Formula:</strong> <code>")
        .text(FORMULA)
        .tag("</code>; relief counts when it is at least T. The threshold line of each chart is the score giving relief T: <code>baseline × (1 − T/100)</code>.</p>\n</section>\n");
}

/// `lumbar · L4-L5, L5-S1 · bilateral`, each diary text isolated; `–` when none is recorded.
fn site(h: &mut Html, p: &Procedure) {
    let mut first = true;
    let mut sep = |h: &mut Html| {
        if !std::mem::take(&mut first) {
            h.tag(" · ");
        }
    };
    if let Some(r) = p.region.as_deref().filter(|r| !r.is_empty()) {
        sep(h);
        h.bdi(r);
    }
    if !p.levels.is_empty() {
        sep(h);
        for (i, level) in p.levels.iter().enumerate() {
            if i > 0 {
                h.tag(", ");
            }
            h.bdi(level);
        }
    }
    if let Some(s) = p.side {
        sep(h);
        h.text(s.as_str());
    }
    if first {
        h.tag("–");
    }
}

fn agent(h: &mut Html, p: &Procedure) {
    h.text(p.anesthetic.map_or("–", |a| a.as_str()));
    if p.steroid {
        h.tag(" with steroid");
    }
}

fn procedure_facts(h: &mut Html, p: &Procedure) {
    h.tag("<dt>Kind</dt><dd>")
        .text(p.kind.as_str())
        .tag("</dd>\n<dt>Site</dt><dd>");
    site(h, p);
    h.tag("</dd>\n<dt>Agent</dt><dd>");
    agent(h, p);
    h.tag("</dd>\n<dt>Sedation</dt><dd>")
        .text(p.sedation.as_str())
        .tag("</dd>\n");
    if let Some(n) = p.note.as_ref().filter(|n| !n.trim().is_empty()) {
        h.tag("<dt>Note</dt><dd>").bdi(n).tag("</dd>\n");
    }
}

fn codes<'a>(h: &mut Html, items: impl Iterator<Item = (&'a str, String)>) {
    let mut any = false;
    for (code, text) in items {
        if !any {
            h.tag("<ul class=\"codes\">");
            any = true;
        }
        h.tag("<li><code>")
            .text(code)
            .tag("</code>: ")
            .prose(&text)
            .tag("</li>");
    }
    if any {
        h.tag("</ul>");
    } else {
        h.tag("none");
    }
}

/// The next procedure (not retracted, any kind) after the block, if any.
fn next_procedure<'a>(diary: &'a Diary, b: &BlockEvaluation) -> Option<&'a Procedure> {
    let at = b.at.instant();
    diary
        .procedures
        .iter()
        .enumerate()
        .filter(|(i, p)| *i != b.procedure && !p.is_retracted())
        .filter(|(i, p)| {
            let t = p.at.instant();
            t > at || (t == at && *i > b.procedure)
        })
        .min_by_key(|(i, p)| (p.at.instant(), *i))
        .map(|(_, p)| p)
}

/// The end of the block's evaluation window.
/// The length of the post-block window the engine used (`window_closes_at` = block + this).
fn window_end_minutes(evaluation: &Evaluation) -> i64 {
    evaluation.protocol.window_minutes
}

/// Entries (not retracted) after the window and before the next procedure that the engine did
/// not list as readings of the block: the return of pain, shown on the chart and in the table.
fn after_window<'a>(
    diary: &'a Diary,
    b: &BlockEvaluation,
    evaluation: &Evaluation,
) -> Vec<(usize, &'a Entry)> {
    let _ = evaluation;
    let window_end = b.window_end;
    let until = next_procedure(diary, b).map(|p| p.at.instant());
    let listed: std::collections::HashSet<usize> = b.readings.iter().map(|r| r.entry).collect();
    diary
        .entries
        .iter()
        .enumerate()
        .filter(|(i, e)| {
            let t = e.at.instant();
            !e.is_retracted()
                && t > window_end
                && until.is_none_or(|u| t < u)
                && !listed.contains(i)
        })
        .collect()
}

fn block_section(
    h: &mut Html,
    b: &BlockEvaluation,
    diary: &Diary,
    evaluation: &Evaluation,
    patient: &str,
) {
    h.tag("<section class=\"block\" id=\"block-")
        .num(b.procedure)
        .tag("\">\n<h2>Block ")
        .bdi(&b.id)
        .tag(" — ")
        .text(b.anesthetic.as_str())
        .tag(" — ");
    class_span(h, b.classification);
    h.tag("</h2>\n<div class=\"columns\">\n<div>\n<h3>Procedure</h3>\n<dl class=\"facts\">\n<dt>Time</dt><dd>")
        .text(&display_time(&b.at))
        .tag("</dd>\n");
    if let Some(p) = diary.procedures.get(b.procedure) {
        procedure_facts(h, p);
    }
    h.tag("</dl>\n</div>\n<div>\n<h3>Evaluation</h3>\n<dl class=\"facts\">\n<dt>Baseline</dt><dd>");
    match b.baseline {
        Some(v) => {
            h.text(&format!("{:.1}", round1(v)))
                .tag(" (mean of ")
                .num(b.baseline_readings)
                .tag(if b.baseline_readings == 1 {
                    " reading)"
                } else {
                    " readings)"
                });
        }
        None => {
            h.tag("no baseline (no reading in the baseline window)");
        }
    }
    h.tag("</dd>\n<dt>Post readings</dt><dd>")
        .num(b.post_readings)
        .tag(" in the ")
        .text(&hours(evaluation.protocol.window_minutes))
        .tag(" window</dd>\n<dt>Peak relief</dt><dd>")
        .pct(b.peak_relief_pct);
    if let Some(t) = &b.peak_at {
        h.tag(" at ").text(&display_time(t));
    }
    h.tag("</dd>\n<dt>Sustained</dt><dd>");
    match b.sustained_readings {
        Some(n) => {
            h.num(n)
                .tag(if n == 1 {
                    " consecutive reading"
                } else {
                    " consecutive readings"
                })
                .tag(" with relief ≥\u{a0}")
                .text(&fmt_pct(evaluation.protocol.threshold_pct))
                .tag("\u{a0}%");
        }
        None => {
            h.tag("–");
        }
    }
    h.tag("</dd>\n<dt>Relief duration</dt><dd>");
    relief_duration(
        h,
        b,
        " and ongoing (no later reading shows the pain back)",
        "–",
    );
    h.tag("</dd>\n<dt>Classification</dt><dd>");
    class_span(h, b.classification);
    h.tag("</dd>\n<dt>Reasons</dt><dd>");
    let p = &evaluation.protocol;
    codes(
        h,
        b.reasons
            .iter()
            .map(|r| (r.as_str(), super::rationale::describe_reason(*r, p))),
    );
    h.tag("</dd>\n<dt>Flags</dt><dd>");
    codes(
        h,
        b.flags
            .iter()
            .map(|f| (f.as_str(), super::rationale::describe_flag(*f, p))),
    );
    h.tag("</dd>\n</dl>\n</div>\n</div>\n");
    let after = after_window(diary, b, evaluation);
    h.tag("<figure>\n");
    svg_chart(h, b, diary, evaluation, &after);
    h.tag("<figcaption>Pain scores around block ")
        .bdi(&b.id)
        .tag(": time since the block (x), score 0–10 (y); the window ends at ")
        .text(&hours(window_end_minutes(evaluation)))
        .tag(
            ", later readings up to the next procedure are drawn hollow.</figcaption>\n</figure>\n",
        );
    readings_table(h, b, diary, &after, patient);
    h.tag("</section>\n");
}

/// Rows of a long table in three groups, so that print never leaves a page with one or two
/// stray rows: the first and last rows are kept together (`tbody.keep`).
fn row_groups(rows: usize) -> [std::ops::Range<usize>; 3] {
    const KEEP: usize = 3;
    if rows <= 2 * KEEP {
        [0..rows, rows..rows, rows..rows]
    } else {
        [0..KEEP, KEEP..rows - KEEP, rows - KEEP..rows]
    }
}

/// A table body from `rows` already rendered, grouped by [`row_groups`].
fn tbodies(h: &mut Html, rows: &[String]) {
    let [head, middle, tail] = row_groups(rows.len());
    for (range, keep) in [(head, true), (middle, false), (tail, true)] {
        if range.is_empty() {
            continue;
        }
        h.tag(if keep {
            "<tbody class=\"keep\">\n"
        } else {
            "<tbody>\n"
        });
        for row in &rows[range] {
            // Each row was built by an `Html` (escaped by construction).
            h.0.push_str(row);
        }
        h.tag("</tbody>\n");
    }
}

/// The context row of a table's head, printed on every page the table continues on.
fn context_row(h: &mut Html, columns: usize, patient: &str, what: &str, id: Option<&str>) {
    h.tag("<tr class=\"ctx\"><th colspan=\"")
        .num(columns)
        .tag("\">Patient ")
        .bdi(patient)
        .tag(" · ")
        .text(what);
    if let Some(id) = id {
        h.tag(" ").bdi(id);
    }
    h.tag("</th></tr>\n");
}

fn readings_table(
    h: &mut Html,
    b: &BlockEvaluation,
    diary: &Diary,
    after: &[(usize, &Entry)],
    patient: &str,
) {
    h.tag("<h3 class=\"keep-next\">Readings</h3>\n<table class=\"readings cards\">\n")
        .tag("<colgroup><col style=\"width:7%\"><col style=\"width:14%\"><col style=\"width:9%\"><col style=\"width:7%\"><col style=\"width:9%\"><col style=\"width:11%\"><col style=\"width:16%\"><col style=\"width:15%\"><col style=\"width:12%\"></colgroup>\n<thead>\n");
    context_row(h, 9, patient, "readings of block", Some(&b.id));
    h.tag("<tr><th>entry</th><th>time</th><th class=\"num\">since block</th><th class=\"num\">score</th><th class=\"num\">relief</th><th>role</th><th>activity</th><th>medication</th><th class=\"num\">patient relief</th></tr>\n</thead>\n");
    let mut rows = Vec::new();
    let row =
        |e: &Entry, minutes: i64, relief: Option<Option<f64>>, role: &str, class: &'static str| {
            let mut r = Html::new(512);
            r.tag("<tr")
                .tag(class)
                .tag("><td data-label=\"entry\">")
                .bdi(&e.id)
                .tag("</td><td data-label=\"time\">")
                .text(&display_time(&e.at))
                .tag("</td><td data-label=\"since block\" class=\"num\">")
                .text(&format_minutes(minutes))
                .tag("</td><td data-label=\"score\" class=\"num\">")
                .text(&score(e.score))
                .tag("</td><td data-label=\"relief\" class=\"num\">");
            if let Some(relief) = relief {
                r.pct(relief);
            }
            r.tag("</td><td data-label=\"role\">")
                .text(role)
                .tag("</td><td data-label=\"activity\">")
                .opt(e.activity.as_deref())
                .tag("</td><td data-label=\"medication\">")
                .opt(e.details.medication.as_deref())
                .tag("</td><td data-label=\"patient relief\" class=\"num\">");
            if let Some(p) = e.details.relief {
                r.text(&format!("{}\u{a0}%", fmt_pct(p)));
            }
            r.tag("</td></tr>\n");
            r.0
        };
    for e in b
        .baseline_entries
        .iter()
        .filter_map(|&i| diary.entries.get(i))
    {
        rows.push(row(e, minutes_between(&b.at, &e.at), None, "baseline", ""));
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
        let class = if r.in_run { " class=\"run\"" } else { "" };
        rows.push(row(
            e,
            r.minutes_after_block,
            Some(r.relief_pct),
            role,
            class,
        ));
    }
    for (_, e) in after {
        rows.push(row(
            e,
            minutes_between(&b.at, &e.at),
            None,
            "after the window",
            " class=\"after\"",
        ));
    }
    if rows.is_empty() {
        rows.push("<tr><td colspan=\"9\">no reading around this block</td></tr>\n".into());
    }
    tbodies(h, &rows);
    h.tag("</table>\n");
}

// ---------------------------------------------------------------------------------------
// The chart.

// Geometry of the SVG chart in user units (the viewBox is 720 × 320; the chart scales to the
// page width).
const LEFT: f64 = 44.0;
const RIGHT: f64 = 610.0;
const TOP: f64 = 22.0;
const BOTTOM: f64 = 236.0;
/// Share of the plot width for the readings after the window when their span is long.
const AFTER_SHARE: f64 = 0.3;

/// What a point on the chart is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PointKind {
    Baseline,
    PostBlock,
    InRun,
    AfterWindow,
}

/// One reading on the chart.
struct ChartPoint {
    /// Minutes since the block.
    minutes: f64,
    score: f64,
    kind: PointKind,
    /// The tooltip (plain text; escaped when written).
    tip: String,
}

/// The x axis: minutes since the block to user units. The window (and the baseline before it)
/// is linear; readings after the window get their own, compressed scale when their span is
/// longer than the window's part.
struct XAxis {
    first: f64,
    window_end: f64,
    last: f64,
    /// x where the window ends.
    split: f64,
}

impl XAxis {
    const LO: f64 = LEFT + 10.0;
    const HI: f64 = RIGHT - 10.0;

    fn new(first: f64, window_end: f64, last: f64) -> XAxis {
        let (lo, hi) = (Self::LO, Self::HI);
        let before = (window_end - first).max(1.0);
        let after = (last - window_end).max(0.0);
        let split = if after <= 0.0 {
            hi
        } else if after <= before * AFTER_SHARE / (1.0 - AFTER_SHARE) {
            // One linear scale for everything.
            lo + before / (before + after) * (hi - lo)
        } else {
            hi - AFTER_SHARE * (hi - lo)
        };
        XAxis {
            first,
            window_end,
            last,
            split,
        }
    }

    fn x(&self, m: f64) -> f64 {
        if m <= self.window_end || self.last <= self.window_end {
            let span = (self.window_end - self.first).max(1.0);
            Self::LO + (m - self.first) / span * (self.split - Self::LO)
        } else {
            let span = (self.last - self.window_end).max(1.0);
            self.split + (m - self.window_end) / span * (Self::HI - self.split)
        }
    }

    /// True when the part after the window has a scale of its own.
    fn compressed(&self) -> bool {
        let before = (self.window_end - self.first).max(1.0);
        let after = self.last - self.window_end;
        after > before * AFTER_SHARE / (1.0 - AFTER_SHARE)
    }
}

fn y_of(v: f64) -> f64 {
    BOTTOM - v.clamp(0.0, 10.0) / 10.0 * (BOTTOM - TOP)
}

fn line(
    h: &mut Html,
    class: &'static str,
    (x1, y1): (f64, f64),
    (x2, y2): (f64, f64),
    style: &'static str,
) {
    h.tag("<line class=\"")
        .tag(class)
        .tag("\" x1=\"")
        .num(x1)
        .tag("\" y1=\"")
        .num(y1)
        .tag("\" x2=\"")
        .num(x2)
        .tag("\" y2=\"")
        .num(y2)
        .tag("\" ")
        .tag(style)
        .tag("/>\n");
}

fn label(h: &mut Html, (x, y): (f64, f64), style: &'static str, text: &str) {
    h.tag("<text x=\"")
        .num(x)
        .tag("\" y=\"")
        .num(y)
        .tag("\" ")
        .tag(style)
        .tag(">")
        .text(text)
        .tag("</text>\n");
}

fn svg_chart(
    h: &mut Html,
    b: &BlockEvaluation,
    diary: &Diary,
    evaluation: &Evaluation,
    after: &[(usize, &Entry)],
) {
    let mut points: Vec<ChartPoint> = Vec::new();
    for e in b
        .baseline_entries
        .iter()
        .filter_map(|&i| diary.entries.get(i))
    {
        points.push(ChartPoint {
            minutes: minutes_between(&b.at, &e.at) as f64,
            score: e.score,
            kind: PointKind::Baseline,
            tip: format!(
                "{} {} baseline reading: score {}",
                e.id,
                display_time(&e.at),
                score(e.score)
            ),
        });
    }
    for r in &b.readings {
        let Some(e) = diary.entries.get(r.entry) else {
            continue;
        };
        points.push(ChartPoint {
            minutes: r.minutes_after_block as f64,
            score: r.score,
            kind: if r.in_run {
                PointKind::InRun
            } else {
                PointKind::PostBlock
            },
            tip: format!(
                "{} {} (+{}): score {}, relief {}",
                e.id,
                display_time(&e.at),
                format_minutes(r.minutes_after_block),
                score(r.score),
                display_pct(r.relief_pct).replace(' ', "\u{a0}")
            ),
        });
    }
    for (_, e) in after {
        let m = minutes_between(&b.at, &e.at);
        points.push(ChartPoint {
            minutes: m as f64,
            score: e.score,
            kind: PointKind::AfterWindow,
            tip: format!(
                "{} {} (+{}) after the window: score {}",
                e.id,
                display_time(&e.at),
                format_minutes(m),
                score(e.score)
            ),
        });
    }
    points.sort_by(|a, b| a.minutes.total_cmp(&b.minutes));
    let window_end = window_end_minutes(evaluation) as f64;
    let first = points.iter().map(|p| p.minutes).fold(0.0_f64, f64::min);
    let last = points.iter().map(|p| p.minutes).fold(window_end, f64::max);
    let axis = XAxis::new(first, window_end, last);

    // No xmlns: the HTML parser puts inline <svg> in the SVG namespace, and the report then
    // holds no URL at all.
    h.tag("<svg class=\"chart\" viewBox=\"0 0 720 320\" role=\"img\" aria-label=\"Pain scores around block ")
        .text(&b.id)
        .tag("\">\n<rect x=\"")
        .num(LEFT)
        .tag("\" y=\"")
        .num(TOP)
        .tag("\" width=\"")
        .num(RIGHT - LEFT)
        .tag("\" height=\"")
        .num(BOTTOM - TOP)
        .tag("\" fill=\"#fff\" stroke=\"#999\"/>\n");
    // The part after the window, shaded grey.
    if last > window_end {
        h.tag("<rect class=\"after-window\" x=\"")
            .num(axis.x(window_end))
            .tag("\" y=\"")
            .num(TOP)
            .tag("\" width=\"")
            .num(RIGHT - axis.x(window_end))
            .tag("\" height=\"")
            .num(BOTTOM - TOP)
            .tag("\" fill=\"#f3f4f6\"/>\n");
    }
    // The relief run, shaded between its first and last reading.
    let run: Vec<f64> = b
        .readings
        .iter()
        .filter(|r| r.in_run)
        .map(|r| axis.x(r.minutes_after_block as f64))
        .collect();
    if let (Some(&a), Some(&z)) = (run.first(), run.last()) {
        let (a, z) = if z - a < 6.0 {
            (a - 3.0, z + 3.0)
        } else {
            (a, z)
        };
        h.tag("<rect class=\"run\" x=\"")
            .num(a)
            .tag("\" y=\"")
            .num(TOP)
            .tag("\" width=\"")
            .num(z - a)
            .tag("\" height=\"")
            .num(BOTTOM - TOP)
            .tag("\" fill=\"#22c55e\" fill-opacity=\"0.16\"/>\n");
        label(
            h,
            ((a + z) / 2.0, TOP + 12.0),
            "font-size=\"11\" fill=\"#15803d\" text-anchor=\"middle\"",
            "relief run",
        );
    }
    // Grid and y axis.
    score_axis(h, &y_of);
    // X axis ticks and labels: the window part, then the part after it.
    let mut last_label = f64::NEG_INFINITY;
    let mut ticks = |h: &mut Html, from: f64, to: f64| {
        let step = tick_step(to - from);
        let mut k = (from / step).ceil() as i64;
        while (k as f64) * step <= to + 1e-9 {
            let m = k as f64 * step;
            let x = axis.x(m);
            line(h, "tick", (x, BOTTOM), (x, BOTTOM + 5.0), "stroke=\"#666\"");
            if x - last_label > 40.0 {
                let text = if k == 0 {
                    "0".to_string()
                } else {
                    format_minutes(m as i64)
                };
                label(
                    h,
                    (x, BOTTOM + 18.0),
                    "font-size=\"11\" text-anchor=\"middle\" fill=\"#333\"",
                    &text,
                );
                last_label = x;
            }
            k += 1;
        }
    };
    ticks(h, first, window_end);
    if axis.compressed() {
        ticks(h, window_end, last);
    }
    label(
        h,
        ((LEFT + RIGHT) / 2.0, BOTTOM + 34.0),
        "font-size=\"11\" text-anchor=\"middle\" fill=\"#333\"",
        if axis.compressed() {
            "time since the block (the part after the window is compressed)"
        } else {
            "time since the block"
        },
    );
    // The block.
    let x0 = axis.x(0.0);
    line(
        h,
        "block",
        (x0, TOP),
        (x0, BOTTOM),
        "stroke=\"#7c3aed\" stroke-width=\"1.5\" stroke-dasharray=\"2 3\"",
    );
    h.tag("<text x=\"")
        .num(x0)
        .tag("\" y=\"")
        .num(TOP - 5.0)
        .tag("\" font-size=\"11\" text-anchor=\"middle\" fill=\"#7c3aed\">block <tspan class=\"iso\">")
        .text(&b.id)
        .tag("</tspan></text>\n");
    // The end of the window.
    let xw = axis.x(window_end);
    line(
        h,
        "window-end",
        (xw, TOP),
        (xw, BOTTOM),
        "stroke=\"#0f766e\" stroke-width=\"1.5\" stroke-dasharray=\"8 3 2 3\"",
    );
    label(
        h,
        (xw - 3.0, BOTTOM - 6.0),
        "font-size=\"10\" text-anchor=\"end\" fill=\"#0f766e\"",
        &format!("window ends {}", hours(window_end_minutes(evaluation))),
    );
    // Baseline and threshold.
    match b.baseline {
        Some(base) => baseline_marks(h, base, evaluation.protocol.threshold_pct, &y_of),
        None => label(
            h,
            (RIGHT - 6.0, TOP + 14.0),
            "font-size=\"12\" fill=\"#b91c1c\" text-anchor=\"end\"",
            "no baseline: relief cannot be computed",
        ),
    }
    // The trajectory and its points.
    if points.len() > 1 {
        h.tag("<polyline points=\"");
        for (i, p) in points.iter().enumerate() {
            if i > 0 {
                h.tag(" ");
            }
            h.num(axis.x(p.minutes)).tag(",").num(y_of(p.score));
        }
        h.tag("\" fill=\"none\" stroke=\"#555\" stroke-width=\"1.2\"/>\n");
    }
    for p in &points {
        let style = match p.kind {
            PointKind::Baseline => "class=\"pt baseline-pt\" fill=\"#fff\" stroke=\"#1d4ed8\"",
            PointKind::PostBlock => "class=\"pt post-pt\" fill=\"#333\" stroke=\"#111\"",
            PointKind::InRun => "class=\"pt run-pt\" fill=\"#16a34a\" stroke=\"#14532d\"",
            PointKind::AfterWindow => "class=\"pt after-pt\" fill=\"#fff\" stroke=\"#555\"",
        };
        h.tag("<circle cx=\"")
            .num(axis.x(p.minutes))
            .tag("\" cy=\"")
            .num(y_of(p.score))
            .tag("\" r=\"4\" ")
            .tag(style)
            .tag(" stroke-width=\"1.5\"><title>")
            .text(&p.tip)
            .tag("</title></circle>\n");
    }
    // Legend, two rows.
    h.tag("<g class=\"legend\" font-size=\"11\" fill=\"#333\">\
<circle cx=\"50\" cy=\"292\" r=\"4\" fill=\"#fff\" stroke=\"#1d4ed8\" stroke-width=\"1.5\"/><text x=\"58\" y=\"296\">baseline reading</text>\
<circle cx=\"175\" cy=\"292\" r=\"4\" fill=\"#333\"/><text x=\"183\" y=\"296\">after the block</text>\
<circle cx=\"295\" cy=\"292\" r=\"4\" fill=\"#16a34a\"/><text x=\"303\" y=\"296\">in the relief run</text>\
<circle cx=\"420\" cy=\"292\" r=\"4\" fill=\"#fff\" stroke=\"#555\" stroke-width=\"1.5\"/><text x=\"428\" y=\"296\">after the window</text>\
<line x1=\"40\" y1=\"308\" x2=\"60\" y2=\"308\" stroke=\"#1d4ed8\" stroke-width=\"1.5\"/><text x=\"65\" y=\"312\">baseline</text>\
<line x1=\"125\" y1=\"308\" x2=\"145\" y2=\"308\" stroke=\"#c2410c\" stroke-width=\"1.5\" stroke-dasharray=\"6 4\"/><text x=\"150\" y=\"312\">threshold (relief = T)</text>\
<line x1=\"285\" y1=\"308\" x2=\"305\" y2=\"308\" stroke=\"#0f766e\" stroke-width=\"1.5\" stroke-dasharray=\"8 3 2 3\"/><text x=\"310\" y=\"312\">end of the window</text>\
<rect x=\"430\" y=\"302\" width=\"20\" height=\"10\" fill=\"#22c55e\" fill-opacity=\"0.16\"/><text x=\"455\" y=\"312\">relief run</text>\
</g>\n</svg>\n");
}

// ---------------------------------------------------------------------------------------
// After an RFA (SPEC §3.6): the follow-up on a time axis in weeks or months.

/// Average month length in days, for the month ticks.
const MONTH_DAYS: f64 = 30.4375;

/// The live (not retracted, not after `as_of`) entries that the engine averaged into the RFA's
/// baseline. The engine's baseline is every live entry in `[R.at − 30 d, R.at)` later than a
/// cut-off: always the latest `baseline_readings` live entries before the RFA, so they are
/// picked by the evaluation's own count (nothing is re-judged here).
fn rfa_baseline_entries<'a>(
    a: &AblationEvaluation,
    diary: &'a Diary,
    evaluation: &Evaluation,
) -> Vec<&'a Entry> {
    let at = a.at.instant();
    let cut = evaluation
        .as_of
        .as_ref()
        .map(|t| crate::diary::Timestamp::new(*t).instant());
    let mut before: Vec<&Entry> = diary
        .entries
        .iter()
        .filter(|e| {
            let t = e.at.instant();
            !e.is_retracted() && t < at && cut.is_none_or(|c| t <= c)
        })
        .collect();
    before.sort_by_key(|e| e.at.instant());
    let skip = before.len().saturating_sub(a.baseline_readings);
    before.split_off(skip)
}

/// The score axis of a chart: a grid line for every score 0–10, labels on the even ones, and
/// the axis title.
fn score_axis(h: &mut Html, y_of: &dyn Fn(f64) -> f64) {
    for v in 0..=10 {
        let y = y_of(f64::from(v));
        line(
            h,
            "grid",
            (LEFT, y),
            (RIGHT, y),
            "stroke=\"#e5e5e5\" stroke-width=\"1\"",
        );
        if v % 2 == 0 {
            label(
                h,
                (LEFT - 6.0, y + 4.0),
                "font-size=\"11\" text-anchor=\"end\" fill=\"#333\"",
                &v.to_string(),
            );
        }
    }
    h.tag("<text x=\"12\" y=\"129\" font-size=\"11\" fill=\"#333\" transform=\"rotate(-90 12 129)\" text-anchor=\"middle\">pain score</text>\n");
}

/// The baseline line of a chart, labelled, and (with a baseline above 0) its threshold line.
fn baseline_marks(h: &mut Html, base: f64, t: f64, y_of: &dyn Fn(f64) -> f64) {
    let y = y_of(base);
    line(
        h,
        "baseline",
        (LEFT, y),
        (RIGHT, y),
        "stroke=\"#1d4ed8\" stroke-width=\"1.5\"",
    );
    label(
        h,
        (RIGHT + 5.0, y + 4.0),
        "font-size=\"11\" fill=\"#1d4ed8\"",
        &format!("baseline {:.1}", round1(base)),
    );
    if base > 0.0 {
        threshold_marks(h, base, y, t, y_of);
    }
}

/// The threshold line of a chart: the score that gives `t` % relief against `base` (drawn at
/// `base_y`), labelled with the score and the percentage, the labels kept apart from the
/// baseline's when the lines are close.
fn threshold_marks(h: &mut Html, base: f64, base_y: f64, t: f64, y_of: &dyn Fn(f64) -> f64) {
    let level = base * (1.0 - t / 100.0);
    let ty = y_of(level);
    let label_y = if (ty - base_y).abs() < 13.0 {
        base_y + 17.0
    } else {
        ty + 4.0
    };
    line(
        h,
        "threshold",
        (LEFT, ty),
        (RIGHT, ty),
        "stroke=\"#c2410c\" stroke-width=\"1.5\" stroke-dasharray=\"6 4\"",
    );
    label(
        h,
        (RIGHT + 5.0, label_y),
        "font-size=\"11\" fill=\"#c2410c\"",
        &format!("threshold {:.1}", round1(level)),
    );
    label(
        h,
        (RIGHT + 5.0, label_y + 12.0),
        "font-size=\"10\" fill=\"#c2410c\"",
        &format!("({}\u{a0}% relief)", fmt_pct(t)),
    );
}

/// The RFA days in words: `6 months` (182), `3 months` (91), else `N days`.
fn rfa_days_words(days: i64) -> String {
    match days {
        crate::evaluation::RFA_MIN_DAYS => "6 months".into(),
        crate::evaluation::CERVICAL_MIN_DAYS => "3 months".into(),
        d => format!("{d} days"),
    }
}

/// Where the RFA limits come from.
fn rfa_limits_source(a: &AblationEvaluation) -> &'static str {
    if a.min_days == crate::evaluation::CERVICAL_MIN_DAYS
        && a.threshold_pct == crate::evaluation::CERVICAL_THRESHOLD_PCT
    {
        "ASRA cervical guideline"
    } else {
        "LCD L38801"
    }
}

/// Ticks of the RFA axis: (step in days, unit label): weeks up to 16 weeks, else months.
fn rfa_ticks(span_days: f64) -> (f64, &'static str, i64) {
    if span_days <= 16.0 * 7.0 {
        let weeks = (span_days / 7.0 / 6.0).ceil().max(1.0);
        (weeks * 7.0, "w", weeks as i64)
    } else {
        let months = (span_days / MONTH_DAYS / 7.0).ceil().max(1.0);
        (months * MONTH_DAYS, "m", months as i64)
    }
}

/// One RFA's follow-up: the procedure, the key facts of its evaluation and its chart.
fn rfa_section(
    h: &mut Html,
    a: &AblationEvaluation,
    index: usize,
    diary: &Diary,
    evaluation: &Evaluation,
) {
    h.tag("<section class=\"rfa\" id=\"rfa-")
        .num(index)
        .tag("\">\n<h2>RFA ")
        .bdi(&a.id)
        .tag(" — follow-up — <span class=\"cls rfa-outcome\">")
        .text(a.outcome.as_str())
        .tag("</span></h2>\n<div class=\"columns\">\n<div>\n<h3>Procedure</h3>\n<dl class=\"facts\">\n<dt>Time</dt><dd>")
        .text(&display_time(&a.at))
        .tag("</dd>\n");
    let procedure = diary
        .procedures
        .iter()
        .find(|p| !p.is_retracted() && p.id == a.id && p.at.instant() == a.at.instant());
    if let Some(p) = procedure {
        procedure_facts(h, p);
    }
    h.tag("</dl>\n</div>\n<div>\n<h3>Follow-up</h3>\n<dl class=\"facts\">\n<dt>Baseline</dt><dd>");
    match a.baseline {
        Some(v) => {
            h.text(&format!("{:.1}", round1(v)))
                .tag(" (mean of ")
                .num(a.baseline_readings)
                .tag(if a.baseline_readings == 1 {
                    " reading"
                } else {
                    " readings"
                })
                .tag(" in the 30 days before)");
        }
        None => {
            h.tag("no baseline (no reading in the 30 days before)");
        }
    }
    h.tag("</dd>\n<dt>Follow-up readings</dt><dd>")
        .num(a.follow_up_readings)
        .tag(" (from day ")
        .num(crate::evaluation::RFA_HEALING_DAYS)
        .tag(" after the RFA)</dd>\n<dt>Limits</dt><dd>relief ≥\u{a0}")
        .text(&fmt_pct(a.threshold_pct))
        .tag("\u{a0}% for ≥\u{a0}")
        .num(a.min_days)
        .tag(" days (")
        .text(rfa_limits_source(a))
        .tag(")</dd>\n<dt>Peak relief</dt><dd>")
        .pct(a.peak_relief_pct)
        .tag("</dd>\n<dt>Relief lasted</dt><dd>");
    match (a.relief_duration_days, a.relief_ongoing) {
        (Some(d), Some(true)) => {
            h.num(d).tag(" days so far (ongoing)");
        }
        (Some(d), _) => {
            h.num(d).tag(" days");
            if let Some(r) = a.return_reading() {
                h.tag(" (the pain returned by day ")
                    .num(r.days_after)
                    .tag(")");
            }
        }
        (None, _) => {
            h.tag("–");
        }
    }
    h.tag("</dd>\n<dt>Outcome</dt><dd><code>")
        .text(a.outcome.as_str())
        .tag("</code> ")
        .prose(a.outcome.describe());
    if !a.reasons.is_empty() {
        h.tag(" [");
        for (i, r) in a.reasons.iter().enumerate() {
            if i > 0 {
                h.tag(", ");
            }
            h.tag("<code>").text(r.as_str()).tag("</code>");
        }
        h.tag("]");
    }
    h.tag("</dd>\n</dl>\n</div>\n</div>\n<figure>\n");
    rfa_svg_chart(h, a, diary, evaluation);
    h.tag("<figcaption>Pain scores around RFA ")
        .bdi(&a.id)
        .tag(": days since the RFA (x; ticks in weeks up to 16 weeks, else months), score 0–10 (y). The first ")
        .num(crate::evaluation::RFA_HEALING_DAYS)
        .tag(" days are shaded (nerve healing: readings there do not count); follow-up readings with relief ≥\u{a0}")
        .text(&fmt_pct(a.threshold_pct))
        .tag("\u{a0}% are filled, the others hollow; the relief period is shaded green; the dashed vertical line marks ")
        .text(&rfa_days_words(a.min_days))
        .tag(" (")
        .num(a.min_days)
        .tag(" days).</figcaption>\n</figure>\n</section>\n");
}

/// The RFA's chart: days since the RFA (x) against the score (y), with the baseline
/// readings before it and the follow-up readings the engine listed.
fn rfa_svg_chart(h: &mut Html, a: &AblationEvaluation, diary: &Diary, evaluation: &Evaluation) {
    let at = a.at.instant();
    let days = |t: i128| (t - at) as f64 / DAY_NS as f64;
    let baseline_points: Vec<(f64, &Entry)> = rfa_baseline_entries(a, diary, evaluation)
        .into_iter()
        .map(|e| (days(e.at.instant()), e))
        .collect();
    let first = baseline_points
        .iter()
        .map(|p| p.0)
        .fold(0.0_f64, f64::min)
        .min(-(crate::evaluation::RFA_BASELINE_DAYS as f64));
    let last = a.readings.last().map_or(0.0, |r| days(r.at.instant()));
    let span = last.max(a.min_days as f64 + 14.0).max(35.0);
    let (lo, hi) = (LEFT + 10.0, RIGHT - 10.0);
    let x = |d: f64| lo + (d - first) / (span - first) * (hi - lo);

    h.tag("<svg class=\"chart rfa-chart\" viewBox=\"0 0 720 320\" role=\"img\" aria-label=\"Pain scores around RFA ")
        .text(&a.id)
        .tag("\">\n<rect x=\"")
        .num(LEFT)
        .tag("\" y=\"")
        .num(TOP)
        .tag("\" width=\"")
        .num(RIGHT - LEFT)
        .tag("\" height=\"")
        .num(BOTTOM - TOP)
        .tag("\" fill=\"#fff\" stroke=\"#999\"/>\n");
    // The healing period, shaded grey and hatched (readable in black and white).
    let (x0, xh) = (x(0.0), x(crate::evaluation::RFA_HEALING_DAYS as f64));
    h.tag("<rect class=\"healing\" x=\"")
        .num(x0)
        .tag("\" y=\"")
        .num(TOP)
        .tag("\" width=\"")
        .num(xh - x0)
        .tag("\" height=\"")
        .num(BOTTOM - TOP)
        .tag("\" fill=\"#e5e7eb\" stroke=\"#9ca3af\" stroke-dasharray=\"2 2\"/>\n");
    label(
        h,
        (x0 + 3.0, BOTTOM - 6.0),
        "font-size=\"10\" fill=\"#4b5563\"",
        "healing",
    );
    // The relief period, shaded between its first and last good reading.
    let period = a
        .period
        .and_then(|p| Some((a.readings.get(p.start)?, a.readings.get(p.last_good)?)));
    if let Some((s, z)) = period {
        let (s, z) = (x(days(s.at.instant())), x(days(z.at.instant())));
        let (s, z) = if z - s < 6.0 {
            (s - 3.0, z + 3.0)
        } else {
            (s, z)
        };
        h.tag("<rect class=\"relief-period\" x=\"")
            .num(s)
            .tag("\" y=\"")
            .num(TOP)
            .tag("\" width=\"")
            .num(z - s)
            .tag("\" height=\"")
            .num(BOTTOM - TOP)
            .tag("\" fill=\"#22c55e\" fill-opacity=\"0.16\"/>\n");
        label(
            h,
            ((s + z) / 2.0, TOP + 12.0),
            "font-size=\"11\" fill=\"#15803d\" text-anchor=\"middle\"",
            if a.relief_ongoing == Some(true) {
                "relief period (ongoing)"
            } else {
                "relief period"
            },
        );
    }
    // Grid and y axis.
    score_axis(h, &y_of);
    // X axis: the start of the baseline window, then ticks in weeks or months.
    let xb = x(-(crate::evaluation::RFA_BASELINE_DAYS as f64));
    line(
        h,
        "tick",
        (xb, BOTTOM),
        (xb, BOTTOM + 5.0),
        "stroke=\"#666\"",
    );
    label(
        h,
        (xb, BOTTOM + 18.0),
        "font-size=\"11\" text-anchor=\"middle\" fill=\"#333\"",
        &format!("−{}\u{a0}d", crate::evaluation::RFA_BASELINE_DAYS),
    );
    let (step, unit, per) = rfa_ticks(span);
    let mut k = 0_i64;
    let mut last_label = xb;
    while (k as f64) * step <= span + 1e-9 {
        let tx = x(k as f64 * step);
        line(
            h,
            "tick",
            (tx, BOTTOM),
            (tx, BOTTOM + 5.0),
            "stroke=\"#666\"",
        );
        if tx - last_label > 30.0 {
            let text = if k == 0 {
                "0".to_string()
            } else {
                format!("{}{unit}", k * per)
            };
            label(
                h,
                (tx, BOTTOM + 18.0),
                "font-size=\"11\" text-anchor=\"middle\" fill=\"#333\"",
                &text,
            );
            last_label = tx;
        }
        k += 1;
    }
    label(
        h,
        ((LEFT + RIGHT) / 2.0, BOTTOM + 34.0),
        "font-size=\"11\" text-anchor=\"middle\" fill=\"#333\"",
        if unit == "w" {
            "time since the RFA (w = weeks)"
        } else {
            "time since the RFA (m = months)"
        },
    );
    // The RFA.
    line(
        h,
        "rfa",
        (x0, TOP),
        (x0, BOTTOM),
        "stroke=\"#7c3aed\" stroke-width=\"1.5\" stroke-dasharray=\"2 3\"",
    );
    h.tag("<text x=\"")
        .num(x0)
        .tag("\" y=\"")
        .num(TOP - 5.0)
        .tag(
            "\" font-size=\"11\" text-anchor=\"middle\" fill=\"#7c3aed\">RFA <tspan class=\"iso\">",
        )
        .text(&a.id)
        .tag("</tspan></text>\n");
    // The RFA days (6 or 3 months).
    let xm = x(a.min_days as f64);
    line(
        h,
        "min-days",
        (xm, TOP),
        (xm, BOTTOM),
        "stroke=\"#0f766e\" stroke-width=\"1.5\" stroke-dasharray=\"8 3 2 3\"",
    );
    label(
        h,
        (xm - 3.0, BOTTOM - 6.0),
        "font-size=\"10\" text-anchor=\"end\" fill=\"#0f766e\"",
        &rfa_days_words(a.min_days),
    );
    // Baseline and threshold.
    match a.baseline {
        Some(base) => baseline_marks(h, base, a.threshold_pct, &y_of),
        None => label(
            h,
            (RIGHT - 6.0, TOP + 26.0),
            "font-size=\"12\" fill=\"#b91c1c\" text-anchor=\"end\"",
            "no baseline: relief cannot be computed",
        ),
    }
    // The trajectory: baseline readings, then the follow-up.
    let trail: Vec<(f64, f64)> = baseline_points
        .iter()
        .map(|(d, e)| (*d, e.score))
        .chain(a.readings.iter().map(|r| (days(r.at.instant()), r.score)))
        .collect();
    if trail.len() > 1 {
        h.tag("<polyline points=\"");
        for (i, (d, s)) in trail.iter().enumerate() {
            if i > 0 {
                h.tag(" ");
            }
            h.num(x(*d)).tag(",").num(y_of(*s));
        }
        h.tag("\" fill=\"none\" stroke=\"#555\" stroke-width=\"1.2\"/>\n");
    }
    for (d, e) in &baseline_points {
        h.tag("<rect x=\"")
            .num(x(*d) - 3.5)
            .tag("\" y=\"")
            .num(y_of(e.score) - 3.5)
            .tag("\" width=\"7\" height=\"7\" class=\"pt baseline-pt\" fill=\"#fff\" stroke=\"#1d4ed8\" stroke-width=\"1.5\"><title>")
            .text(&format!(
                "{} {} baseline reading: score {}",
                e.id,
                display_time(&e.at),
                score(e.score)
            ))
            .tag("</title></rect>\n");
    }
    for r in &a.readings {
        let style = match (r.in_period, r.good) {
            (true, _) => "class=\"pt period-pt\" fill=\"#16a34a\" stroke=\"#14532d\"",
            (false, true) => "class=\"pt good-pt\" fill=\"#333\" stroke=\"#111\"",
            (false, false) => "class=\"pt not-good-pt\" fill=\"#fff\" stroke=\"#555\"",
        };
        h.tag("<circle cx=\"")
            .num(x(days(r.at.instant())))
            .tag("\" cy=\"")
            .num(y_of(r.score))
            .tag("\" r=\"4\" ")
            .tag(style)
            .tag(" stroke-width=\"1.5\"><title>")
            .text(&format!(
                "{} {} (day {}): score {}, relief {}{}",
                r.id,
                display_time(&r.at),
                r.days_after,
                score(r.score),
                display_pct(r.relief_pct).replace(' ', "\u{a0}"),
                if r.good { " (good)" } else { " (not good)" }
            ))
            .tag("</title></circle>\n");
    }
    // Legend, two rows.
    h.tag("<g class=\"legend\" font-size=\"11\" fill=\"#333\">\
<rect x=\"46.5\" y=\"288.5\" width=\"7\" height=\"7\" fill=\"#fff\" stroke=\"#1d4ed8\" stroke-width=\"1.5\"/><text x=\"58\" y=\"296\">baseline reading</text>\
<circle cx=\"175\" cy=\"292\" r=\"4\" fill=\"#333\"/><text x=\"183\" y=\"296\">good (relief ≥ limit)</text>\
<circle cx=\"320\" cy=\"292\" r=\"4\" fill=\"#16a34a\" stroke=\"#14532d\" stroke-width=\"1.5\"/><text x=\"328\" y=\"296\">good, in the relief period</text>\
<circle cx=\"500\" cy=\"292\" r=\"4\" fill=\"#fff\" stroke=\"#555\" stroke-width=\"1.5\"/><text x=\"508\" y=\"296\">not good</text>\
<line x1=\"40\" y1=\"308\" x2=\"60\" y2=\"308\" stroke=\"#1d4ed8\" stroke-width=\"1.5\"/><text x=\"65\" y=\"312\">baseline</text>\
<line x1=\"125\" y1=\"308\" x2=\"145\" y2=\"308\" stroke=\"#c2410c\" stroke-width=\"1.5\" stroke-dasharray=\"6 4\"/><text x=\"150\" y=\"312\">threshold</text>\
<line x1=\"215\" y1=\"308\" x2=\"235\" y2=\"308\" stroke=\"#0f766e\" stroke-width=\"1.5\" stroke-dasharray=\"8 3 2 3\"/><text x=\"240\" y=\"312\">");
    h.text(&rfa_days_words(a.min_days));
    h.tag("</text>\
<rect x=\"310\" y=\"302\" width=\"20\" height=\"10\" fill=\"#e5e7eb\" stroke=\"#9ca3af\" stroke-dasharray=\"2 2\"/><text x=\"335\" y=\"312\">healing</text>\
<rect x=\"400\" y=\"302\" width=\"20\" height=\"10\" fill=\"#22c55e\" fill-opacity=\"0.16\"/><text x=\"425\" y=\"312\">relief period</text>\
</g>\n</svg>\n");
}

// ---------------------------------------------------------------------------------------
// Payer documentation (SPEC §5; what LCD L38801 asks the clinician to document).

/// The RFA follow-up outcome for the payer section.
/// The RFA's follow-up outcome (SPEC §3.6) as the evaluation gives it, with its figures.
fn rfa_outcome(evaluation: &Evaluation, id: &str) -> Option<String> {
    let a = evaluation.ablations.iter().find(|a| a.id == id)?;
    let mut text = a.outcome.as_str().to_string();
    let mut facts = Vec::new();
    if let Some(peak) = a.peak_relief_pct {
        facts.push(format!("peak relief {}\u{a0}%", round1(peak)));
    }
    if let Some(days) = a.relief_duration_days {
        facts.push(format!("relief lasted {days} days"));
    }
    facts.push(format!(
        "limits ≥\u{a0}{}\u{a0}% for {} days",
        crate::evaluation::fmt_pct(a.threshold_pct),
        a.min_days
    ));
    text.push_str(&format!(" ({})", facts.join("; ")));
    Some(text)
}

/// Whether the block's relief was judged on ratings during a provoking activity (SPEC §3.1
/// comparison).
fn provocation_verdict(b: &BlockEvaluation) -> Option<&'static str> {
    Some(match b.comparison {
        crate::evaluation::Comparison::Provoked => {
            "provoked comparison: baseline and relief rated during the activity"
        }
        crate::evaluation::Comparison::All => "no provoked baseline rating: every rating counts",
    })
}

/// ` (reason, reason)` after a verdict; nothing without reasons.
fn reason_list(h: &mut Html, reasons: &[crate::evaluation::Reason]) {
    if reasons.is_empty() {
        return;
    }
    h.tag(" (");
    for (i, r) in reasons.iter().enumerate() {
        if i > 0 {
            h.tag(", ");
        }
        h.text(r.as_str());
    }
    h.tag(")");
}

fn blank(h: &mut Html, what: &'static str) {
    h.tag("<dt>")
        .tag(what)
        .tag("</dt><dd><span class=\"blank\"></span></dd>\n");
}

fn payer_section(h: &mut Html, evaluation: &Evaluation, diary: &Diary, cms: Option<&Evaluation>) {
    h.tag("<section class=\"payer\" id=\"payer\">\n<div class=\"opening\">\n<h2>Payer documentation</h2>\n")
        .tag("<p class=\"muted\">What Medicare LCD L38801 (Facet Joint Interventions) asks the clinician to document for each diagnostic block, taken only from this diary. Items the diary cannot show are left blank for the clinician to complete.</p>\n");
    // The heading stays on the page of the first card.
    let mut opening = true;
    for (k, b) in evaluation.blocks.iter().enumerate() {
        let Some(p) = diary.procedures.get(b.procedure) else {
            continue;
        };
        h.tag("<div class=\"card\">\n<h3>Block ")
            .bdi(&b.id)
            .tag(" — ")
            .text(&display_time(&b.at))
            .tag("</h3>\n<dl class=\"facts\">\n<dt>Procedure</dt><dd>")
            .text(p.kind.as_str())
            .tag("</dd>\n<dt>Target</dt><dd>");
        site(h, p);
        h.tag("</dd>\n<dt>Agent</dt><dd>")
            .text(p.anesthetic.map_or("–", |a| a.as_str()))
            .tag("</dd>\n<dt>Steroid</dt><dd>")
            .text(yes_no(p.steroid))
            .tag("</dd>\n<dt>Sedation</dt><dd>")
            .text(p.sedation.as_str())
            .tag("</dd>\n<dt>Pain scale</dt><dd>NRS-11 (0–10 numeric rating scale, patient-reported)</dd>\n<dt>Baseline</dt><dd>");
        match b.baseline {
            Some(v) => {
                h.text(&format!("{:.1}", round1(v))).tag(" (mean of ");
                let readings: Vec<&Entry> = b
                    .baseline_entries
                    .iter()
                    .filter_map(|&i| diary.entries.get(i))
                    .collect();
                h.num(readings.len()).tag(if readings.len() == 1 {
                    " reading"
                } else {
                    " readings"
                });
                for (i, e) in readings.iter().enumerate() {
                    h.tag(if i == 0 { ": " } else { "; " })
                        .bdi(&e.id)
                        .tag(" ")
                        .text(&display_time(&e.at))
                        .tag(" score\u{a0}")
                        .text(&score(e.score));
                }
                h.tag(")");
            }
            None => {
                h.tag("none recorded in the baseline window");
            }
        }
        h.tag("</dd>\n<dt>Peak relief</dt><dd>")
            .pct(b.peak_relief_pct);
        if let Some(t) = &b.peak_at {
            h.tag(" at ").text(&display_time(t));
        }
        h.tag("</dd>\n<dt>Relief duration</dt><dd>");
        relief_duration(
            h,
            b,
            " (ongoing at the last reading)",
            "no sustained relief",
        );
        h.tag("</dd>\n<dt>Activity during relief</dt><dd>");
        if let Some(verdict) = provocation_verdict(b) {
            h.text(verdict).tag("; ");
        }
        // The readings of the relief run (the engine's), with the activity the patient wrote.
        let run: Vec<&Entry> = b
            .readings
            .iter()
            .filter(|r| r.in_run)
            .filter_map(|r| diary.entries.get(r.entry))
            .collect();
        let provoked: Vec<&&Entry> = run.iter().filter(|e| e.has_activity()).collect();
        if run.is_empty() {
            h.tag("no relief run");
        } else if provoked.is_empty() {
            h.tag("no provoking activity recorded on the readings of the relief run");
        } else {
            h.tag("rated during ");
            for (i, e) in provoked.iter().enumerate() {
                if i > 0 {
                    h.tag(", ");
                }
                h.opt(e.activity.as_deref()).tag(" (").bdi(&e.id).tag(")");
            }
            if provoked.len() < run.len() {
                h.tag("; ")
                    .num(run.len() - provoked.len())
                    .tag(" of the ")
                    .num(run.len())
                    .tag(" relief-run readings without an activity");
            }
        }
        h.tag("</dd>\n<dt>Interval</dt><dd>");
        let previous = evaluation.blocks[..k].iter().rev().find(|prev| {
            diary
                .procedures
                .get(prev.procedure)
                .is_some_and(|q| same_target(q, p))
        });
        match previous {
            Some(prev) => {
                let days = (b.at.instant() - prev.at.instant()).div_euclid(86_400_000_000_000);
                h.num(days as i64)
                    .tag(if days == 1 { " day" } else { " days" })
                    .tag(" since block ")
                    .bdi(&prev.id)
                    .tag(" on the same target (")
                    .text(&display_time(&prev.at))
                    .tag(")");
            }
            None => {
                h.tag("first block on this target in the diary");
            }
        }
        h.tag("</dd>\n<dt>Verdict</dt><dd>");
        class_span(h, b.classification);
        h.tag(" under protocol <code>")
            .text(evaluation.protocol.name)
            .tag("</code>");
        reason_list(h, &b.reasons);
        // The payer's own criteria (LCD L38801 = protocol cms), when the report uses another.
        if let Some(c) = cms.and_then(|c| c.blocks.iter().find(|x| x.id == b.id)) {
            h.tag("; ");
            class_span(h, c.classification);
            h.tag(" under <code>cms</code> (LCD L38801)");
            reason_list(h, &c.reasons);
        }
        h.tag("</dd>\n");
        blank(h, "Imaging guidance");
        blank(h, "Informed consent");
        blank(h, "Clinician, date");
        h.tag("</dl>\n</div>\n");
        if std::mem::take(&mut opening) {
            h.tag("</div>\n");
        }
    }
    if opening {
        h.tag("</div>\n");
    }
    let ablations: Vec<(usize, &Procedure)> = diary
        .procedures
        .iter()
        .enumerate()
        .filter(|(_, p)| p.kind == ProcedureKind::RadiofrequencyAblation && !p.is_retracted())
        .collect();
    for (_, p) in ablations {
        h.tag("<div class=\"card\">\n<h3>RFA ")
            .bdi(&p.id)
            .tag(" — ")
            .text(&display_time(&p.at))
            .tag("</h3>\n<dl class=\"facts\">\n<dt>Target</dt><dd>");
        site(h, p);
        h.tag("</dd>\n<dt>Follow-up outcome</dt><dd>");
        match rfa_outcome(evaluation, &p.id) {
            Some(outcome) => {
                h.text(&outcome);
            }
            None => {
                h.tag("not evaluated in this report (see <code>paindiary evaluate</code>)");
            }
        }
        h.tag("</dd>\n");
        blank(h, "Imaging guidance");
        blank(h, "Informed consent");
        blank(h, "Clinician, date");
        h.tag("</dl>\n</div>\n");
    }
    h.tag("</section>\n");
}

// ---------------------------------------------------------------------------------------
// The diary.

fn diary_section(h: &mut Html, diary: &Diary, patient: &str) {
    h.tag("<section class=\"diary\">\n<h2>Diary</h2>\n<h3 class=\"keep-next\">Procedures</h3>\n<table class=\"procedures cards\">\n")
        .tag("<colgroup><col style=\"width:6%\"><col style=\"width:13%\"><col style=\"width:12%\"><col style=\"width:9%\"><col style=\"width:9%\"><col style=\"width:7%\"><col style=\"width:10%\"><col style=\"width:9%\"><col style=\"width:10%\"><col style=\"width:15%\"></colgroup>\n<thead>\n");
    context_row(h, 10, patient, "procedures", None);
    h.tag("<tr><th>id</th><th>time</th><th>kind</th><th>region</th><th>levels</th><th>side</th><th>agent</th><th>steroid</th><th>sedation</th><th>note</th></tr>\n</thead>\n");
    let mut rows = Vec::with_capacity(diary.procedures.len());
    for p in &diary.procedures {
        let mut r = Html::new(512);
        r.tag(if p.is_retracted() {
            "<tr class=\"retracted\">"
        } else {
            "<tr>"
        })
        .tag("<td data-label=\"id\">")
        .bdi(&p.id)
        .tag("</td><td data-label=\"time\">")
        .text(&display_time(&p.at))
        .tag("</td><td data-label=\"kind\">")
        .text(p.kind.as_str())
        .tag("</td><td data-label=\"region\">")
        .opt(p.region.as_deref())
        .tag("</td><td data-label=\"levels\">");
        for (i, level) in p.levels.iter().enumerate() {
            if i > 0 {
                r.tag(", ");
            }
            r.bdi(level);
        }
        r.tag("</td><td data-label=\"side\">")
            .text(p.side.map_or("", |s| s.as_str()))
            .tag("</td><td data-label=\"agent\">")
            .text(p.anesthetic.map_or("", |a| a.as_str()))
            .tag("</td><td data-label=\"steroid\">")
            .text(yes_no(p.steroid))
            .tag("</td><td data-label=\"sedation\">")
            .text(p.sedation.as_str())
            .tag("</td><td data-label=\"note\">")
            .opt(p.note.as_deref());
        if let Some(x) = &p.retracted {
            r.tag(" <em>retracted ").text(&display_time(&x.at));
            if let Some(reason) = x.reason.as_deref().filter(|s| !s.is_empty()) {
                r.tag(": ").bdi(reason);
            }
            r.tag("</em>");
        }
        r.tag("</td></tr>\n");
        rows.push(r.0);
    }
    if rows.is_empty() {
        rows.push("<tr><td colspan=\"10\">no procedures</td></tr>\n".into());
    }
    tbodies(h, &rows);
    h.tag("</table>\n<h3 class=\"keep-next\">Entries</h3>\n")
        .tag("<p class=\"muted keep-next\">All entries, in time order. Retracted entries are struck through and ignored by the evaluation.</p>\n")
        .tag("<table class=\"entries cards\">\n<colgroup><col style=\"width:7%\"><col style=\"width:14%\"><col style=\"width:8%\"><col style=\"width:13%\"><col style=\"width:10%\"><col style=\"width:14%\"><col style=\"width:19%\"><col style=\"width:15%\"></colgroup>\n<thead>\n");
    context_row(h, 8, patient, "entries", None);
    h.tag("<tr><th>id</th><th>time</th><th class=\"num\">score</th><th>activity</th><th class=\"num\">patient relief</th><th>medication</th><th>note</th><th>retracted</th></tr>\n</thead>\n");
    let mut rows = Vec::with_capacity(diary.entries.len());
    for e in &diary.entries {
        let retracted = e.details.retracted.is_some();
        let (open, close): (&'static str, &'static str) = if retracted {
            ("<del>", "</del>")
        } else {
            ("", "")
        };
        let mut r = Html::new(512);
        r.tag(if retracted {
            "<tr class=\"retracted\">"
        } else {
            "<tr>"
        })
        .tag("<td data-label=\"id\">")
        .tag(open)
        .bdi(&e.id)
        .tag(close);
        if e.details.history.as_ref().is_some_and(|h| !h.is_empty()) {
            r.tag(" <span class=\"muted\">(amended)</span>");
        }
        r.tag("</td><td data-label=\"time\">")
            .wrap(open, &display_time(&e.at), close)
            .tag("</td><td data-label=\"score\" class=\"num\">")
            .wrap(open, &score(e.score), close)
            .tag("</td><td data-label=\"activity\">");
        if e.activity.as_deref().is_some_and(|a| !a.is_empty()) {
            r.tag(open).opt(e.activity.as_deref()).tag(close);
        }
        r.tag("</td><td data-label=\"patient relief\" class=\"num\">");
        if let Some(p) = e.details.relief {
            r.wrap(open, &format!("{}\u{a0}%", fmt_pct(p)), close);
        }
        r.tag("</td><td data-label=\"medication\">");
        if e.details
            .medication
            .as_deref()
            .is_some_and(|a| !a.is_empty())
        {
            r.tag(open).opt(e.details.medication.as_deref()).tag(close);
        }
        r.tag("</td><td data-label=\"note\">");
        if e.details.note.as_deref().is_some_and(|a| !a.is_empty()) {
            r.tag(open).opt(e.details.note.as_deref()).tag(close);
        }
        r.tag("</td><td data-label=\"retracted\">");
        if let Some(x) = &e.details.retracted {
            r.text(&display_time(&x.at));
            if let Some(reason) = x.reason.as_deref().filter(|s| !s.is_empty()) {
                r.tag(": ").bdi(reason);
            }
        }
        r.tag("</td></tr>\n");
        rows.push(r.0);
    }
    if rows.is_empty() {
        rows.push("<tr><td colspan=\"8\">no entries</td></tr>\n".into());
    }
    tbodies(h, &rows);
    h.tag("</table>\n</section>\n");
}

#[cfg(test)]
mod tests;
