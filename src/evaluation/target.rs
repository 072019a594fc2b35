//! Whether two procedures have the same target (SPEC §3.1 "Target"): the same kind, side,
//! region and levels, compared after normalising how they were written.

use crate::diary::Procedure;
use std::collections::BTreeSet;

/// A procedure's target in normalised form: equal targets compare equal.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Target {
    kind: crate::diary::ProcedureKind,
    side: Option<crate::diary::Side>,
    /// Trimmed, ASCII-lowercased; `None` when absent, `null` or empty after trimming.
    region: Option<String>,
    /// Trimmed, ASCII-uppercased, non-empty; empty when there are none.
    levels: BTreeSet<String>,
}

impl Target {
    pub fn of(p: &Procedure) -> Target {
        let region = p
            .region
            .as_deref()
            .map(str::trim)
            .filter(|r| !r.is_empty())
            .map(|r| r.to_ascii_lowercase());
        let levels = p
            .levels
            .iter()
            .map(|l| l.trim())
            .filter(|l| !l.is_empty())
            .map(|l| l.to_ascii_uppercase())
            .collect();
        Target {
            kind: p.kind,
            side: p.side,
            region,
            levels,
        }
    }
}

/// True when `a` and `b` have the same target. Absent, `null` and empty are one value, equal
/// to each other and to nothing else.
pub fn same_target(a: &Procedure, b: &Procedure) -> bool {
    Target::of(a) == Target::of(b)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diary::{ProcedureKind, Side};

    fn p(
        kind: ProcedureKind,
        side: Option<Side>,
        region: Option<&str>,
        levels: &[&str],
    ) -> Procedure {
        let mut p = crate::evaluation::tests::block("b1", 0, crate::diary::Anesthetic::Lidocaine);
        p.kind = kind;
        p.side = side;
        p.region = region.map(str::to_string);
        p.levels = levels.iter().map(|l| l.to_string()).collect();
        p
    }

    #[test]
    fn written_differently_is_the_same_target() {
        let mbb = ProcedureKind::MedialBranchBlock;
        let a = p(
            mbb,
            Some(Side::Left),
            Some(" Lumbar "),
            &["l4-l5", " L5-S1", ""],
        );
        let b = p(mbb, Some(Side::Left), Some("LUMBAR"), &["L5-S1", "L4-L5"]);
        assert!(same_target(&a, &b));
    }

    #[test]
    fn kind_side_region_and_levels_each_make_a_difference() {
        let mbb = ProcedureKind::MedialBranchBlock;
        let a = p(mbb, Some(Side::Left), Some("lumbar"), &["L4-L5"]);
        let other = [
            p(
                ProcedureKind::GenicularNerveBlock,
                Some(Side::Left),
                Some("lumbar"),
                &["L4-L5"],
            ),
            p(mbb, Some(Side::Right), Some("lumbar"), &["L4-L5"]),
            p(mbb, None, Some("lumbar"), &["L4-L5"]),
            p(mbb, Some(Side::Left), Some("cervical"), &["L4-L5"]),
            p(mbb, Some(Side::Left), None, &["L4-L5"]),
            p(mbb, Some(Side::Left), Some("lumbar"), &["L4-L5", "L5-S1"]),
            p(mbb, Some(Side::Left), Some("lumbar"), &[]),
        ];
        for b in &other {
            assert!(!same_target(&a, b), "{b:?}");
        }
    }

    #[test]
    fn unknown_equals_unknown_only() {
        let mbb = ProcedureKind::MedialBranchBlock;
        let absent = p(mbb, None, None, &[]);
        let blank = p(mbb, None, Some("  "), &["", " "]);
        assert!(same_target(&absent, &blank));
        assert!(!same_target(&absent, &p(mbb, None, Some("lumbar"), &[])));
    }
}
