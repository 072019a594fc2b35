//! The diary as the evaluator sees it at `as_of`: live (not retracted) procedures and entries
//! up to `as_of`, in time order, with instants, and window look-ups by binary search.

use super::words;
use crate::diary::{Diary, Entry, Procedure};
use std::collections::HashMap;
use std::sync::OnceLock;

/// Nanoseconds in a minute.
const MINUTE_NS: i128 = 60_000_000_000;

/// Live procedures and entries in time order (equal instants keep file order).
pub(super) struct Timeline<'a> {
    pub diary: &'a Diary,
    /// Indices into `diary.procedures` of every live procedure (blocks and RFAs), in time order.
    pub procedures: Vec<usize>,
    /// Positions in `procedures` of the blocks.
    pub blocks: Vec<usize>,
    /// Indices into `diary.entries` of live entries, in time order.
    pub entries: Vec<usize>,
    /// The instant of each of `entries`.
    pub instants: Vec<i128>,
    /// The cut-off (`None`: the whole diary).
    pub as_of: Option<i128>,
    /// Each medication (as compared for "regular") and the earliest instant it was recorded.
    first_medication: OnceLock<HashMap<String, i128>>,
}

impl<'a> Timeline<'a> {
    /// The diary as it stood at `as_of` (nanoseconds since the epoch; `None`: everything).
    pub(super) fn new(diary: &'a Diary, as_of: Option<i128>) -> Self {
        let live = |t: i128| as_of.is_none_or(|cut| t <= cut);
        let mut procedures: Vec<usize> = (0..diary.procedures.len())
            .filter(|&i| !diary.procedures[i].is_retracted())
            .filter(|&i| live(diary.procedures[i].at.instant()))
            .collect();
        if !procedures.is_sorted_by_key(|&i| diary.procedures[i].at.instant()) {
            procedures.sort_by_key(|&i| diary.procedures[i].at.instant());
        }
        let blocks = (0..procedures.len())
            .filter(|&k| diary.procedures[procedures[k]].is_block())
            .collect();
        let mut entries = Vec::with_capacity(diary.entries.len());
        let mut instants = Vec::with_capacity(diary.entries.len());
        for (i, e) in diary.entries.iter().enumerate() {
            let t = e.at.instant();
            if !e.is_retracted() && live(t) {
                entries.push(i);
                instants.push(t);
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
            procedures,
            blocks,
            entries,
            instants,
            as_of,
            first_medication: OnceLock::new(),
        }
    }

    /// The block at position `k` among the blocks.
    pub(super) fn block(&self, k: usize) -> &'a Procedure {
        &self.diary.procedures[self.procedures[self.blocks[k]]]
    }

    /// The procedure right after block `k` (of any kind, RFA included), if any.
    pub(super) fn next_after_block(&self, k: usize) -> Option<&'a Procedure> {
        self.procedures
            .get(self.blocks[k] + 1)
            .map(|&i| &self.diary.procedures[i])
    }

    /// The latest live procedure.
    pub(super) fn latest_procedure(&self) -> Option<&'a Procedure> {
        self.procedures.last().map(|&i| &self.diary.procedures[i])
    }

    /// The live entry at position `j` in time order.
    pub(super) fn entry(&self, j: usize) -> &'a Entry {
        &self.diary.entries[self.entries[j]]
    }

    /// Whether the entry at position `j` has an activity (SPEC §3).
    pub(super) fn has_activity(&self, j: usize) -> bool {
        words::has_activity(self.entry(j).activity.as_deref())
    }

    /// Position of the first live entry whose instant is `>= t`.
    pub(super) fn first_at_or_after(&self, t: i128) -> usize {
        self.instants.partition_point(|&x| x < t)
    }

    /// Position of the first live entry whose instant is `> t`.
    pub(super) fn first_after(&self, t: i128) -> usize {
        self.instants.partition_point(|&x| x <= t)
    }

    /// The earliest instant at which this medication (compared trimmed, ignoring ASCII case)
    /// was recorded on a live entry. Built once, on first use.
    pub(super) fn first_recorded(&self, key: &str) -> Option<i128> {
        self.first_medication
            .get_or_init(|| {
                let mut map = HashMap::new();
                for (j, &t) in self.instants.iter().enumerate() {
                    if let Some(k) =
                        words::medication_key(self.entry(j).details.medication.as_deref())
                    {
                        map.entry(k).or_insert(t);
                    }
                }
                map
            })
            .get(key)
            .copied()
    }
}

/// `minutes` as nanoseconds.
pub(super) fn minutes_ns(minutes: i64) -> i128 {
    i128::from(minutes) * MINUTE_NS
}

/// Whole minutes from `from` to `to`, rounded down.
pub(super) fn whole_minutes(from: i128, to: i128) -> i64 {
    let m = (to - from).div_euclid(MINUTE_NS);
    i64::try_from(m).unwrap_or(if m < 0 { i64::MIN } else { i64::MAX })
}
