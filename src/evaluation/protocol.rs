//! The built-in evaluation protocols (SPEC §3.5) with their clinical sources, and the
//! `--threshold` / `--window` overrides.

use crate::diary::ProcedureKind;
use std::fmt;

/// Parameters every protocol shares (SPEC §3.5: fixed for every protocol).
pub const BASELINE_WINDOW_MINUTES: i64 = 24 * 60;
pub const MIN_BASELINE: f64 = 4.0;
pub const MIN_POST_READINGS: usize = 3;
pub const MIN_SUSTAINED: usize = 2;
pub const MAX_ONSET_MINUTES: i64 = 60;
pub const ANALGESIC_LOOKBACK_MINUTES: i64 = 6 * 60;
pub const DEFAULT_WINDOW_MINUTES: i64 = 8 * 60;
/// `P`, the partial floor, for every protocol (IMMPACT: ≥ 30 % is moderately important).
pub const PARTIAL_PCT: f64 = 30.0;

/// Every diagnostic block kind, in the order SPEC §1 lists them.
pub const EVERY_BLOCK_KIND: &[ProcedureKind] = &[
    ProcedureKind::MedialBranchBlock,
    ProcedureKind::LateralBranchBlock,
    ProcedureKind::GenicularNerveBlock,
    ProcedureKind::IntraArticularFacet,
    ProcedureKind::Sacroiliac,
    ProcedureKind::Other,
];

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
    /// The block kinds the protocol covers.
    pub kinds: &'static [ProcedureKind],
    /// Post-block observation window.
    pub window_minutes: i64,
    pub baseline_window_minutes: i64,
    pub min_baseline: f64,
    pub min_post_readings: usize,
    pub min_sustained: usize,
    pub max_onset_minutes: i64,
    pub analgesic_lookback_minutes: i64,
    /// One line: what the protocol checks (only what SPEC §3 checks).
    pub summary: &'static str,
    /// The clinical source behind it.
    pub source: &'static str,
}

/// Why a protocol could not be set up.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ProtocolError {
    #[error("unknown protocol \"{0}\" (choose one of asra, dual, cms, asipp, sis)")]
    Unknown(String),
    #[error("--threshold must be a number greater than 0 and at most 100, not {0}")]
    Threshold(String),
    #[error("--window must be longer than 0 minutes")]
    Window,
}

/// What every built-in protocol shares; each one below changes only its own columns.
const BASE: Protocol = Protocol {
    name: "asra",
    threshold_pct: 50.0,
    partial_pct: PARTIAL_PCT,
    blocks_required: 1,
    requires_provocation: false,
    requires_concordance: false,
    min_interval_days: None,
    kinds: EVERY_BLOCK_KIND,
    window_minutes: DEFAULT_WINDOW_MINUTES,
    baseline_window_minutes: BASELINE_WINDOW_MINUTES,
    min_baseline: MIN_BASELINE,
    min_post_readings: MIN_POST_READINGS,
    min_sustained: MIN_SUSTAINED,
    max_onset_minutes: MAX_ONSET_MINUTES,
    analgesic_lookback_minutes: ANALGESIC_LOOKBACK_MINUTES,
    summary: "",
    source: "",
};

/// The five built-in protocols, in the order of SPEC §3.5's table (`asra`, the default, first).
pub const PROTOCOLS: [Protocol; 5] = [
    Protocol {
        name: "asra",
        summary: "one block with at least 50 % relief",
        source: "ASRA multisociety guideline, lumbar facet pain (Cohen et al., Reg Anesth Pain Med 2020;45:424) and cervical (Hurley et al., Reg Anesth Pain Med 2022;47:3): a single prognostic block, >= 50 %",
        ..BASE
    },
    Protocol {
        name: "dual",
        blocks_required: 2,
        summary: "two blocks on the same target, each with at least 50 % relief",
        source: "ASRA multisociety guideline (Cohen et al. 2020) with a confirmatory block; IMMPACT: 30 % moderately important, 50 % substantial relief",
        ..BASE
    },
    Protocol {
        name: "cms",
        threshold_pct: 80.0,
        blocks_required: 2,
        min_interval_days: Some(14),
        kinds: &[ProcedureKind::MedialBranchBlock],
        summary: "two medial branch blocks on the same target, each with at least 80 % relief, the second at least 14 days after the first",
        source: "US Medicare LCD L38801 \"Facet Joint Interventions for Pain Management\" (sacroiliac RFA is not covered, L39242; genicular blocks are outside L38801)",
        ..BASE
    },
    Protocol {
        name: "asipp",
        threshold_pct: 80.0,
        blocks_required: 2,
        requires_provocation: true,
        summary: "two blocks on the same target, each with at least 80 % relief, rated during a provocative activity",
        source: "ASIPP facet joint algorithm (American Society of Interventional Pain Physicians)",
        ..BASE
    },
    Protocol {
        name: "sis",
        threshold_pct: 100.0,
        blocks_required: 2,
        requires_concordance: true,
        summary: "comparative blocks on the same target: complete (100 %) relief, the longer-acting agent giving longer relief than lidocaine",
        source: "Spine Intervention Society / Bogduk comparative blocks (Barnsley 1993; Lord 1995)",
        ..BASE
    },
];

/// The name of the default protocol.
pub const DEFAULT_PROTOCOL: &str = "asra";

impl Protocol {
    /// A built-in protocol by name, ignoring ASCII case.
    pub fn named(name: &str) -> Result<Protocol, ProtocolError> {
        PROTOCOLS
            .iter()
            .find(|p| p.name.eq_ignore_ascii_case(name.trim()))
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

    /// Whether the protocol covers blocks of this kind.
    pub fn covers(&self, kind: ProcedureKind) -> bool {
        self.kinds.contains(&kind)
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
    fn table_of_spec_section_3_5() {
        let row = |n: &str| {
            let p = Protocol::named(n).unwrap();
            (
                p.threshold_pct,
                p.partial_pct,
                p.blocks_required,
                p.requires_provocation,
                p.requires_concordance,
                p.min_interval_days,
                p.kinds.len(),
            )
        };
        assert_eq!(row("asra"), (50.0, 30.0, 1, false, false, None, 6));
        assert_eq!(row("dual"), (50.0, 30.0, 2, false, false, None, 6));
        assert_eq!(row("cms"), (80.0, 30.0, 2, false, false, Some(14), 1));
        assert_eq!(row("asipp"), (80.0, 30.0, 2, true, false, None, 6));
        assert_eq!(row("sis"), (100.0, 30.0, 2, false, true, None, 6));
        assert_eq!(
            Protocol::named("cms").unwrap().kinds,
            &[ProcedureKind::MedialBranchBlock]
        );
        let names: Vec<_> = PROTOCOLS.iter().map(|p| p.name).collect();
        assert_eq!(names, ["asra", "dual", "cms", "asipp", "sis"]);
        assert_eq!(Protocol::default_protocol().name, "asra");
        for p in &PROTOCOLS {
            assert_eq!(p.window_minutes, 480);
            assert_eq!(p.baseline_window_minutes, 1440);
            assert_eq!(p.min_baseline, 4.0);
            assert_eq!((p.min_post_readings, p.min_sustained), (3, 2));
            assert_eq!(
                (p.max_onset_minutes, p.analgesic_lookback_minutes),
                (60, 360)
            );
            assert!(!p.covers(ProcedureKind::RadiofrequencyAblation));
        }
    }

    #[test]
    fn descriptions_claim_only_what_is_checked() {
        for p in &PROTOCOLS {
            let text = format!("{} {}", p.summary, p.name).to_lowercase();
            assert!(!text.contains("lidocaine, then"), "{}", p.name);
            assert!(!text.contains("then bupivacaine"), "{}", p.name);
        }
    }

    #[test]
    fn names_match_ignoring_ascii_case() {
        assert_eq!(Protocol::named("CMS").unwrap().name, "cms");
        assert_eq!(Protocol::named("Asipp").unwrap().name, "asipp");
        assert!(Protocol::named("nice").is_err());
    }

    #[test]
    fn overrides_are_checked() {
        let p = Protocol::named("cms").unwrap();
        assert_eq!(
            p.clone().with_threshold(100.0).unwrap().threshold_pct,
            100.0
        );
        assert_eq!(p.clone().with_threshold(0.5).unwrap().partial_pct, 30.0);
        for bad in [0.0, -1.0, 100.5, f64::NAN, f64::INFINITY] {
            assert!(p.clone().with_threshold(bad).is_err(), "{bad}");
        }
        assert_eq!(p.clone().with_window(90).unwrap().window_minutes, 90);
        assert_eq!(p.clone().with_window(0), Err(ProtocolError::Window));
    }
}
