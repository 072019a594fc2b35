//! Tables that fit a width (SPEC §2): words wrap only at spaces, empty columns are left out,
//! cells with a short form (times) switch to it when the full form does not fit. Linear in the
//! size of the content, whatever the content (a 1 MB word included).
//!
//! ```
//! use paindiary::render::table::{Cell, Column, Table};
//! let mut table = Table::new([Column::fixed("id"), Column::fixed("time"), Column::text("note")]);
//! table.add_row([
//!     Cell::new("e1"),
//!     Cell::new("2026-11-20 09:30 -07:00").short("11-20 09:30"),
//!     Cell::new("walked the dog after lunch"),
//! ]);
//! let text = table.render(Some(40));
//! assert!(text.lines().all(|l| unicode_width::UnicodeWidthStr::width(l) <= 40));
//! assert!(text.contains("11-20 09:30"));
//! ```

use comfy_table::Color;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// A column: its header and whether its cells are running text (wrapped first when the table
/// is too wide) or short values (kept on one line as long as anything else can give way).
#[derive(Debug, Clone)]
pub struct Column {
    header: String,
    text: bool,
    keep_empty: bool,
}

impl Column {
    /// A column of short values (ids, times, numbers): wrapped only when nothing else helps.
    pub fn fixed(header: impl Into<String>) -> Column {
        Column {
            header: header.into(),
            text: false,
            keep_empty: false,
        }
    }

    /// A column of running text (notes, reasons): wrapped at spaces first.
    pub fn text(header: impl Into<String>) -> Column {
        Column {
            text: true,
            ..Column::fixed(header)
        }
    }

    /// Show the column even when every cell in it is empty (by default it is left out).
    pub fn keep_empty(mut self) -> Column {
        self.keep_empty = true;
        self
    }
}

/// One cell: its text (lines separated by `\n`; the caller escapes controls), an optional
/// shorter form used when the table does not fit otherwise, and an optional colour.
#[derive(Debug, Clone, Default)]
pub struct Cell {
    text: String,
    short: Option<String>,
    color: Option<Color>,
}

impl Cell {
    pub fn new(text: impl Into<String>) -> Cell {
        Cell {
            text: text.into(),
            short: None,
            color: None,
        }
    }

    /// The shorter form, e.g. `11-20 09:30` for `2026-11-20 09:30 -07:00`.
    pub fn short(mut self, short: impl Into<String>) -> Cell {
        self.short = Some(short.into());
        self
    }

    /// Draw the text in this colour (ANSI); the caller decides whether colour is wanted.
    pub fn fg(mut self, color: Color) -> Cell {
        self.color = Some(color);
        self
    }

    fn text(&self, short: bool) -> &str {
        match (&self.short, short) {
            (Some(s), true) => s,
            _ => &self.text,
        }
    }
}

impl From<String> for Cell {
    fn from(text: String) -> Cell {
        Cell::new(text)
    }
}

impl From<&str> for Cell {
    fn from(text: &str) -> Cell {
        Cell::new(text)
    }
}

/// A table in the house style (comfy-table's `UTF8_FULL_CONDENSED` look), fitted to a width.
#[derive(Debug, Clone)]
pub struct Table {
    columns: Vec<Column>,
    rows: Vec<Vec<Cell>>,
}

/// No column is wider than this (longer text wraps), with or without a width: one long note
/// must not make every row of the table that wide (the output stays linear in the input).
const MAX_COLUMN_WIDTH: usize = 200;

/// Display columns taken by the frame of a table of `n` columns with `pad` spaces inside each
/// cell: `│ ` + ` ┆ `… + ` │`.
fn frame_width(n: usize, pad: usize) -> usize {
    (1 + 2 * pad) * n + 1
}

impl Table {
    pub fn new(columns: impl IntoIterator<Item = Column>) -> Table {
        Table {
            columns: columns.into_iter().collect(),
            rows: Vec::new(),
        }
    }

    /// Add a row; missing cells are empty, extra cells are ignored.
    pub fn add_row<C: Into<Cell>>(&mut self, cells: impl IntoIterator<Item = C>) {
        let mut row: Vec<Cell> = cells
            .into_iter()
            .take(self.columns.len())
            .map(Into::into)
            .collect();
        row.resize_with(self.columns.len(), Cell::default);
        self.rows.push(row);
    }

    /// The table as text (every line ends in `\n`). `width`: the display columns available
    /// (`None`: as wide as the content, nothing wrapped but text longer than
    /// [`MAX_COLUMN_WIDTH`]). When even one character per column
    /// does not fit, lines are as narrow as possible but wider than `width`.
    pub fn render(&self, width: Option<usize>) -> String {
        self.render_styled(width, false)
    }

    /// [`Table::render`], with the cells' colours when `color`.
    pub fn render_styled(&self, width: Option<usize>, color: bool) -> String {
        let mut visible: Vec<usize> = (0..self.columns.len())
            .filter(|&c| {
                self.columns[c].keep_empty || self.rows.iter().any(|r| !r[c].text.trim().is_empty())
            })
            .collect();
        // A table without any text keeps its headers.
        if visible.is_empty() {
            visible = (0..self.columns.len()).collect();
        }
        let (widths, short, pad) = self.layout(&visible, width);
        let mut out = String::new();
        let rule = |out: &mut String, left: &str, line: &str, mid: &str, right: &str| {
            out.push_str(left);
            for (i, w) in widths.iter().enumerate() {
                if i > 0 {
                    out.push_str(mid);
                }
                out.push_str(&line.repeat(w + 2 * pad));
            }
            out.push_str(right);
            out.push('\n');
        };
        rule(&mut out, "┌", "─", "┬", "┐");
        let header: Vec<Cell> = visible
            .iter()
            .map(|&c| Cell::new(self.columns[c].header.clone()))
            .collect();
        let header_refs: Vec<&Cell> = header.iter().collect();
        draw_row(&mut out, &header_refs, &widths, (false, pad), color);
        rule(&mut out, "╞", "═", "╪", "╡");
        for row in &self.rows {
            let cells: Vec<&Cell> = visible.iter().map(|&c| &row[c]).collect();
            draw_row(&mut out, &cells, &widths, (short, pad), color);
        }
        rule(&mut out, "└", "─", "┴", "┘");
        out
    }

    /// Column widths for the visible columns, whether the short forms are used, and the
    /// padding inside the frame (1 space, or 0 when nothing fits otherwise).
    fn layout(&self, visible: &[usize], width: Option<usize>) -> (Vec<usize>, bool, usize) {
        let measure = |short: bool| -> (Vec<usize>, Vec<usize>) {
            let mut natural = vec![0; visible.len()];
            let mut word = vec![0; visible.len()];
            for (i, &c) in visible.iter().enumerate() {
                let header = self.columns[c].header.as_str();
                let texts =
                    std::iter::once(header).chain(self.rows.iter().map(|r| r[c].text(short)));
                for text in texts {
                    let (n, w) = measure_text(text);
                    natural[i] = natural[i].max(n.min(MAX_COLUMN_WIDTH));
                    word[i] = word[i].max(w.min(MAX_COLUMN_WIDTH));
                }
            }
            (natural, word)
        };
        let full = measure(false);
        let Some(total) = width else {
            return (full.0, false, 1);
        };
        let has_short = self
            .rows
            .iter()
            .any(|r| r.iter().any(|c| c.short.is_some()));
        let short = if has_short {
            measure(true)
        } else {
            full.clone()
        };
        let is_text: Vec<bool> = visible.iter().map(|&c| self.columns[c].text).collect();
        // Each padding, in order: everything on one line; text columns wrapped at spaces and
        // short values whole; the same with the short forms; every column wrapped at spaces.
        for pad in [1, 0] {
            let avail = total.saturating_sub(frame_width(visible.len(), pad));
            let fits = |(natural, word): &(Vec<usize>, Vec<usize>)| -> Option<Vec<usize>> {
                if natural.iter().sum::<usize>() <= avail {
                    return Some(natural.clone());
                }
                let lower: Vec<usize> = (0..natural.len())
                    .map(|i| if is_text[i] { word[i] } else { natural[i] })
                    .collect();
                (lower.iter().sum::<usize>() <= avail).then(|| water_fill(lower, natural, avail))
            };
            if let Some(widths) = fits(&full) {
                return (widths, false, pad);
            }
            if let Some(widths) = fits(&short) {
                return (widths, has_short, pad);
            }
            if short.1.iter().sum::<usize>() <= avail {
                return (water_fill(short.1.clone(), &short.0, avail), has_short, pad);
            }
        }
        // Words longer than their share are broken: nothing else fits.
        let avail = total.saturating_sub(frame_width(visible.len(), 0));
        let ones = vec![1; visible.len()];
        let budget = avail.max(visible.len());
        (water_fill(ones, &short.1, budget), has_short, 0)
    }
}

/// The widest line and the widest word (split at spaces) of `text`, in display columns.
fn measure_text(text: &str) -> (usize, usize) {
    let mut widest_line = 0;
    let mut widest_word = 0;
    for line in text.split('\n') {
        let mut line_width = 0;
        for (i, word) in line.split(' ').enumerate() {
            let w = word.width();
            widest_word = widest_word.max(w);
            line_width += w + usize::from(i > 0);
        }
        widest_line = widest_line.max(line_width);
    }
    (widest_line, widest_word)
}

/// Start from `widths` and share `budget` columns in all out fairly (max-min), never giving a
/// column more than `demand`.
fn water_fill(mut widths: Vec<usize>, demand: &[usize], budget: usize) -> Vec<usize> {
    let mut left = budget.saturating_sub(widths.iter().sum());
    loop {
        let open: Vec<usize> = (0..widths.len())
            .filter(|&i| widths[i] < demand[i])
            .collect();
        if open.is_empty() || left == 0 {
            return widths;
        }
        let share = left / open.len();
        if share == 0 {
            for &i in open.iter().take(left) {
                widths[i] += 1;
            }
            return widths;
        }
        for &i in &open {
            let add = share.min(demand[i] - widths[i]);
            widths[i] += add;
            left -= add;
        }
    }
}

/// `text` wrapped to `width` display columns: at spaces, and inside a word only when the word
/// alone is wider than `width`. Lines of `text` stay lines. Linear in the length of `text`.
fn wrap_text(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut lines = Vec::new();
    for source in text.split('\n') {
        if source.width() <= width {
            lines.push(source.to_string());
            continue;
        }
        let mut line = String::new();
        let mut used = 0;
        for word in source.split(' ').filter(|w| !w.is_empty()) {
            let w = word.width();
            if used > 0 && used + 1 + w <= width {
                line.push(' ');
                line.push_str(word);
                used += 1 + w;
                continue;
            }
            if used > 0 {
                lines.push(std::mem::take(&mut line));
                used = 0;
            }
            if w <= width {
                line.push_str(word);
                used = w;
                continue;
            }
            for c in word.chars() {
                let cw = c.width().unwrap_or(0);
                if used > 0 && used + cw > width {
                    lines.push(std::mem::take(&mut line));
                    used = 0;
                }
                line.push(c);
                used += cw;
            }
        }
        lines.push(line);
    }
    lines
}

fn sgr(color: Color) -> Option<&'static str> {
    Some(match color {
        Color::Black => "30",
        Color::DarkRed => "31",
        Color::DarkGreen => "32",
        Color::DarkYellow => "33",
        Color::DarkBlue => "34",
        Color::DarkMagenta => "35",
        Color::DarkCyan => "36",
        Color::Grey => "37",
        Color::DarkGrey => "90",
        Color::Red => "91",
        Color::Green => "92",
        Color::Yellow => "93",
        Color::Blue => "94",
        Color::Magenta => "95",
        Color::Cyan => "96",
        Color::White => "97",
        _ => return None,
    })
}

/// One row, its cells wrapped to `widths`; `form`: whether to use the short forms, and the
/// padding.
fn draw_row(
    out: &mut String,
    cells: &[&Cell],
    widths: &[usize],
    (short, pad): (bool, usize),
    color: bool,
) {
    let (left, mid, right) = if pad == 0 {
        ("│", "┆", "│\n")
    } else {
        ("│ ", " ┆ ", " │\n")
    };
    let wrapped: Vec<Vec<String>> = cells
        .iter()
        .zip(widths)
        .map(|(cell, &w)| wrap_text(cell.text(short), w))
        .collect();
    let height = wrapped.iter().map(Vec::len).max().unwrap_or(1);
    for line in 0..height {
        out.push_str(left);
        for (i, (lines, &w)) in wrapped.iter().zip(widths).enumerate() {
            if i > 0 {
                out.push_str(mid);
            }
            let text = lines.get(line).map_or("", String::as_str);
            let code = cells[i].color.filter(|_| color).and_then(sgr);
            match code {
                Some(code) if !text.is_empty() => {
                    out.push_str("\x1b[");
                    out.push_str(code);
                    out.push('m');
                    out.push_str(text);
                    out.push_str("\x1b[0m");
                }
                _ => out.push_str(text),
            }
            let pad = w.saturating_sub(text.width());
            out.extend(std::iter::repeat_n(' ', pad));
        }
        out.push_str(right);
    }
}

/// The width tables should fit: `COLUMNS` when it is a positive number (as clap does), else
/// the width of the terminal on standard output, else `None` (a pipe or a file: no limit).
pub fn terminal_width() -> Option<usize> {
    let columns = std::env::var("COLUMNS")
        .ok()
        .and_then(|v| v.trim().parse::<usize>().ok())
        .filter(|&w| w > 0);
    columns.or_else(|| {
        terminal_size::terminal_size_of(std::io::stdout()).map(|(w, _)| usize::from(w.0))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    fn widths(text: &str) -> Vec<usize> {
        text.lines().map(UnicodeWidthStr::width).collect()
    }

    fn sample() -> Table {
        let mut t = Table::new([
            Column::fixed("id"),
            Column::fixed("time"),
            Column::fixed("medication"),
            Column::text("note"),
        ]);
        t.add_row([
            Cell::new("e1"),
            Cell::new("2026-11-20 09:30 -07:00").short("11-20 09:30"),
            Cell::new(""),
            Cell::new("walked the dog after lunch, then sat down for a long while"),
        ]);
        t
    }

    #[test]
    fn unlimited_width_is_one_line_per_row_and_drops_empty_columns() {
        let text = sample().render(None);
        assert_eq!(text.lines().count(), 5, "{text}");
        assert!(text.contains("2026-11-20 09:30 -07:00"));
        assert!(!text.contains("medication"), "{text}");
        assert!(text.starts_with("┌────┬"));
        assert!(text.contains("│ id ┆ time"));
        assert!(text.contains("╞════╪"));
    }

    #[test]
    fn a_table_without_text_keeps_its_headers() {
        let mut t = Table::new([Column::fixed("a"), Column::text("b")]);
        assert_eq!(
            t.render(Some(80)),
            "┌───┬───┐\n│ a ┆ b │\n╞═══╪═══╡\n└───┴───┘\n"
        );
        t.add_row(["", ""]);
        assert!(t.render(None).contains("│ a ┆ b │"));
    }

    #[test]
    fn kept_empty_column_stays() {
        let mut t = Table::new([Column::fixed("a"), Column::fixed("b").keep_empty()]);
        t.add_row(["x", ""]);
        assert!(t.render(None).contains("┆ b "));
    }

    #[test]
    fn text_wraps_at_spaces_before_times_get_short() {
        // Full time, note wrapped at spaces.
        let text = sample().render(Some(60));
        assert!(widths(&text).iter().all(|&w| w <= 60), "{text}");
        assert!(text.contains("2026-11-20 09:30 -07:00"), "{text}");
        for word in ["walked", "dog", "lunch,", "while"] {
            assert!(text.contains(word), "{word} broken:\n{text}");
        }
        // Too narrow for the full time next to the longest word: the short form.
        let text = sample().render(Some(34));
        assert!(widths(&text).iter().all(|&w| w <= 34), "{text}");
        assert!(text.contains("│ e1 ┆ 11-20 09:30 ┆"), "{text}");
        assert!(!text.contains("-07:00"), "{text}");
        for word in ["walked", "after", "lunch,", "while"] {
            assert!(text.contains(word), "{word} broken:\n{text}");
        }
    }

    #[test]
    fn a_word_is_broken_only_when_it_alone_is_too_wide() {
        assert_eq!(wrap_text("ab cd ef", 5), ["ab cd", "ef"]);
        assert_eq!(wrap_text("abcdefgh ij", 3), ["abc", "def", "gh", "ij"]);
        assert_eq!(wrap_text("one\ntwo three", 5), ["one", "two", "three"]);
        assert_eq!(wrap_text("", 5), [""]);
        assert_eq!(wrap_text("日本語", 4), ["日本", "語"]);
    }

    #[test]
    fn too_narrow_still_renders_every_character() {
        let letters = |t: &str| t.chars().filter(|c| c.is_ascii_lowercase()).count();
        let text = sample().render(Some(5));
        // id, time (short: no letters) and note: every letter is still there.
        let expected = letters("idtimenote")
            + letters("e1")
            + letters("walked the dog after lunch, then sat down for a long while");
        assert_eq!(letters(&text), expected, "{text}");
    }

    #[test]
    fn water_fill_is_fair_and_bounded() {
        assert_eq!(water_fill(vec![1, 1, 1], &[2, 10, 10], 13), [2, 6, 5]);
        assert_eq!(water_fill(vec![1, 1], &[2, 3], 100), [2, 3]);
        assert_eq!(water_fill(vec![4, 4], &[9, 9], 3), [4, 4]);
    }

    #[test]
    fn no_column_is_wider_than_the_maximum_even_without_a_width() {
        let mut t = Table::new([Column::fixed("id"), Column::text("note")]);
        let long = "word ".repeat(100);
        t.add_row([Cell::new("e1"), Cell::new(long.trim_end())]);
        t.add_row(["e2", ""]);
        let text = t.render(None);
        assert!(
            widths(&text).iter().all(|&w| w <= MAX_COLUMN_WIDTH + 10),
            "{text}"
        );
        assert_eq!(text.matches("word").count(), 100);
        assert!(!text.contains("wor\n"), "words stay whole: {text}");
    }

    #[test]
    fn colour_only_when_asked() {
        let mut t = Table::new([Column::fixed("c")]);
        t.add_row([Cell::new("positive").fg(Color::Green)]);
        assert!(!t.render_styled(None, false).contains('\x1b'));
        assert!(
            t.render_styled(None, true)
                .contains("\x1b[92mpositive\x1b[0m")
        );
    }

    #[test]
    fn a_megabyte_word_renders_in_linear_time() {
        let mut t = Table::new([Column::fixed("id"), Column::text("note")]);
        t.add_row([Cell::new("e1"), Cell::new("M".repeat(1 << 20))]);
        let started = Instant::now();
        let text = t.render(Some(80));
        assert!(widths(&text).iter().all(|&w| w <= 80));
        assert_eq!(text.matches('M').count(), 1 << 20);
        assert!(started.elapsed().as_secs() < 10, "{:?}", started.elapsed());
    }
}
