//! Properties on random diaries.

use super::*;

// ---------------------------------------------------------------- property

#[derive(Debug, Clone)]
struct GenEntry {
    score: f64,
    activity: Option<&'static str>,
    medication: Option<&'static str>,
    relief: Option<f64>,
    retracted: bool,
}

fn gen_entry() -> impl Strategy<Value = GenEntry> {
    let score = prop_oneof![
        (0u8..=10).prop_map(f64::from),
        (0u32..=100).prop_map(|x| f64::from(x) / 10.0),
        0.0f64..=10.0,
    ];
    let text = || {
        prop::option::of(prop::sample::select(vec![
            "",
            " \t",
            "walking",
            "ibuprofen",
        ]))
    };
    (
        score,
        text(),
        text(),
        prop::option::of(0.0f64..=100.0),
        prop::bool::weighted(0.1),
    )
        .prop_map(
            |(score, activity, medication, relief, retracted)| GenEntry {
                score,
                activity,
                medication,
                relief,
                retracted,
            },
        )
}

fn gen_block() -> impl Strategy<Value = (Anesthetic, Sedation, bool)> {
    (
        prop::sample::select(Anesthetic::ALL.to_vec()),
        prop::sample::select(Sedation::ALL.to_vec()),
        any::<bool>(),
    )
}

/// Random small diaries: distinct instants (equal instants legitimately keep file order).
fn gen_diary() -> impl Strategy<Value = Diary> {
    (
        prop::collection::btree_map(-DAY..2 * DAY, gen_block(), 0..=3),
        prop::collection::btree_map(-DAY..2 * DAY, gen_entry(), 0..=40),
    )
        .prop_map(|(blocks, entries)| {
            let mut d = Diary::new(None);
            for (i, (m, (anesthetic, sedation, steroid))) in blocks.into_iter().enumerate() {
                let mut p = block(&format!("b{}", i + 1), m, anesthetic);
                p.sedation = sedation;
                p.steroid = steroid;
                d.procedures.push(p);
            }
            for (i, (m, g)) in entries.into_iter().enumerate() {
                let mut e = entry(&format!("e{}", i + 1), m, g.score);
                e.activity = g.activity.map(crate::diary::ShortText::from);
                e.details.medication = g.medication.map(str::to_string);
                e.details.relief = g.relief;
                if g.retracted {
                    e.details.retracted = retraction();
                }
                d.entries.push(e);
            }
            d
        })
}

fn gen_protocol() -> impl Strategy<Value = Protocol> {
    (
        prop::sample::select(PROTOCOLS.to_vec()),
        prop::option::of(1i64..=2 * DAY),
        prop::option::of(1u32..=100),
    )
        .prop_map(|(p, window, threshold)| {
            let p = match window {
                Some(w) => p.with_window(w).unwrap(),
                None => p,
            };
            match threshold {
                Some(t) => p.with_threshold(f64::from(t)).unwrap(),
                None => p,
            }
        })
}

/// Shuffle `v` with a small deterministic generator (splitmix64).
fn shuffle<T>(v: &mut [T], mut seed: u64) {
    for i in (1..v.len()).rev() {
        seed = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = seed;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        v.swap(i, (z % (i as u64 + 1)) as usize);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn evaluation_is_total_finite_and_independent_of_file_order(
        d in gen_diary(),
        p in gen_protocol(),
        seed in any::<u64>(),
    ) {
        let result = evaluate(&d, &p);
        if d.procedures.is_empty() {
            prop_assert_eq!(result, Err(EvaluationError::NoBlock));
            return Ok(());
        }
        let e = result.unwrap();
        prop_assert_eq!(e.blocks.len(), d.procedures.len());
        prop_assert_eq!(e.classification, e.latest().map(|b| b.classification));
        for b in &e.blocks {
            prop_assert!(b.baseline.is_none_or(f64::is_finite));
            prop_assert!(b.peak_relief_pct.is_none_or(|x| x.is_finite() && x <= 100.0));
            for r in &b.readings {
                prop_assert!(r.score.is_finite());
                prop_assert!(r.relief_pct.is_none_or(f64::is_finite));
            }
            prop_assert!(b.sustained_readings.unwrap_or(0) <= b.post_readings);
            prop_assert!(b.relief_duration_minutes.is_none_or(|m| m >= 0));
        }
        let mut shuffled = d.clone();
        shuffle(&mut shuffled.entries, seed);
        shuffle(&mut shuffled.procedures, seed.rotate_left(17));
        let again = evaluate(&shuffled, &p).unwrap();
        prop_assert_eq!(summary(&again), summary(&e));

        // `evaluate --format json` always parses, with the spec's keys and no NaN/inf text.
        let line = crate::render::evaluation_json::evaluation_line(&e, "d.json");
        prop_assert!(!line.contains('\n'));
        let v: serde_json::Value = serde_json::from_str(&line).unwrap();
        prop_assert_eq!(v["blocks"].as_array().map(Vec::len), Some(d.procedures.len()));
        for key in ["classification", "next_step", "next_step_reason", "rationale", "formula"] {
            prop_assert!(v[key].is_string(), "{} missing", key);
        }
        let table = crate::render::evaluation_table::evaluation_table(&e, "d.json", false);
        prop_assert!(
            !table
                .split(|c: char| !c.is_alphanumeric())
                .any(|w| w == "NaN" || w == "inf")
        );
    }
}

#[test]
fn rationale_says_what_not_sustained_and_no_baseline_mean() {
    // Relief >= T at two readings, never consecutive: not "only once".
    let e = eval(
        &one(&[(-30, 8.0), (30, 2.0), (60, 8.0), (90, 2.0), (120, 8.0)]),
        "asra",
    );
    assert_eq!(e.blocks[0].reasons, vec![Reason::NotSustained]);
    assert!(
        !crate::render::rationale::rationale(&e).contains("only once"),
        "{}",
        crate::render::rationale::rationale(&e)
    );
    assert!(
        crate::render::rationale::rationale(&e).contains("consecutive"),
        "{}",
        crate::render::rationale::rationale(&e)
    );
    // b2 has scores in its 24 h, but all within b1's window: "no score in the 24 h" is false.
    let mut scores = positive_scores(0);
    scores.extend([(200, 8.0), (250, 2.0), (260, 2.0), (270, 2.0)]);
    let d = diary(vec![lido("b1", 0), lido("b2", 240)], &scores);
    let e = eval(&d, "asra");
    assert_eq!(e.blocks[1].reasons, vec![Reason::NoBaseline]);
    assert!(
        !crate::render::rationale::rationale(&e).contains("no pain score in the 24 h"),
        "{}",
        crate::render::rationale::rationale(&e)
    );
}

// ---------------------------------------------------------------- v2 properties

/// Random diaries with every v2 ingredient: kinds (RFAs too), sides, none-words, rest-words,
/// a regular medicine, and an `as_of` anywhere in (or after) the diary.
fn gen_diary_v2() -> impl Strategy<Value = (Diary, i64)> {
    use crate::diary::{ProcedureKind, Side};
    let words = prop::sample::select(vec![
        "none",
        "rest",
        "Lying Down",
        "walking",
        "gabapentin",
        "oxycodone",
        "N/A",
        "standing",
    ]);
    (
        gen_diary(),
        prop::collection::vec(
            (
                prop::sample::select(ProcedureKind::ALL.to_vec()),
                prop::option::of(prop::sample::select(Side::ALL.to_vec())),
            ),
            3,
        ),
        prop::collection::vec(
            (prop::option::of(words.clone()), prop::option::of(words)),
            40,
        ),
        -DAY..3 * DAY,
    )
        .prop_map(|(mut d, kinds, texts, as_of)| {
            for (p, (kind, side)) in d.procedures.iter_mut().zip(kinds) {
                p.kind = kind;
                p.side = side;
                if kind == ProcedureKind::RadiofrequencyAblation {
                    p.anesthetic = None;
                }
            }
            for (e, (activity, medication)) in d.entries.iter_mut().zip(texts) {
                if activity.is_some() {
                    e.activity = activity.map(crate::diary::ShortText::from);
                }
                if medication.is_some() {
                    e.details.medication = medication.map(str::to_string);
                }
            }
            (d, as_of)
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn v2_rules_hold_on_random_diaries((d, as_of) in gen_diary_v2(), p in gen_protocol()) {
        let cut = *at(as_of).time();
        let Ok(e) = evaluate_at(&d, &p, Some(cut), true) else {
            // No procedure at or before as_of.
            prop_assert!(d.procedures.iter().all(|p| p.at.instant() > at(as_of).instant()));
            return Ok(());
        };
        let cut_ns = at(as_of).instant();
        // Nothing after as_of is seen.
        for b in &e.blocks {
            prop_assert!(b.at.instant() <= cut_ns);
            for r in &b.readings {
                prop_assert!(r.instant <= cut_ns);
            }
        }
        // Top-level classification: the latest block's, or null after an RFA.
        let live: Vec<_> = d.procedures.iter().filter(|p| p.at.instant() <= cut_ns).collect();
        let latest_is_rfa = live.iter().max_by_key(|p| p.at.instant()).is_some_and(|p| !p.is_block());
        if !latest_is_rfa {
            prop_assert_eq!(e.classification, e.latest().map(|b| b.classification));
        } else {
            prop_assert_eq!(e.classification, None);
        }
        // Window open only for a latest block with nothing after it, before its window ends.
        for (k, b) in e.blocks.iter().enumerate() {
            let open = b.reasons.first() == Some(&Reason::WindowOpen);
            prop_assert_eq!(open, b.is_last_procedure && cut_ns < b.window_end);
            if open {
                prop_assert_eq!(k, e.blocks.len() - 1);
                prop_assert_eq!(b.reasons.len(), 1);
            }
            // Provoked: every reading has an activity.
            if b.comparison == Comparison::Provoked {
                for r in &b.readings {
                    prop_assert!(has_activity(d.entries[r.entry].activity.as_deref()));
                }
            }
            // Flags in SPEC order, without repeats.
            prop_assert!(b.flags.windows(2).all(|w| w[0] < w[1]));
            // same_target_as: earlier blocks with the same target.
            for id in &b.same_target_as {
                let earlier = e.blocks[..k].iter().find(|x| &x.id == id);
                prop_assert!(earlier.is_some());
            }
        }
        // by_protocol: each built-in protocol evaluated alone, at the same as_of.
        prop_assert_eq!(e.by_protocol.len(), PROTOCOLS.len());
        for (v, q) in e.by_protocol.iter().zip(PROTOCOLS.iter()) {
            let alone = evaluate_at(&d, q, Some(cut), false).unwrap();
            prop_assert_eq!(v.classification, alone.classification);
            prop_assert_eq!((v.next_step, v.next_step_reason), (alone.decision.step, alone.decision.reason));
        }
        // The output always renders.
        let line = crate::render::evaluation_json::evaluation_line(&e, "d.json");
        let v: serde_json::Value = serde_json::from_str(&line).unwrap();
        prop_assert_eq!(&v["schema"], "paindiary.evaluation.v2");
        let table = crate::render::evaluation_table::evaluation_table(&e, "d.json", false);
        prop_assert!(!table.contains("NaN"));
    }
}
