#!/usr/bin/env python3
"""Writes the RFA example diaries (examples/diaries/rfa-*.json), one per SPEC §3.6 outcome.

Run from the repository root:  python3 examples/diaries/rfa_examples.py

Every diary is a year of weekly evening scores (19:00, no activity) of one patient with lumbar
facet pain (Phoenix, -07:00 all year): a positive medial branch block (b1, lidocaine, readings
every 15-120 min while standing), two weeks later an RFA (b2) of the same nerves, then weekly
scores. Only the weekly scores after the RFA differ between the files (and, for `unknown`, the
missing scores before the RFA; for `healing` and `too-early`, the RFA comes at the end of the
year). examples/diaries/README.md ("After RFA") derives each outcome by hand.
"""

import datetime as dt
import json
import os

TZ = dt.timezone(dt.timedelta(hours=-7))
DAY0 = dt.datetime(2025, 1, 6, 0, 0, tzinfo=TZ)  # a Monday
HERE = os.path.dirname(os.path.abspath(__file__))


def at(day, hour, minute=0):
    return (DAY0 + dt.timedelta(days=day, hours=hour, minutes=minute)).isoformat()


def num(v):
    return int(v) if float(v).is_integer() else v


# Before the block: the usual evening pain, 6.5-8.
BEFORE = [7, 8, 7, 6.5, 7, 8, 7.5, 7]
# The block day: baseline while standing, then relief for four hours (SPEC §3.1 run), gone by
# the end of the 8-hour window.
BLOCK_DAY = [
    (9, 0, 8, "standing", "before the block"),
    (9, 45, 4, "standing", "injection site sore"),
    (10, 0, 2, "standing", None),
    (10, 30, 2, "walking", None),
    (11, 30, 2, "standing", "bent over the sink without pain"),
    (13, 30, 3, "walking", None),
    (15, 30, 6, "standing", "back ache returning"),
    (17, 30, 8, "standing", "as before the block"),
]

GOOD = [2, 3, 2, 2, 1.5, 3, 2.5]  # relief >= 50 % against the RFA baseline 7.5
BAD = [6, 7, 7.5, 8, 7, 6.5]


def cycle(values, i):
    return values[i % len(values)]


def follow_up_score(kind, days_after, i):
    """Weekly score `days_after` whole days after the RFA (from day 21), the i-th reading."""
    if kind == "durable":  # good to day 210 (a flare on day 112), back from day 217
        if days_after == 112:
            return 6.5
        return cycle(GOOD, i) if days_after <= 210 else cycle(BAD, i)
    if kind == "relief-ongoing":  # good all year, one flare
        return 7 if days_after == 175 else cycle(GOOD, i)
    if kind == "uncertain":  # good to day 161, no diary for four weeks, back by day 196
        return cycle(GOOD, i) if days_after <= 161 else cycle(BAD, i)
    if kind == "failed":  # good to day 91 only
        return cycle(GOOD, i) if days_after <= 91 else cycle(BAD, i)
    if kind == "worse":  # neuritis: 2 points or more above the baseline for three months
        return cycle([10, 9.5, 10, 9.5], i) if days_after <= 112 else cycle(BAD, i)
    if kind in ("unknown", "too-early"):
        return cycle(GOOD, i)
    raise ValueError(kind)


SCENARIOS = {
    # name: (RFA day, last day of the diary, days without scores)
    "durable": (28, 364, set()),
    "relief-ongoing": (28, 364, set()),
    "uncertain": (28, 364, {196, 203, 210, 217}),
    "failed": (28, 364, set()),
    "worse": (28, 364, set()),
    "unknown": (28, 364, {14, 21}),  # no score between the block and the RFA
    "healing": (350, 364, set()),
    "too-early": (350, 371, set()),
}


def diary(name, rfa_day, last_day, skipped):
    block_day = rfa_day - 14
    procedures = [
        {"id": "b1", "kind": "medial-branch-block", "at": at(block_day, 9, 30),
         "region": "lumbar", "levels": ["L4-L5", "L5-S1"], "side": "right",
         "anesthetic": "lidocaine", "steroid": False, "sedation": "none",
         "note": "2% lidocaine 0.5 mL per nerve"},
        {"id": "b2", "kind": "radiofrequency-ablation", "at": at(rfa_day, 10, 0),
         "region": "lumbar", "levels": ["L4-L5", "L5-S1"], "side": "right",
         "anesthetic": None, "steroid": False, "sedation": "none",
         "note": "80 °C, 90 s per lesion, parallel placement"},
    ]
    rows = []  # (day, hour, minute, score, activity, note)
    for h, m, score, activity, note in BLOCK_DAY:
        rows.append((block_day, h, m, score, activity, note))
    i = 0
    for day in range(0, last_day + 1, 7):
        if day in skipped:
            continue
        days_after = day - rfa_day
        if day < block_day:
            score, note = BEFORE[(day // 7) % len(BEFORE)], None
        elif day == block_day:
            score, note = 8, "evening"
        elif day < rfa_day:
            score, note = 7, None
        elif days_after < 21:
            score, note = (6, "burning at the RFA site") if days_after == 7 else (5, None)
        else:
            score, note = follow_up_score(name, days_after, i), None
            i += 1
        rows.append((day, 19, 0, score, None, note))
    rows.sort(key=lambda r: (r[0], r[1], r[2]))
    entries = [
        {"id": f"e{k + 1}", "at": at(d, h, m), "score": num(s), "activity": a,
         "relief": None, "medication": None, "note": n}
        for k, (d, h, m, s, a, n) in enumerate(rows)
    ]
    return {
        "format": "paindiary",
        "version": 1,
        "patient": {"id": f"RFA-{name.upper()}"},
        "procedures": procedures,
        "entries": entries,
    }


def write(path, d):
    compact = lambda v: json.dumps(v, ensure_ascii=False, separators=(",", ":"))
    lines = ["{", '  "format": "paindiary",', '  "version": 1,',
             f'  "patient": {compact(d["patient"])},', '  "procedures": [']
    lines.append(",\n".join("    " + compact(p) for p in d["procedures"]))
    lines.append("  ],")
    lines.append('  "entries": [')
    lines.append(",\n".join("    " + compact(e) for e in d["entries"]))
    lines.append("  ]")
    lines.append("}")
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    for name, (rfa_day, last_day, skipped) in SCENARIOS.items():
        d = diary(name, rfa_day, last_day, skipped)
        path = os.path.join(HERE, f"rfa-{name}.json")
        write(path, d)
        print(f"rfa-{name}.json: as of {d['entries'][-1]['at']}")
