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
    assert_eq!(html.matches("<svg").count(), 2, "one chart per block");
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
