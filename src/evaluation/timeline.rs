//! The diary as the evaluator sees it: blocks and live (not retracted) entries in time order,
//! with instants, and window look-ups by binary search.

use crate::diary::{Diary, Entry, Procedure};

/// Nanoseconds in a minute.
pub const MINUTE_NS: i128 = 60_000_000_000;

/// Blocks and live entries in time order (equal instants keep file order).
pub struct Timeline<'a> {
    pub diary: &'a Diary,
    /// Indices into `diary.procedures`, in time order.
    pub blocks: Vec<usize>,
    /// Indices into `diary.entries` of entries not retracted, in time order.
    pub entries: Vec<usize>,
    /// The instant of each of `entries`.
    pub instants: Vec<i128>,
}

impl<'a> Timeline<'a> {
    pub fn new(diary: &'a Diary) -> Self {
        let mut blocks: Vec<usize> = (0..diary.procedures.len())
            .filter(|&i| diary.procedures[i].is_block() && !diary.procedures[i].is_retracted())
            .collect();
        if !blocks.is_sorted_by_key(|&i| diary.procedures[i].at.instant()) {
            blocks.sort_by_key(|&i| diary.procedures[i].at.instant());
        }
        let mut entries = Vec::with_capacity(diary.entries.len());
        let mut instants = Vec::with_capacity(diary.entries.len());
        for (i, e) in diary.entries.iter().enumerate() {
            if !e.is_retracted() {
                entries.push(i);
                instants.push(e.at.instant());
            }
        }
        if !instants.is_sorted() {
            // A diary built in memory may be out of order; a loaded one never is.
            let mut pairs: Vec<(i128, usize)> = instants.into_iter().zip(entries).collect();
            pairs.sort_by_key(|&(t, _)| t);
            (instants, entries) = pairs.into_iter().unzip();
        }
        Timeline {
            diary,
            blocks,
            entries,
            instants,
        }
    }

    /// The block at position `k` in time order.
    pub fn block(&self, k: usize) -> &'a Procedure {
        &self.diary.procedures[self.blocks[k]]
    }

    /// The live entry at position `j` in time order.
    pub fn entry(&self, j: usize) -> &'a Entry {
        &self.diary.entries[self.entries[j]]
    }

    /// Position of the first live entry whose instant is `>= t`.
    pub fn first_at_or_after(&self, t: i128) -> usize {
        self.instants.partition_point(|&x| x < t)
    }

    /// Position of the first live entry whose instant is `> t`.
    pub fn first_after(&self, t: i128) -> usize {
        self.instants.partition_point(|&x| x <= t)
    }
}

/// `minutes` as nanoseconds, saturating.
pub fn minutes_ns(minutes: i64) -> i128 {
    i128::from(minutes) * MINUTE_NS
}

/// Whole minutes from `from` to `to`, rounded down.
pub fn whole_minutes(from: i128, to: i128) -> i64 {
    let m = (to - from).div_euclid(MINUTE_NS);
    i64::try_from(m).unwrap_or(if m < 0 { i64::MIN } else { i64::MAX })
}
