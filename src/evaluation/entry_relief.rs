//! Relief of every entry against the baseline of the latest block before it (for `list` and
//! `log`), from the same engine values as `evaluate`.

use super::{Evaluation, relief_pct, timeline::whole_minutes};
use crate::diary::Diary;

/// Where an entry stands relative to the blocks.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct EntryRelief {
    /// Index into `diary.procedures` of the latest block strictly before the entry.
    pub block: Option<usize>,
    pub minutes_after_block: Option<i64>,
    /// Against that block's baseline; `None` when it cannot be computed or the entry is
    /// retracted.
    pub relief_pct: Option<f64>,
}

/// One [`EntryRelief`] per entry of `diary`, in the diary's entry order.
/// `evaluation` is the diary's evaluation, or `None` when it has no block.
pub fn entry_reliefs(diary: &Diary, evaluation: Option<&Evaluation>) -> Vec<EntryRelief> {
    let Some(evaluation) = evaluation else {
        return vec![EntryRelief::default(); diary.entries.len()];
    };
    // Blocks in time order with their instants and baselines.
    let blocks: Vec<(i128, usize, Option<f64>)> = evaluation
        .blocks
        .iter()
        .map(|b| (b.at.instant(), b.procedure, b.baseline))
        .collect();
    diary
        .entries
        .iter()
        .map(|entry| {
            let t = entry.at.instant();
            let k = blocks.partition_point(|&(at, _, _)| at < t);
            let Some(&(at, procedure, baseline)) = k.checked_sub(1).map(|k| &blocks[k]) else {
                return EntryRelief::default();
            };
            EntryRelief {
                block: Some(procedure),
                minutes_after_block: Some(whole_minutes(at, t)),
                relief_pct: if entry.is_retracted() {
                    None
                } else {
                    relief_pct(baseline, entry.score)
                },
            }
        })
        .collect()
}
