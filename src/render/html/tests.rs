//! Unit tests of the HTML report: escaping and isolation, and the structure that makes it print
//! on A4 and Letter and read on a phone (SPEC §4, §5), checked without a browser.

use super::*;
use crate::diary::parse_diary;
use crate::evaluation::{Protocol, evaluate};

/// b1 (lumbar L4-L5 right) with a baseline and a textbook response; readings after its window;
/// b2 on the same target 14 days later; an RFA; entries after the RFA.
const DIARY: &str = r#"{"format":"paindiary","version":1,"patient":{"id":"PT-T"},
  "procedures":[
    {"id":"b1","at":"2026-11-01T09:30:00-07:00","region":"lumbar","levels":["L4-L5"],
     "side":"right","anesthetic":"lidocaine","note":"first"},
    {"id":"b2","at":"2026-11-15T09:30:00-07:00","region":"lumbar","levels":["L4-L5"],
     "side":"right","anesthetic":"bupivacaine","steroid":true,"sedation":"minimal"},
    {"id":"b3","kind":"radiofrequency-ablation","at":"2026-11-20T09:30:00-07:00",
     "region":"lumbar","levels":["L4-L5"],"side":"right"}],
  "entries":[
    {"id":"e1","at":"2026-11-01T09:00:00-07:00","score":8,"activity":"standing"},
    {"id":"e2","at":"2026-11-01T09:45:00-07:00","score":2,"activity":"walking"},
    {"id":"e3","at":"2026-11-01T10:00:00-07:00","score":2},
    {"id":"e4","at":"2026-11-01T10:30:00-07:00","score":2},
    {"id":"e5","at":"2026-11-01T11:30:00-07:00","score":2},
    {"id":"e6","at":"2026-11-01T13:30:00-07:00","score":6},
    {"id":"e7","at":"2026-11-01T17:30:00-07:00","score":7},
    {"id":"e8","at":"2026-11-02T09:00:00-07:00","score":8,"note":"pain back"},
    {"id":"e9","at":"2026-11-05T09:00:00-07:00","score":8},
    {"id":"e10","at":"2026-11-15T09:00:00-07:00","score":8,"activity":"bending"},
    {"id":"e11","at":"2026-11-15T09:45:00-07:00","score":1,"activity":"bending"},
    {"id":"e12","at":"2026-11-15T10:30:00-07:00","score":1},
    {"id":"e13","at":"2026-11-15T12:30:00-07:00","score":1},
    {"id":"e14","at":"2026-11-15T17:30:00-07:00","score":2},
    {"id":"e15","at":"2026-11-21T09:00:00-07:00","score":3}]}"#;

fn render_with(text: &str, options: &Options) -> String {
    let d = parse_diary(text.as_bytes()).unwrap();
    let e = evaluate(&d, &Protocol::default_protocol()).unwrap();
    report(&e, &d, "diary.json", "2026-11-26 10:00 +00:00", options)
}

fn render(text: &str) -> String {
    render_with(text, &Options::default())
}

/// The text of the `<section class="NAME">`.
fn section<'a>(html: &'a str, class: &str) -> &'a str {
    let start = html
        .find(&format!("<section class=\"{class}\""))
        .unwrap_or_else(|| panic!("no section {class}"));
    let end = start + html[start..].find("</section>").unwrap();
    &html[start..end]
}

/// The `<style>` element's content.
fn css(html: &str) -> &str {
    let start = html.find("<style>").unwrap() + 7;
    &html[start..html.find("</style>").unwrap()]
}

#[test]
fn escape_covers_html_specials_controls_and_bidi() {
    assert_eq!(
        escape("<script>alert('x') & \"y\"</script>"),
        "&lt;script&gt;alert(&#39;x&#39;) &amp; &quot;y&quot;&lt;/script&gt;"
    );
    assert_eq!(escape("a\u{1b}[31m"), "a\\u{1b}[31m");
    assert_eq!(
        escape("PT-\u{202e}4321\u{2066}"),
        "PT-\\u{202e}4321\\u{2066}"
    );
    assert_eq!(escape("plain é\n\t"), "plain é\n\t");
}

#[test]
fn css_strings_cannot_break_out() {
    let s = css_string("a\"b\\c</style><script>\u{202e}é");
    assert!(s.starts_with('"') && s.ends_with('"'));
    let inner = &s[1..s.len() - 1];
    for bad in ['"', '<', '>', '\u{202e}'] {
        assert!(!inner.contains(bad), "{bad:?} in {s}");
    }
    // Backslashes only as the start of escapes.
    assert!(inner.contains("\\22 ") && inner.contains("\\5c ") && inner.contains("\\3c "));
}

#[test]
fn report_is_complete_and_self_contained() {
    let html = render(DIARY);
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.trim_end().ends_with("</html>"));
    assert_eq!(
        html.matches("<svg").count(),
        3,
        "one chart per block and one per RFA"
    );
    assert!(html.contains(FORMULA));
    assert!(html.contains("Cohen et al."));
    assert!(!html.contains("<script"));
    assert!(!html.contains("src=") && !html.contains("href="));
    assert!(!html.contains("http://") && !html.contains("https://"));
    assert!(!html.contains("@import") && !html.contains("url("));
    for i in 1..=15 {
        assert!(html.contains(&format!("<bdi>e{i}</bdi>")), "e{i}");
    }
}

/// Every piece of diary text is escaped and isolated: a U+202E or markup anywhere in the diary
/// never reaches the page raw, and every occurrence sits in `<bdi>` (or, in the SVG chart, in
/// an isolated `tspan`, a tooltip or an attribute).
#[test]
fn every_diary_text_is_escaped_and_isolated() {
    const MARK: &str = "X\u{202e}<i>M</i>";
    let hostile = DIARY
        .replace("\"PT-T\"", &format!("\"PT{MARK}\""))
        .replace("\"b1\"", &format!("\"b1{MARK}\""))
        .replace("\"e2\"", &format!("\"e2{MARK}\""))
        .replace("\"first\"", &format!("\"note{MARK}\""))
        .replace("\"walking\"", &format!("\"walk{MARK}\""))
        .replace("\"pain back\"", &format!("\"back{MARK}\""))
        .replace("\"lumbar\"", &format!("\"lumbar{MARK}\""))
        .replace("\"L4-L5\"", &format!("\"L4{MARK}\""))
        .replace(
            "\"score\":3}",
            &format!("\"score\":3,\"medication\":\"med{MARK}\",\"retracted\":{{\"at\":\"2026-11-22T09:00:00-07:00\",\"reason\":\"why{MARK}\"}}}}"),
        );
    let html = render(&hostile);
    assert!(!html.contains('\u{202e}'), "no raw U+202E");
    assert!(!html.contains("<i>M</i>"), "no raw markup");
    let escaped = escape(MARK);
    let body = &html[html.find("<body>").unwrap()..];
    let mut count = 0;
    for (at, _) in body.match_indices(&escaped) {
        count += 1;
        let before = &body[..at];
        let open = |tag: &str| before.rfind(tag).map_or(-1, |i| i as i64);
        let in_bdi = open("<bdi>") > open("</bdi>");
        let in_tspan = open("<tspan class=\"iso\">") > open("</tspan>");
        let in_title = open("<title>") > open("</title>");
        let in_label = open("aria-label=\"") > open("\">");
        assert!(
            in_bdi || in_tspan || in_title || in_label,
            "not isolated: …{}",
            &before[before.len().saturating_sub(120)..]
        );
    }
    assert!(count >= 20, "every text is there ({count})");
    // The title and the printed page header show the id escaped, never raw.
    assert!(html.contains("<title>Diagnostic block report – PTX\\u{202e}&lt;i&gt;"));
    assert!(css(&html).contains("@top-left"));
}

/// Any text wraps: fixed table layout with column widths, wrapping anywhere, nothing that
/// forbids wrapping diary text; so no text widens the page or pushes a column out.
#[test]
fn long_text_wraps_and_never_widens_the_page() {
    let long = "N".repeat(100_000);
    let html = render(&DIARY.replace("\"pain back\"", &format!("\"{long}\"")));
    let style = css(&html);
    assert!(style.contains("table { border-collapse: collapse; width: 100%; table-layout: fixed;"));
    assert!(style.contains("overflow-wrap: anywhere"));
    assert!(style.contains("th, td {") && style.contains("word-break: break-word"));
    // The note is in the page whole, inside a cell.
    assert!(html.contains(&format!("<td data-label=\"note\"><bdi>{long}</bdi></td>")));
    // Every table has column widths that add up to 100 %.
    for table in html.split("<table").skip(1) {
        let cols: f64 = table[..table.find("</colgroup>").expect("a colgroup")]
            .split("width:")
            .skip(1)
            .map(|w| w[..w.find('%').unwrap()].parse::<f64>().unwrap())
            .sum();
        assert!((cols - 100.0).abs() < 1e-9, "{cols}");
    }
    // Only our own short labels may refuse to wrap.
    for (at, _) in html.match_indices("nowrap") {
        assert!(
            !html[at..at + 200].contains("<bdi>"),
            "{}",
            &html[at..at + 200]
        );
    }
    // A percentage never breaks before its sign.
    if let Some(at) = html.find(" %") {
        panic!(
            "a % after a breaking space: {}",
            &html[at.saturating_sub(80)..at + 5]
        );
    }
}

#[test]
fn paper_is_not_forced_unless_chosen() {
    let page = |o: &Options| {
        let html = render_with(DIARY, o);
        css(&html).to_string()
    };
    let default = page(&Options::default());
    assert!(!default.contains(" size:"), "no @page size by default");
    assert!(
        page(&Options {
            paper: Some(Paper::A4),
            ..Options::default()
        })
        .contains("@page { size: A4;")
    );
    assert!(
        page(&Options {
            paper: Some(Paper::Letter),
            ..Options::default()
        })
        .contains("@page { size: letter;")
    );
}

/// Patient id and page number on every printed page (page margin boxes), table heads with the
/// patient and block repeated on every page a table continues on, no row or chart split, and
/// first and last rows kept together so that no page holds a stray row.
#[test]
fn print_layout_repeats_patient_and_page_and_keeps_rows_together() {
    let html = render(DIARY);
    let style = css(&html);
    assert!(
        style.contains("@top-left { content: \"Patient: PT-T\""),
        "{style}"
    );
    assert!(style.contains("counter(page)") && style.contains("counter(pages)"));
    assert!(style.contains("thead { display: table-header-group; }"));
    let avoid = style
        .lines()
        .find(|l| l.contains("break-inside: avoid"))
        .unwrap();
    for item in ["figure", "svg.chart", "tr", "tbody.keep", ".payer .card"] {
        assert!(avoid.contains(item), "{item} in {avoid}");
    }
    assert!(style.contains("h2, h3, .keep-next { break-after: avoid;"));
    // No whole section is kept together (that left page 1 mostly blank).
    assert!(!avoid.contains("section"));
    // Each table's head names the patient (and the block) for the pages it continues on.
    assert!(html.contains(
        "<tr class=\"ctx\"><th colspan=\"9\">Patient <bdi>PT-T</bdi> · readings of block <bdi>b1</bdi></th></tr>"
    ));
    assert!(html.contains(
        "<tr class=\"ctx\"><th colspan=\"8\">Patient <bdi>PT-T</bdi> · entries</th></tr>"
    ));
    // 15 entries: 3 kept together, 9, 3 kept together.
    let entries = &html[html.find("<table class=\"entries").unwrap()..];
    let entries = &entries[..entries.find("</table>").unwrap()];
    let bodies: Vec<usize> = entries
        .split("<tbody")
        .skip(1)
        .map(|b| b.matches("<tr").count())
        .collect();
    assert_eq!(bodies, [3, 9, 3]);
    assert_eq!(entries.matches("<tbody class=\"keep\">").count(), 2);
    assert_eq!(row_groups(4), [0..4, 4..4, 4..4]);
    assert_eq!(row_groups(7), [0..3, 3..4, 4..7]);
}

/// On a 400 px screen: the viewport is the device's, tables turn into labelled cards, the
/// columns and fact lists become one column, and nothing has a fixed width over 400 px.
#[test]
fn phone_layout_has_no_sideways_scrolling() {
    let html = render(DIARY);
    assert!(
        html.contains("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
    );
    let style = css(&html);
    let phone = &style[style.find("@media screen and (max-width: 40rem)").unwrap()..];
    let phone = &phone[..phone.find("\n}\n").unwrap()];
    assert!(phone.contains("table.cards, table.cards tbody, table.cards tr, table.cards td { display: block; width: 100%; }"));
    assert!(phone.contains("content: attr(data-label)"));
    assert!(phone.contains(".columns { grid-template-columns: minmax(0, 1fr); }"));
    assert!(style.contains("svg.chart { display: block; width: 100%;"));
    for (at, _) in style.match_indices("px") {
        let digits: String = style[..at]
            .chars()
            .rev()
            .take_while(char::is_ascii_digit)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        assert!(digits.parse::<u32>().unwrap_or(0) <= 400, "{digits}px");
    }
    // Every cell of a card table says what it is.
    for table in ["readings", "procedures", "entries"] {
        let t = &html[html
            .find(&format!("<table class=\"{table} cards\">"))
            .unwrap()..];
        let t = &t[..t.find("</table>").unwrap()];
        let body = &t[t.find("</thead>").unwrap()..];
        assert_eq!(
            body.matches("<td").count(),
            body.matches("<td data-label=").count(),
            "{table}"
        );
    }
}

/// The chart marks baseline, threshold, relief run and the end of the window, and draws the
/// readings after the window up to the next procedure (and none beyond it).
#[test]
fn chart_marks_window_end_and_readings_after_it() {
    let html = render(DIARY);
    let b1 = section(&html, "block\" id=\"block-0");
    let svg = &b1[b1.find("<svg").unwrap()..b1.find("</svg>").unwrap()];
    for mark in [
        "class=\"baseline\"",
        "class=\"threshold\"",
        "<rect class=\"run\"",
        "class=\"window-end\"",
        "window ends 8\u{a0}h",
        "end of the window",
    ] {
        assert!(svg.contains(mark), "{mark}");
    }
    // e7 is in the window (8 h); e8 and e9 come after it and before b2; e10 (b2's baseline)
    // is not after the window of b1 because b2 follows... it is before b2, so it is drawn too.
    for id in ["e8", "e9", "e10"] {
        assert!(
            svg.contains(&format!("<title>{id} ")) && svg.contains(") after the window: score"),
            "{id}"
        );
    }
    assert!(
        !svg.contains("<title>e11 "),
        "after the next procedure: not drawn"
    );
    assert_eq!(svg.matches("class=\"pt after-pt\"").count(), 3);
    // The readings table lists them too.
    assert_eq!(
        b1.matches("<td data-label=\"role\">after the window</td>")
            .count(),
        3
    );
    // A long stretch after the window gets a compressed scale of its own.
    assert!(svg.contains("the part after the window is compressed"));
}

/// The payer documentation: per block what LCD L38801 asks for, from the diary only, and blanks
/// for what the diary cannot show.
#[test]
fn payer_section_documents_each_block_and_claims_nothing_more() {
    let html = render(DIARY);
    let payer = section(&html, "payer\" id=\"payer");
    assert_eq!(
        payer.matches("<div class=\"card\">").count(),
        3,
        "b1, b2 and the RFA"
    );
    for label in [
        "Procedure",
        "Agent",
        "Steroid",
        "Sedation",
        "Pain scale",
        "Baseline",
        "Peak relief",
        "Relief duration",
        "Activity during relief",
        "Interval",
        "Verdict",
    ] {
        assert_eq!(
            payer.matches(&format!("<dt>{label}</dt>")).count(),
            2,
            "{label} for each block"
        );
    }
    assert_eq!(payer.matches("<dt>Target</dt>").count(), 3);
    assert!(payer.contains("NRS-11"));
    assert!(payer.contains("first block on this target in the diary"));
    assert!(
        payer.contains("14 days since block <bdi>b2</bdi>")
            || payer.contains("14 days since block <bdi>b1</bdi>")
    );
    assert!(
        payer.contains(
            // v2: the baseline has a provoked reading, so only provoked readings count (§3.1).
            "<dd>provoked comparison: baseline and relief rated during the activity; rated during <bdi>walking</bdi> (<bdi>e2</bdi>)</dd>"
        ),
        "{payer}"
    );
    assert!(payer.contains(
        "<dd>bupivacaine</dd>\n<dt>Steroid</dt><dd>yes</dd>\n<dt>Sedation</dt><dd>minimal</dd>"
    ));
    assert!(payer.contains("under protocol <code>asra</code>"));
    assert!(payer.contains("<h3>RFA <bdi>b3</bdi>"));
    assert!(payer.contains("<dt>Follow-up outcome</dt>"));
    // The outcome is the engine's (SPEC §3.6), never claimed without it.
    let d = crate::diary::parse_diary(DIARY.as_bytes()).unwrap();
    let e = evaluate(&d, &Protocol::default_protocol()).unwrap();
    let outcome = e.ablations[0].outcome.as_str();
    assert!(
        payer.contains(&format!("<dt>Follow-up outcome</dt><dd>{outcome} (")),
        "{payer}"
    );
    assert!(!payer.contains("not evaluated in this report"));
    // Imaging and consent are never claimed: blanks, three per card.
    assert_eq!(
        payer
            .matches("<dt>Imaging guidance</dt><dd><span class=\"blank\"></span></dd>")
            .count(),
        3
    );
    assert_eq!(
        payer
            .matches("<dt>Informed consent</dt><dd><span class=\"blank\"></span></dd>")
            .count(),
        3
    );
    for claim in ["fluoroscop", "guided", "consent given", "consent obtained"] {
        assert!(!payer.to_lowercase().contains(claim), "{claim}");
    }
}

#[test]
fn block_without_baseline_says_so() {
    let d = r#"{"format":"paindiary","version":1,
      "procedures":[{"id":"b1","at":"2026-11-01T09:30:00-07:00","anesthetic":"lidocaine"}],
      "entries":[{"id":"e1","at":"2026-11-01T09:45:00-07:00","score":3},
                 {"id":"e2","at":"2026-11-01T10:30:00-07:00","score":4},
                 {"id":"e3","at":"2026-11-01T11:30:00-07:00","score":5}]}"#;
    let html = render(d);
    assert!(html.contains("no baseline: relief cannot be computed"));
    assert!(!html.contains("class=\"baseline\""));
    assert!(!html.contains("class=\"threshold\""));
    assert_eq!(html.matches("class=\"pt ").count(), 3);
    assert!(html.contains("no-baseline"));
    assert!(html.contains("no patient id"));
}

#[test]
fn payer_section_gives_the_cms_verdict_beside_the_reports_protocol() {
    let d = parse_diary(DIARY.as_bytes()).unwrap();
    let asra = evaluate(&d, &Protocol::default_protocol()).unwrap();
    let cms = evaluate(&d, &Protocol::named("cms").unwrap()).unwrap();
    let options = Options {
        payer: Some(cms.clone()),
        ..Options::default()
    };
    let html = report(&asra, &d, "diary.json", "2026-11-26 10:00 +00:00", &options);
    let payer = section(&html, "payer\" id=\"payer");
    assert_eq!(
        payer.matches("under <code>cms</code> (LCD L38801)").count(),
        cms.blocks.len()
    );
    let without = render(DIARY);
    assert!(!section(&without, "payer\" id=\"payer").contains("(LCD L38801)</dd>"));
}

// ---------------------------------------------------------------------------------------
// The RFA follow-up section (SPEC §3.6, §5).

const RFA_DURABLE: &str = include_str!("../../../examples/diaries/rfa-durable.json");

/// The evaluation and the report of a diary.
fn evaluated(text: &str) -> (Evaluation, String) {
    let d = parse_diary(text.as_bytes()).unwrap();
    let e = evaluate(&d, &Protocol::default_protocol()).unwrap();
    let html = report(
        &e,
        &d,
        "diary.json",
        "2026-11-26 10:00 +00:00",
        &Options::default(),
    );
    (e, html)
}

/// The inline SVG of a section.
fn svg_of(section: &str) -> &str {
    let start = section.find("<svg").expect("a chart");
    &section[start..start + section[start..].find("</svg>").unwrap()]
}

/// The number in attribute `attr` of the first element that contains `marker`.
fn attr(svg: &str, marker: &str, attr: &str) -> f64 {
    let at = svg.find(marker).unwrap_or_else(|| panic!("no {marker}"));
    let start = svg[..at].rfind('<').unwrap();
    let element = &svg[start..start + svg[start..].find('>').unwrap()];
    let key = format!(" {attr}=\"");
    let from = element
        .find(&key)
        .unwrap_or_else(|| panic!("no {attr} in {element}"))
        + key.len();
    element[from..from + element[from..].find('"').unwrap()]
        .parse()
        .unwrap()
}

/// Every `<title>` text in `svg` that follows an element with `class`.
fn titles<'a>(svg: &'a str, class: &str) -> Vec<&'a str> {
    svg.match_indices(&format!("class=\"{class}\""))
        .map(|(at, _)| {
            let from = at + svg[at..].find("<title>").unwrap() + 7;
            &svg[from..from + svg[from..].find("</title>").unwrap()]
        })
        .collect()
}

/// The durable example: the chart holds the healing shade, the baseline and threshold lines,
/// the 6-month mark, the baseline readings, the follow-up readings (good filled, not good
/// hollow), the relief period; the facts are the evaluation's.
#[test]
fn rfa_chart_marks_healing_threshold_six_months_and_relief_period() {
    let (e, html) = evaluated(RFA_DURABLE);
    let a = &e.ablations[0];
    assert_eq!(a.outcome.as_str(), "durable", "the example's outcome");
    assert_eq!(e.ablations.len(), 1);
    let rfa = section(&html, "rfa\" id=\"rfa-0");
    let svg = svg_of(rfa);
    assert!(
        svg.contains("class=\"chart rfa-chart\""),
        "print rules of charts apply"
    );
    assert!(rfa.contains("<figure>") && rfa.contains("<figcaption>"));

    // x: the RFA at day 0, healing shaded to day 21, the 6-month mark at day 182.
    let x0 = attr(svg, "class=\"rfa\"", "x1");
    let healing_x = attr(svg, "class=\"healing\"", "x");
    let healing_w = attr(svg, "class=\"healing\"", "width");
    let mark = attr(svg, "class=\"min-days\"", "x1");
    assert!((healing_x - x0).abs() < 0.11, "healing starts at the RFA");
    let per_day = healing_w / 21.0;
    assert!(healing_w > 0.0);
    assert!(
        (mark - x0 - 182.0 * per_day).abs() < 0.5,
        "6 months at day 182: {mark} vs {x0} + 182 × {per_day}"
    );
    assert!(svg.contains(">6 months</text>"));
    assert!(svg.contains(">healing</text>"));
    // Ticks in months for a year of follow-up.
    for t in [
        ">0</text>",
        ">2m</text>",
        ">4m</text>",
        ">6m</text>",
        "−30\u{a0}d",
    ] {
        assert!(svg.contains(t), "tick {t}");
    }
    assert!(!svg.contains(">2w</text>"));

    // y: the baseline and the threshold (the score that gives 50 % relief).
    let base = a.baseline.unwrap();
    assert!((base - 7.5).abs() < 1e-9, "e11 8, e12 7");
    assert!((attr(svg, "class=\"baseline\"", "y1") - y_of(base)).abs() < 0.06);
    assert!((attr(svg, "class=\"threshold\"", "y1") - y_of(base * 0.5)).abs() < 0.06);
    assert!(svg.contains(">baseline 7.5</text>"));
    assert!(svg.contains(">threshold 3.8</text>"));
    assert!(svg.contains(">(50\u{a0}% relief)</text>"));

    // The baseline readings the engine averaged: e11 and e12 (e10 closes b1's 8-h window).
    let baseline = titles(svg, "pt baseline-pt");
    assert_eq!(baseline.len(), a.baseline_readings);
    assert!(baseline[0].starts_with("e11 ") && baseline[1].starts_with("e12 "));

    // Every follow-up reading once, by kind; good ones filled, the others hollow.
    let period = titles(svg, "pt period-pt");
    let good = titles(svg, "pt good-pt");
    let not_good = titles(svg, "pt not-good-pt");
    assert_eq!(
        period.len(),
        a.readings.iter().filter(|r| r.in_period).count()
    );
    assert_eq!(
        good.len(),
        a.readings.iter().filter(|r| r.good && !r.in_period).count()
    );
    assert_eq!(
        not_good.len(),
        a.readings.iter().filter(|r| !r.good).count()
    );
    assert_eq!(
        period.len() + good.len() + not_good.len(),
        a.follow_up_readings
    );
    assert!(period.len() >= 2 && !not_good.is_empty());
    assert!(svg.contains("class=\"pt not-good-pt\" fill=\"#fff\""));
    assert!(!svg.contains("class=\"pt period-pt\" fill=\"#fff\""));
    assert!(!svg.contains("class=\"pt good-pt\" fill=\"#fff\""));
    for r in &a.readings {
        let title = format!("<title>{} ", r.id);
        assert_eq!(svg.matches(&title).count(), 1, "{}", r.id);
    }
    // No reading inside the healing period is drawn as a follow-up reading.
    assert!(a.readings.iter().all(|r| r.days_after >= 21));

    // The relief period: from its first to its last good reading.
    let p = a.period.unwrap();
    let start_x = x0 + a.readings[p.start].days_after as f64 * per_day;
    let period_x = attr(svg, "class=\"relief-period\"", "x");
    assert!(
        (period_x - start_x).abs() < per_day + 0.2,
        "{period_x} vs {start_x}"
    );
    assert!(svg.contains(">relief period</text>"));

    // The key facts, from the evaluation.
    let facts = &rfa[..rfa.find("<figure>").unwrap()];
    for fact in [
        "7.5 (mean of 2 readings in the 30 days before)".to_string(),
        format!("{} (from day 21 after the RFA)", a.follow_up_readings),
        "relief ≥\u{a0}50\u{a0}% for ≥\u{a0}182 days (LCD L38801)".to_string(),
        display_pct(a.peak_relief_pct).replace(' ', "\u{a0}"),
        format!("{} days", a.relief_duration_days.unwrap()),
        format!(
            "the pain returned by day {}",
            a.return_reading().unwrap().days_after
        ),
        "<code>durable</code> durable relief".to_string(),
    ] {
        assert!(facts.contains(&fact), "{fact}");
    }
    assert!(rfa.contains("6 months (182 days)"));
}

/// A cervical RFA outside `cms`: 30 % and 3 months; a short follow-up gets ticks in weeks; an
/// ongoing period is said so.
#[test]
fn cervical_rfa_chart_has_week_ticks_thirty_percent_and_three_months() {
    let d = r#"{"format":"paindiary","version":1,
      "procedures":[{"id":"r1","kind":"radiofrequency-ablation","at":"2026-06-01T09:00:00-06:00",
        "region":" Cervical ","levels":["C3-C4"],"side":"left"}],
      "entries":[{"id":"e1","at":"2026-05-20T09:00:00-06:00","score":8},
        {"id":"e2","at":"2026-05-27T09:00:00-06:00","score":8},
        {"id":"e3","at":"2026-06-10T09:00:00-06:00","score":7},
        {"id":"e4","at":"2026-06-24T09:00:00-06:00","score":4},
        {"id":"e5","at":"2026-07-01T09:00:00-06:00","score":5},
        {"id":"e6","at":"2026-07-08T09:00:00-06:00","score":4}]}"#;
    let (e, html) = evaluated(d);
    let a = &e.ablations[0];
    assert_eq!((a.threshold_pct, a.min_days), (30.0, 91));
    assert_eq!(a.outcome.as_str(), "relief-ongoing");
    let rfa = section(&html, "rfa\" id=\"rfa-0");
    let svg = svg_of(rfa);
    assert!(svg.contains(">3 months</text>"));
    assert!(svg.contains(">(30\u{a0}% relief)</text>"));
    assert!(svg.contains(">threshold 5.6</text>"), "8 × 0.7");
    // 105 days on the axis (91 + 14): a tick every 3 weeks.
    for t in [">3w</text>", ">6w</text>", ">12w</text>"] {
        assert!(svg.contains(t), "tick {t}");
    }
    assert!(!svg.contains(">2m</text>"));
    assert!(svg.contains("time since the RFA (w = weeks)"));
    assert!(svg.contains(">relief period (ongoing)</text>"));
    assert!(rfa.contains("days so far (ongoing)"));
    assert!(rfa.contains("(ASRA cervical guideline)"));
    // e3 lies in the healing period: not a follow-up reading, not drawn as one.
    assert!(!svg.contains("<title>e3 "));
    assert_eq!(svg.matches("class=\"pt period-pt\"").count(), 3);
}

/// An RFA without a baseline: the chart says so and draws no baseline or threshold line; the
/// outcome `unknown` shows its reason.
#[test]
fn rfa_without_baseline_says_so() {
    let d = r#"{"format":"paindiary","version":1,
      "procedures":[{"id":"r1","kind":"radiofrequency-ablation","at":"2026-06-01T09:00:00-06:00"}],
      "entries":[{"id":"e1","at":"2026-06-24T09:00:00-06:00","score":4},
        {"id":"e2","at":"2026-07-01T09:00:00-06:00","score":5}]}"#;
    let (e, html) = evaluated(d);
    assert_eq!(e.ablations[0].outcome.as_str(), "unknown");
    let rfa = section(&html, "rfa\" id=\"rfa-0");
    let svg = svg_of(rfa);
    assert!(svg.contains("no baseline: relief cannot be computed"));
    assert!(!svg.contains("class=\"baseline\"") && !svg.contains("class=\"threshold\""));
    assert!(!svg.contains("class=\"relief-period\""));
    assert_eq!(svg.matches("class=\"pt not-good-pt\"").count(), 2);
    assert!(rfa.contains("no baseline (no reading in the 30 days before)"));
    assert!(rfa.contains("[<code>no-baseline</code>]"));
}

/// Every text of an RFA section is escaped, and diary text isolated.
#[test]
fn rfa_section_escapes_every_text() {
    const MARK: &str = "X\u{202e}<i>M</i>\"'&";
    let json = serde_json::to_string(MARK).unwrap();
    let mark = &json[1..json.len() - 1];
    let hostile = RFA_DURABLE
        .replace("\"b2\"", &format!("\"b2{mark}\""))
        .replace("\"e11\"", &format!("\"e11{mark}\""))
        .replace("\"e16\"", &format!("\"e16{mark}\""))
        .replace(
            "\"80 °C, 90 s per lesion, parallel placement\"",
            &format!("\"note{mark}\""),
        )
        .replacen("\"lumbar\"", &format!("\"lumbar{mark}\""), 2);
    let (e, html) = evaluated(&hostile);
    assert_eq!(e.ablations[0].outcome.as_str(), "durable");
    let rfa = section(&html, "rfa\" id=\"rfa-0");
    assert!(!rfa.contains('\u{202e}') && !rfa.contains("<i>M</i>"));
    assert!(!rfa.contains("\"'&\""));
    let escaped = escape(MARK);
    // The id (heading, aria-label, chart label, caption), the note, the region, two entry ids.
    for (what, needle) in [
        ("heading", format!("<h2>RFA <bdi>b2{escaped}</bdi>")),
        (
            "aria",
            format!("aria-label=\"Pain scores around RFA b2{escaped}\""),
        ),
        ("label", format!("<tspan class=\"iso\">b2{escaped}</tspan>")),
        ("caption", format!("around RFA <bdi>b2{escaped}</bdi>")),
        ("note", format!("<bdi>note{escaped}</bdi>")),
        ("region", format!("<bdi>lumbar{escaped}</bdi>")),
        ("baseline reading", format!("<title>e11{escaped} ")),
        ("follow-up reading", format!("<title>e16{escaped} ")),
    ] {
        assert!(rfa.contains(&needle), "{what}: {needle}");
    }
}

#[test]
fn the_summary_names_the_rfa_when_it_is_the_latest_procedure() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/diaries/rfa-durable.json"
    );
    let d = parse_diary(&std::fs::read(path).unwrap()).unwrap();
    let e = evaluate(&d, &Protocol::default_protocol()).unwrap();
    let html = report(
        &e,
        &d,
        "rfa-durable.json",
        "2026-11-26 10:00 +00:00",
        &Options::default(),
    );
    let summary = section(&html, "summary");
    assert!(
        summary
            .contains("Latest procedure: radiofrequency ablation <strong><bdi>b2</bdi></strong>"),
        "{summary}"
    );
    assert!(
        summary.contains("follow-up <code>durable</code>"),
        "{summary}"
    );
    assert!(!summary.contains("Latest block"), "{summary}");
}
