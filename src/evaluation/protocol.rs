//! The built-in evaluation protocols (SPEC §3 "Protocols") with their clinical sources, and
//! the `--threshold` / `--window` overrides.

use std::fmt;

/// Parameters every protocol shares (SPEC §3: fixed for every protocol).
pub const BASELINE_WINDOW_MINUTES: i64 = 24 * 60;
pub const MIN_BASELINE: f64 = 4.0;
pub const MIN_POST_READINGS: usize = 3;
pub const MIN_SUSTAINED: usize = 2;
pub const DEFAULT_WINDOW_MINUTES: i64 = 8 * 60;

/// How a block response is judged.
#[derive(Debug, Clone, PartialEq)]
pub struct Protocol {
    pub name: &'static str,
    /// `T`: relief (percent) that counts as a response.
    pub threshold_pct: f64,
    /// `P`: the partial floor (percent).
    pub partial_pct: f64,
    pub blocks_required: usize,
    pub requires_provocation: bool,
    pub requires_concordance: bool,
    pub min_interval_days: Option<u32>,
    /// Post-block observation window.
    pub window_minutes: i64,
    pub baseline_window_minutes: i64,
    pub min_baseline: f64,
    pub min_post_readings: usize,
    pub min_sustained: usize,
    /// One line: what the protocol asks for.
    pub summary: &'static str,
    /// The clinical source behind it.
    pub source: &'static str,
}

/// Why a protocol could not be set up from the command line.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ProtocolError {
    #[error("unknown protocol \"{0}\" (choose one of asra, dual, cms, asipp, sis)")]
    Unknown(String),
    #[error("--threshold must be a number greater than 0 and at most 100, not {0}")]
    Threshold(String),
    #[error("--window must be longer than 0 minutes")]
    Window,
}

#[allow(clippy::too_many_arguments)] // one argument per column of the SPEC §3 table
const fn builtin(
    name: &'static str,
    t: f64,
    p: f64,
    blocks: usize,
    provocation: bool,
    concordance: bool,
    min_days: Option<u32>,
    summary: &'static str,
    source: &'static str,
) -> Protocol {
    Protocol {
        name,
        threshold_pct: t,
        partial_pct: p,
        blocks_required: blocks,
        requires_provocation: provocation,
        requires_concordance: concordance,
        min_interval_days: min_days,
        window_minutes: DEFAULT_WINDOW_MINUTES,
        baseline_window_minutes: BASELINE_WINDOW_MINUTES,
        min_baseline: MIN_BASELINE,
        min_post_readings: MIN_POST_READINGS,
        min_sustained: MIN_SUSTAINED,
        summary,
        source,
    }
}

/// The five built-in protocols, `asra` (the default) first.
pub const PROTOCOLS: [Protocol; 5] = [
    builtin(
        "asra",
        50.0,
        30.0,
        1,
        false,
        false,
        None,
        "single prognostic block with at least 50 % relief",
        "ASRA multisociety guideline on lumbar facet pain (Cohen et al., Reg Anesth Pain Med 2020;45:424)",
    ),
    builtin(
        "dual",
        50.0,
        30.0,
        2,
        false,
        false,
        None,
        "two blocks, each with at least 50 % relief",
        "ASRA multisociety guideline (Cohen et al. 2020) with a confirmatory block; IMMPACT: 30 % moderately important, 50 % substantial relief",
    ),
    builtin(
        "cms",
        80.0,
        50.0,
        2,
        false,
        false,
        Some(14),
        "two medial branch blocks, each with at least 80 % relief, the second at least 14 days after the first",
        "US Medicare LCD L38801 \"Facet Joint Interventions for Pain Management\"",
    ),
    builtin(
        "asipp",
        80.0,
        50.0,
        2,
        true,
        false,
        None,
        "two blocks (lidocaine, then bupivacaine), at least 80 % relief and the ability to perform previously painful movements",
        "ASIPP facet joint algorithm (American Society of Interventional Pain Physicians)",
    ),
    builtin(
        "sis",
        100.0,
        80.0,
        2,
        false,
        true,
        None,
        "comparative blocks: complete relief, the longer-acting agent giving longer relief",
        "Spine Intervention Society / Bogduk comparative blocks (Barnsley 1993; Lord 1995)",
    ),
];

/// The name of the default protocol.
pub const DEFAULT_PROTOCOL: &str = "asra";

impl Protocol {
    /// A built-in protocol by name.
    pub fn named(name: &str) -> Result<Protocol, ProtocolError> {
        PROTOCOLS
            .iter()
            .find(|p| p.name == name)
            .cloned()
            .ok_or_else(|| ProtocolError::Unknown(name.to_string()))
    }

    /// The default protocol (`asra`).
    pub fn default_protocol() -> Protocol {
        PROTOCOLS[0].clone()
    }

    /// Replace `T` (0 < T ≤ 100).
    pub fn with_threshold(mut self, pct: f64) -> Result<Protocol, ProtocolError> {
        if !(pct.is_finite() && pct > 0.0 && pct <= 100.0) {
            return Err(ProtocolError::Threshold(pct.to_string()));
        }
        self.threshold_pct = pct;
        Ok(self)
    }

    /// Replace the post-block window (minutes > 0).
    pub fn with_window(mut self, minutes: i64) -> Result<Protocol, ProtocolError> {
        if minutes <= 0 {
            return Err(ProtocolError::Window);
        }
        self.window_minutes = minutes;
        Ok(self)
    }
}

impl fmt::Display for Protocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_of_spec_section_3() {
        let row = |n: &str| {
            let p = Protocol::named(n).unwrap();
            (
                p.threshold_pct,
                p.partial_pct,
                p.blocks_required,
                p.requires_provocation,
                p.requires_concordance,
                p.min_interval_days,
            )
        };
        assert_eq!(row("asra"), (50.0, 30.0, 1, false, false, None));
        assert_eq!(row("dual"), (50.0, 30.0, 2, false, false, None));
        assert_eq!(row("cms"), (80.0, 50.0, 2, false, false, Some(14)));
        assert_eq!(row("asipp"), (80.0, 50.0, 2, true, false, None));
        assert_eq!(row("sis"), (100.0, 80.0, 2, false, true, None));
        assert_eq!(Protocol::default_protocol().name, "asra");
        for p in &PROTOCOLS {
            assert_eq!(p.window_minutes, 480);
            assert_eq!(p.baseline_window_minutes, 1440);
            assert_eq!(p.min_baseline, 4.0);
            assert_eq!((p.min_post_readings, p.min_sustained), (3, 2));
        }
    }

    #[test]
    fn overrides_are_checked() {
        let p = Protocol::named("cms").unwrap();
        assert_eq!(
            p.clone().with_threshold(100.0).unwrap().threshold_pct,
            100.0
        );
        assert_eq!(p.clone().with_threshold(0.5).unwrap().partial_pct, 50.0);
        for bad in [0.0, -1.0, 100.5, f64::NAN, f64::INFINITY] {
            assert!(p.clone().with_threshold(bad).is_err(), "{bad}");
        }
        assert_eq!(p.clone().with_window(90).unwrap().window_minutes, 90);
        assert_eq!(p.clone().with_window(0), Err(ProtocolError::Window));
        assert!(matches!(
            Protocol::named("nice"),
            Err(ProtocolError::Unknown(_))
        ));
    }
}
