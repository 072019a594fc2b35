//! The fixture diary of the exchange, correction and procedure tests (run them in
//! `common::Env::utc()`).

/// A diary with every kind of text CSV has to quote, decimals, an unknown field, a history and
/// a retracted entry. b1 has a baseline (e1) and readings in its window (e2, e3, e4).
pub(crate) const DIARY: &str = r#"{
  "format": "paindiary",
  "version": 1,
  "patient": {"id": "PT-0042", "mrn": "X1"},
  "procedures": [
    {"id": "b1", "kind": "medial-branch-block", "at": "2026-11-20T09:30:00-07:00",
     "region": "lumbar", "levels": ["L4-L5", "L5-S1"], "side": "bilateral",
     "anesthetic": "lidocaine", "steroid": false, "sedation": "none",
     "note": "He said \"fine\", then left", "operator": "Dr A"}
  ],
  "entries": [
    {"id": "e1", "at": "2026-11-20T09:00:00-07:00", "score": 7, "activity": "standing",
     "relief": null, "medication": null, "note": null},
    {"id": "e2", "at": "2026-11-20T17:00:00Z", "score": 2.5, "activity": "walking, then sitting",
     "relief": 62.5, "medication": null, "note": "line 1\nline 2 — ünïcødé ☃ 痛み"},
    {"id": "e3", "at": "2026-11-20T11:00:00-07:00", "score": 3, "activity": null,
     "relief": null, "medication": "ibuprofen 400 mg", "note": "\"quoted\"",
     "retracted": {"at": "2026-11-21T08:00:00-07:00", "reason": "scored the injection site, not the back"},
     "history": [{"amended_at": "2026-11-21T07:00:00-07:00", "score": 4}]},
    {"id": "e4", "at": "2026-11-20T12:00:00-07:00", "score": 0.30000000000000004,
     "activity": "bending", "relief": 95, "medication": null, "note": null, "mood": [1, 2]}
  ]
}
"#;
