//! Terminal safety (SPEC §4): diary text never reaches a terminal raw. C0 controls other than
//! newline and tab, DEL, C1 controls and the bidirectional controls are shown escaped, so no
//! escape sequence gets through and no text can be made to read backwards.

use std::borrow::Cow;

fn is_unsafe(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{8}' | '\u{b}'..='\u{1f}' | '\u{7f}'..='\u{9f}') || is_bidi_control(c)
}

/// The bidirectional controls of SPEC §4: ALM, LRM, RLM, the embeddings and overrides
/// (U+202A–U+202E) and the isolates (U+2066–U+2069).
pub fn is_bidi_control(c: char) -> bool {
    matches!(
        c,
        '\u{61c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
    )
}

/// `text` with every unsafe control character written as `\u{..}` (ESC as `\u{1b}`).
pub fn terminal_text(text: &str) -> Cow<'_, str> {
    escape_chars(text, is_unsafe)
}

/// `text` with every character for which `escape` holds written as `\u{..}`.
fn escape_chars(text: &str, escape: impl Fn(char) -> bool) -> Cow<'_, str> {
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

    #[test]
    fn escapes_every_bidi_control_and_nothing_next_to_them() {
        let bidi = [
            0x61c, 0x200e, 0x200f, 0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068,
            0x2069,
        ];
        for code in bidi {
            let c = char::from_u32(code).unwrap();
            assert_eq!(
                terminal_text(&format!("a{c}b")),
                format!("a\\u{{{code:x}}}b"),
                "U+{code:04X}"
            );
            assert_eq!(one_line(&c.to_string()), format!("\\u{{{code:x}}}"));
        }
        // The neighbours of each range are ordinary text (Arabic letters, ZWJ, word joiner).
        for code in [
            0x61b, 0x61d, 0x200d, 0x2010, 0x2029, 0x202f, 0x2065, 0x206a, 0x627,
        ] {
            let c = char::from_u32(code).unwrap();
            assert!(
                matches!(terminal_text(&c.to_string()), Cow::Borrowed(_)),
                "U+{code:04X}"
            );
        }
    }
}
