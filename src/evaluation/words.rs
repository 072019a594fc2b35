//! What patients write for "nothing" and for "resting" (SPEC §3): when a medication or an
//! activity field counts, and the text that makes two medications the same.

/// The none-words: what patients write for "nothing".
pub const NONE_WORDS: [&str; 8] = ["none", "no", "nil", "nothing", "n/a", "na", "-", "0"];

/// The rest-words: rest is not a provocation.
pub const REST_WORDS: [&str; 8] = [
    "rest",
    "resting",
    "at rest",
    "lying",
    "lying down",
    "in bed",
    "asleep",
    "sleeping",
];

fn is_one_of(text: &str, words: &[&str]) -> bool {
    words.iter().any(|w| text.eq_ignore_ascii_case(w))
}

/// The trimmed text when it is present, not blank and not a none-word.
fn meaningful(field: Option<&str>) -> Option<&str> {
    field
        .map(str::trim)
        .filter(|t| !t.is_empty() && !is_one_of(t, &NONE_WORDS))
}

/// "Has medication": present, not blank, not a none-word.
pub fn has_medication(field: Option<&str>) -> bool {
    meaningful(field).is_some()
}

/// "Has an activity": as for medication, and not a rest-word either.
pub fn has_activity(field: Option<&str>) -> bool {
    meaningful(field).is_some_and(|t| !is_one_of(t, &REST_WORDS))
}

/// The medication as compared for "regular" (trimmed, ASCII-lowercased), when it counts.
pub(super) fn medication_key(field: Option<&str>) -> Option<String> {
    meaningful(field).map(str::to_ascii_lowercase)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn none_words_are_no_medication_whatever_the_case_and_spaces() {
        for text in [
            "none",
            " NONE ",
            "No",
            "nil",
            "Nothing",
            "N/A",
            "na",
            "-",
            "0",
            "\u{2003}none",
        ] {
            assert!(!has_medication(Some(text)), "{text:?}");
            assert!(!has_activity(Some(text)), "{text:?}");
        }
        assert!(!has_medication(None));
        assert!(!has_medication(Some("  ")));
        for text in ["oxycodone", "none today, took ibuprofen", "00", "no pain"] {
            assert!(has_medication(Some(text)), "{text:?}");
        }
    }

    #[test]
    fn rest_words_are_no_activity_but_other_words_are() {
        for text in [
            "rest",
            "Resting",
            " at rest ",
            "LYING",
            "lying down",
            "in bed",
            "asleep",
            "sleeping",
        ] {
            assert!(!has_activity(Some(text)), "{text:?}");
            assert!(
                has_medication(Some(text)),
                "a rest-word is still a medication text"
            );
        }
        for text in ["standing", "walking", "bed making", "rest after walking"] {
            assert!(has_activity(Some(text)), "{text:?}");
        }
    }

    #[test]
    fn medication_key_is_trimmed_and_ascii_lowercased() {
        assert_eq!(
            medication_key(Some(" Gabapentin ")),
            Some("gabapentin".into())
        );
        assert_eq!(medication_key(Some("none")), None);
        assert_eq!(
            medication_key(Some("ÉTOL")),
            Some("Étol".to_ascii_lowercase())
        );
    }
}
