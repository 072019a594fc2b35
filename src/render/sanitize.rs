//! Terminal safety (SPEC §4): diary text never reaches a terminal raw. C0 controls other than
//! newline and tab, DEL and C1 controls are shown escaped, so no escape sequence gets through.

use std::borrow::Cow;

fn is_unsafe(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{8}' | '\u{b}'..='\u{1f}' | '\u{7f}'..='\u{9f}')
}

/// `text` with every unsafe control character written as `\u{..}` (ESC as `\u{1b}`).
pub fn terminal_text(text: &str) -> Cow<'_, str> {
    escape_chars(text, is_unsafe)
}

/// `text` with every character for which `escape` holds written as `\u{..}`.
pub fn escape_chars(text: &str, escape: impl Fn(char) -> bool) -> Cow<'_, str> {
    if !text.chars().any(&escape) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if escape(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// The same for one-line cells: newlines and tabs are escaped too.
pub fn one_line(text: &str) -> String {
    terminal_text(text)
        .replace('\n', "\\n")
        .replace('\t', "\\t")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_every_control_but_newline_and_tab() {
        assert_eq!(terminal_text("a\u{1b}[31mred"), "a\\u{1b}[31mred");
        assert_eq!(
            terminal_text("bell\u{7}del\u{7f}csi\u{9b}"),
            "bell\\u{7}del\\u{7f}csi\\u{9b}"
        );
        assert_eq!(terminal_text("two\nlines\tok"), "two\nlines\tok");
        assert_eq!(terminal_text("cr\r"), "cr\\u{d}");
        assert!(matches!(terminal_text("plain é ✓"), Cow::Borrowed(_)));
        assert_eq!(one_line("a\nb"), "a\\nb");
    }
}
