#!/usr/bin/env python3
"""Generate benchmark diaries for bench/run.sh (deterministic: a fixed seed).

gen.py big FILE N        one diary of N entries and 3 blocks (one entry a minute)
gen.py many DIR N        N small diaries (2 blocks, ~40 entries each)
"""
import json
import os
import random
import sys
from datetime import datetime, timedelta, timezone

TZ = timezone(timedelta(hours=-7))
START = datetime(2024, 1, 1, 8, 0, tzinfo=TZ)
ACTIVITIES = [None, None, None, "standing", "walking", "sitting 30 min"]


def ts(t):
    return t.isoformat()


def procedure(i, at, agent):
    return {"id": f"b{i}", "kind": "medial-branch-block", "at": ts(at), "region": "lumbar",
            "levels": ["L4-L5", "L5-S1"], "side": "bilateral", "anesthetic": agent,
            "steroid": False, "sedation": "none", "note": None}


def entry(i, at, score, rng):
    return {"id": f"e{i}", "at": ts(at), "score": score,
            "activity": rng.choice(ACTIVITIES), "relief": None, "medication": None,
            "note": None}


def write(path, diary):
    with open(path, "w", encoding="utf-8") as f:
        f.write('{\n  "format": "paindiary",\n  "version": 1,\n')
        f.write('  "patient": ' + json.dumps(diary["patient"], separators=(",", ":")) + ',\n')
        for key in ("procedures", "entries"):
            items = diary[key]
            f.write(f'  "{key}": [\n')
            f.write(",\n".join("    " + json.dumps(x, separators=(",", ":")) for x in items))
            f.write("\n  ]" + (",\n" if key == "procedures" else "\n"))
        f.write("}\n")


def big(path, n):
    rng = random.Random(42)
    blocks_at = [START + timedelta(minutes=n * k // 4) + timedelta(seconds=30) for k in (1, 2, 3)]
    procs = [procedure(k + 1, at, a) for k, (at, a) in
             enumerate(zip(blocks_at, ["lidocaine", "bupivacaine", "lidocaine"]))]
    entries = []
    for i in range(n):
        at = START + timedelta(minutes=i)
        after = [b for b in blocks_at if b < at and at - b < timedelta(hours=6)]
        score = round(rng.uniform(1, 3), 1) if after else rng.choice([6, 7, 8, 6.5, 7.5])
        entries.append(entry(i + 1, at, score, rng))
    write(path, {"patient": {"id": "PT-BENCH"}, "procedures": procs, "entries": entries})


def many(folder, n):
    rng = random.Random(7)
    os.makedirs(folder, exist_ok=True)
    for d in range(n):
        t0 = START + timedelta(days=d % 300)
        b1 = t0 + timedelta(hours=2)
        b2 = t0 + timedelta(days=15, hours=2)
        entries, i = [], 0
        for block in (b1, b2):
            for m in [-90, -60, -30] + [15, 30, 45, 60] + [60 * h for h in range(2, 9)] + [600, 720]:
                i += 1
                score = rng.choice([7, 8, 6]) if m < 0 else rng.choice([1, 2, 3, 5, 7])
                entries.append(entry(i, block + timedelta(minutes=m), score, rng))
        write(os.path.join(folder, f"diary-{d:05}.json"),
              {"patient": {"id": f"PT-{d:05}"},
               "procedures": [procedure(1, b1, "lidocaine"), procedure(2, b2, "bupivacaine")],
               "entries": entries})


if __name__ == "__main__":
    kind, target, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    {"big": big, "many": many}[kind](target, count)
