#!/bin/sh
# Records every example diary with paindiary itself (init, block, log), so the files are
# exactly what the program writes. Run from the repository root after `cargo build`:
#   sh examples/diaries/record.sh
set -eu
dir=examples/diaries
bin=${PAINDIARY:-target/debug/paindiary}
export TZ=UTC PAINDIARY_NOW=2026-11-26T12:00:00Z
unset PAINDIARY_FILE
pd() { "$bin" --file "$file" "$@" >/dev/null 2>&1; }

# positive-single-block: ASRA single prognostic block, >= 50 % relief for 3 h
file=$dir/positive-single-block.json
rm -f "$file" "$file.bak" "$file.lock"
pd init --patient PT-1001
pd log 7 --at 2026-11-02T19:00:00-07:00 --activity walking --note 'evening walk to the mailbox'
pd log 8 --at 2026-11-03T07:15:00-07:00 --activity standing --note 'making breakfast'
pd log 9 --at 2026-11-03T09:00:00-07:00 --activity 'sitting 30 min' --note 'car ride and waiting room'
pd block --at 2026-11-03T09:30:00-07:00 --anesthetic lidocaine --kind medial-branch-block --region lumbar --levels L4-L5,L5-S1 --side bilateral --note '2% lidocaine 0.5 mL per nerve, fluoroscopy'
pd log 5 --at 2026-11-03T09:45:00-07:00 --activity standing --note 'injection site sore'
pd log 3 --at 2026-11-03T10:00:00-07:00 --activity standing
pd log 2 --at 2026-11-03T10:15:00-07:00 --activity walking --relief 70
pd log 2 --at 2026-11-03T10:30:00-07:00 --activity standing --relief 75 --note 'bent forward at the sink without pain'
pd log 2 --at 2026-11-03T11:30:00-07:00 --activity walking --relief 75
pd log 4 --at 2026-11-03T12:30:00-07:00 --activity 'sitting 30 min' --relief 50
pd log 6 --at 2026-11-03T13:30:00-07:00 --activity walking --relief 25 --note 'back ache returning'
pd log 7 --at 2026-11-03T14:30:00-07:00 --activity standing
pd log 7 --at 2026-11-03T15:30:00-07:00 --activity 'sitting 30 min'
pd log 8 --at 2026-11-03T16:30:00-07:00 --activity walking --relief 0 --note 'as before the block'
pd log 7 --at 2026-11-03T17:30:00-07:00 --activity standing
rm -f "$file.bak" "$file.lock"

# negative: bupivacaine block with no useful relief
file=$dir/negative.json
rm -f "$file" "$file.bak" "$file.lock"
pd init --patient PT-1002
pd log 6 --at 2026-11-09T18:30:00-05:00 --activity 'turning head' --note 'driving home'
pd log 7 --at 2026-11-10T07:00:00-05:00 --activity 'looking up' --note 'hanging laundry'
pd log 6 --at 2026-11-10T10:00:00-05:00 --activity 'sitting 30 min' --note 'desk work'
pd log 7 --at 2026-11-10T12:30:00-05:00 --activity 'turning head'
pd block --at 2026-11-10T13:00:00-05:00 --anesthetic bupivacaine --kind medial-branch-block --region cervical --levels C5-C6,C6-C7 --side right --sedation minimal --note '0.5% bupivacaine 0.3 mL per nerve; oral lorazepam 1 mg'
pd log 6 --at 2026-11-10T13:15:00-05:00 --activity 'turning head' --note 'neck sore where the needles went in'
pd log 6 --at 2026-11-10T13:30:00-05:00 --activity 'turning head'
pd log 5 --at 2026-11-10T13:45:00-05:00 --activity 'looking up' --relief 20
pd log 6 --at 2026-11-10T14:00:00-05:00 --activity 'turning head' --relief 10
pd log 6 --at 2026-11-10T15:00:00-05:00 --activity 'sitting 30 min'
pd log 6 --at 2026-11-10T16:00:00-05:00 --activity 'turning head'
pd log 7 --at 2026-11-10T17:00:00-05:00 --activity 'looking up' --relief 0 --note 'no change'
pd log 6 --at 2026-11-10T18:00:00-05:00 --activity 'turning head'
pd log 6 --at 2026-11-10T19:00:00-05:00 --activity 'sitting 30 min'
pd log 7 --at 2026-11-10T20:00:00-05:00 --activity 'turning head'
pd log 6 --at 2026-11-10T21:00:00-05:00 --activity 'looking up' --relief 0 --note 'same pain as always'
rm -f "$file.bak" "$file.lock"

# partial-relief: relief of about 40 %: between P and T
file=$dir/partial-relief.json
rm -f "$file" "$file.bak" "$file.lock"
pd init --patient PT-1003
pd log 7 --at 2026-11-04T20:00:00-06:00 --activity standing --note 'cooking dinner'
pd log 7 --at 2026-11-05T06:45:00-06:00 --activity 'getting out of bed'
pd log 7 --at 2026-11-05T09:15:00-06:00 --activity 'sitting 30 min' --note 'drive to the clinic'
pd block --at 2026-11-05T10:00:00-06:00 --anesthetic lidocaine --kind medial-branch-block --region lumbar --levels L3-L4,L4-L5 --side left --note '1% lidocaine 0.5 mL per nerve'
pd log 6 --at 2026-11-05T10:15:00-06:00 --activity standing
pd log 5 --at 2026-11-05T10:30:00-06:00 --activity walking
pd log 4 --at 2026-11-05T10:45:00-06:00 --activity walking --relief 40 --note 'better, still aching into the buttock'
pd log 4 --at 2026-11-05T11:00:00-06:00 --activity standing --relief 40
pd log 4 --at 2026-11-05T12:00:00-06:00 --activity bending
pd log 5 --at 2026-11-05T13:00:00-06:00 --activity 'sitting 30 min' --relief 30
pd log 5 --at 2026-11-05T14:00:00-06:00 --activity walking
pd log 6 --at 2026-11-05T15:00:00-06:00 --activity standing
pd log 6 --at 2026-11-05T16:00:00-06:00 --activity walking
pd log 7 --at 2026-11-05T17:00:00-06:00 --activity standing
pd log 7 --at 2026-11-05T18:00:00-06:00 --activity 'sitting 30 min' --relief 0
rm -f "$file.bak" "$file.lock"

# not-sustained: a single reading at or above 50 %
file=$dir/not-sustained.json
rm -f "$file" "$file.bak" "$file.lock"
pd init --patient PT-1004
pd log 8 --at 2026-11-11T17:00:00-08:00 --activity walking --note 'grocery shopping'
pd log 8 --at 2026-11-11T21:00:00-08:00 --activity standing --note 'washing dishes'
pd log 7 --at 2026-11-12T06:30:00-08:00 --activity 'getting out of bed'
pd log 9 --at 2026-11-12T08:00:00-08:00 --activity 'sitting 30 min' --note 'bus to the clinic'
pd block --at 2026-11-12T08:30:00-08:00 --anesthetic lidocaine --kind medial-branch-block --region lumbar --levels L5-S1 --side bilateral --note '2% lidocaine 0.5 mL per nerve'
pd log 6 --at 2026-11-12T08:45:00-08:00 --activity standing
pd log 5 --at 2026-11-12T09:00:00-08:00 --activity standing
pd log 3 --at 2026-11-12T09:15:00-08:00 --activity walking --relief 60 --note 'walked the clinic corridor'
pd log 5 --at 2026-11-12T09:30:00-08:00 --activity standing --relief 40 --note 'ache back already'
pd log 5 --at 2026-11-12T10:30:00-08:00 --activity walking
pd log 6 --at 2026-11-12T11:30:00-08:00 --activity 'sitting 30 min'
pd log 6 --at 2026-11-12T12:30:00-08:00 --activity walking
pd log 7 --at 2026-11-12T13:30:00-08:00 --activity standing
pd log 7 --at 2026-11-12T14:30:00-08:00 --activity walking
pd log 8 --at 2026-11-12T15:30:00-08:00 --activity standing
pd log 8 --at 2026-11-12T16:30:00-08:00 --activity 'sitting 30 min'
rm -f "$file.bak" "$file.lock"

# sedation-confounded: strong relief under moderate sedation
file=$dir/sedation-confounded.json
rm -f "$file" "$file.bak" "$file.lock"
pd init --patient PT-1005
pd log 7 --at 2026-11-16T19:30:00-07:00 --activity standing --note 'evening chores'
pd log 7 --at 2026-11-17T07:30:00-07:00 --activity walking --note 'walking the dog'
pd block --at 2026-11-17T11:00:00-07:00 --anesthetic bupivacaine --kind medial-branch-block --region lumbar --levels L4-L5,L5-S1 --side right --sedation moderate --note 'IV midazolam 2 mg and fentanyl 50 mcg; 0.5% bupivacaine'
pd log 1 --at 2026-11-17T11:15:00-07:00 --activity standing --relief 90 --note drowsy
pd log 1 --at 2026-11-17T11:30:00-07:00 --activity standing --relief 90 --note 'still sleepy'
pd log 2 --at 2026-11-17T11:45:00-07:00 --activity walking
pd log 2 --at 2026-11-17T12:00:00-07:00 --activity walking --relief 80
pd log 3 --at 2026-11-17T13:00:00-07:00 --activity 'sitting 30 min'
pd log 3 --at 2026-11-17T14:00:00-07:00 --activity walking
pd log 5 --at 2026-11-17T15:00:00-07:00 --activity standing --relief 30
pd log 6 --at 2026-11-17T16:00:00-07:00 --activity walking
pd log 6 --at 2026-11-17T17:00:00-07:00 --activity standing
pd log 7 --at 2026-11-17T18:00:00-07:00 --activity walking
pd log 7 --at 2026-11-17T19:00:00-07:00 --activity 'sitting 30 min' --relief 0
rm -f "$file.bak" "$file.lock"

# dual-confirmed: two positive blocks three weeks apart
file=$dir/dual-confirmed.json
rm -f "$file" "$file.bak" "$file.lock"
pd init --patient PT-1006
pd log 7 --at 2026-10-05T18:00:00-04:00 --activity standing --note cooking
pd log 8 --at 2026-10-05T21:30:00-04:00 --activity 'sitting 30 min' --note television
pd log 7 --at 2026-10-06T07:00:00-04:00 --activity 'getting out of bed'
pd log 8 --at 2026-10-06T09:15:00-04:00 --activity walking --note 'parking garage to the clinic'
pd block --at 2026-10-06T10:00:00-04:00 --anesthetic lidocaine --kind medial-branch-block --region lumbar --levels L4-L5,L5-S1 --side bilateral --note '2% lidocaine 0.5 mL per nerve'
pd log 4 --at 2026-10-06T10:15:00-04:00 --activity standing
pd log 3 --at 2026-10-06T10:30:00-04:00 --activity walking --relief 60
pd log 2 --at 2026-10-06T10:45:00-04:00 --activity walking --relief 70
pd log 2 --at 2026-10-06T11:00:00-04:00 --activity standing
pd log 3 --at 2026-10-06T12:00:00-04:00 --activity 'sitting 30 min' --relief 60
pd log 5 --at 2026-10-06T13:00:00-04:00 --activity walking --note 'wearing off'
pd log 6 --at 2026-10-06T14:00:00-04:00 --activity standing
pd log 7 --at 2026-10-06T15:00:00-04:00 --activity walking
pd log 7 --at 2026-10-06T16:00:00-04:00 --activity standing
pd log 7 --at 2026-10-06T17:00:00-04:00 --activity 'sitting 30 min'
pd log 8 --at 2026-10-06T18:00:00-04:00 --activity walking --relief 0
pd log 8 --at 2026-10-26T17:30:00-04:00 --activity walking
pd log 7 --at 2026-10-27T07:00:00-04:00 --activity 'getting out of bed'
pd log 9 --at 2026-10-27T09:20:00-04:00 --activity 'sitting 30 min' --note 'traffic on the way in'
pd block --at 2026-10-27T10:00:00-04:00 --anesthetic bupivacaine --kind medial-branch-block --region lumbar --levels L4-L5,L5-S1 --side bilateral --note 'confirmatory block, 0.5% bupivacaine 0.5 mL per nerve'
pd log 5 --at 2026-10-27T10:15:00-04:00 --activity standing
pd log 3 --at 2026-10-27T10:30:00-04:00 --activity walking --relief 60
pd log 2 --at 2026-10-27T10:45:00-04:00 --activity walking
pd log 1 --at 2026-10-27T11:00:00-04:00 --activity standing --relief 90 --note 'could bend to tie shoes'
pd log 1 --at 2026-10-27T12:00:00-04:00 --activity walking --relief 90
pd log 2 --at 2026-10-27T13:00:00-04:00 --activity 'sitting 30 min'
pd log 2 --at 2026-10-27T14:00:00-04:00 --activity walking
pd log 3 --at 2026-10-27T15:00:00-04:00 --activity standing
pd log 3 --at 2026-10-27T16:00:00-04:00 --activity walking
pd log 3 --at 2026-10-27T17:00:00-04:00 --activity standing
pd log 4 --at 2026-10-27T18:00:00-04:00 --activity walking --relief 50
pd log 4 --at 2026-10-27T19:00:00-04:00 --activity walking --note 'walked the dog'
pd log 5 --at 2026-10-27T22:00:00-04:00 --activity 'lying in bed'
pd log 8 --at 2026-10-28T07:00:00-04:00 --activity 'getting out of bed' --note 'back to usual'
rm -f "$file.bak" "$file.lock"

# discordant-blocks: negative first block, positive second block
file=$dir/discordant-blocks.json
rm -f "$file" "$file.bak" "$file.lock"
pd init --patient PT-1007
pd log 6 --at 2026-11-01T19:00:00+01:00 --activity standing
pd log 7 --at 2026-11-02T07:00:00+01:00 --activity 'getting out of bed'
pd log 7 --at 2026-11-02T08:30:00+01:00 --activity walking --note 'walk from the tram stop'
pd log 6 --at 2026-11-02T09:40:00+01:00 --activity 'sitting 30 min'
pd block --at 2026-11-02T10:00:00+01:00 --anesthetic lidocaine --kind medial-branch-block --region lumbar --levels L4-L5,L5-S1 --side left --note '2% lidocaine 0.5 mL per nerve'
pd log 6 --at 2026-11-02T10:15:00+01:00 --activity standing
pd log 6 --at 2026-11-02T10:30:00+01:00 --activity standing
pd log 5 --at 2026-11-02T10:45:00+01:00 --activity walking
pd log 5 --at 2026-11-02T11:00:00+01:00 --activity walking --relief 20
pd log 6 --at 2026-11-02T12:00:00+01:00 --activity 'sitting 30 min'
pd log 6 --at 2026-11-02T13:00:00+01:00 --activity walking
pd log 6 --at 2026-11-02T14:00:00+01:00 --activity standing
pd log 7 --at 2026-11-02T15:00:00+01:00 --activity walking
pd log 6 --at 2026-11-02T16:00:00+01:00 --activity standing
pd log 6 --at 2026-11-02T17:00:00+01:00 --activity 'sitting 30 min'
pd log 7 --at 2026-11-02T18:00:00+01:00 --activity walking --relief 0
pd log 7 --at 2026-11-18T18:00:00+01:00 --activity standing
pd log 7 --at 2026-11-18T21:00:00+01:00 --activity 'sitting 30 min'
pd log 6 --at 2026-11-19T07:00:00+01:00 --activity 'getting out of bed'
pd log 8 --at 2026-11-19T09:30:00+01:00 --activity walking --note 'walk from the tram stop'
pd block --at 2026-11-19T10:00:00+01:00 --anesthetic bupivacaine --kind medial-branch-block --region lumbar --levels L4-L5,L5-S1 --side left --note 'repeat block at the same levels, 0.5% bupivacaine'
pd log 5 --at 2026-11-19T10:15:00+01:00 --activity standing
pd log 3 --at 2026-11-19T10:30:00+01:00 --activity walking --relief 60
pd log 2 --at 2026-11-19T10:45:00+01:00 --activity walking --relief 70
pd log 2 --at 2026-11-19T11:00:00+01:00 --activity standing
pd log 3 --at 2026-11-19T12:00:00+01:00 --activity 'sitting 30 min'
pd log 3 --at 2026-11-19T13:00:00+01:00 --activity walking
pd log 4 --at 2026-11-19T14:00:00+01:00 --activity standing
pd log 5 --at 2026-11-19T15:00:00+01:00 --activity walking
pd log 6 --at 2026-11-19T16:00:00+01:00 --activity standing
pd log 6 --at 2026-11-19T17:00:00+01:00 --activity 'sitting 30 min'
pd log 7 --at 2026-11-19T18:00:00+01:00 --activity walking --relief 0
rm -f "$file.bak" "$file.lock"

# comparative-concordant-sis: comparative blocks with complete relief
file=$dir/comparative-concordant-sis.json
rm -f "$file" "$file.bak" "$file.lock"
pd init --patient PT-1008
pd log 6 --at 2026-10-12T17:00:00+11:00 --activity 'turning head' --note 'reversing the car'
pd log 7 --at 2026-10-12T20:00:00+11:00 --activity reading --note 'head bent forward'
pd log 6 --at 2026-10-13T07:00:00+11:00 --activity 'turning head'
pd log 5 --at 2026-10-13T08:30:00+11:00 --activity 'sitting 30 min'
pd block --at 2026-10-13T09:00:00+11:00 --anesthetic lidocaine --kind medial-branch-block --region cervical --levels C2-C3,C3-C4 --side right --note '2% lidocaine 0.3 mL per nerve; agent not told to the patient'
pd log 2 --at 2026-10-13T09:15:00+11:00 --activity 'turning head'
pd log 0 --at 2026-10-13T09:30:00+11:00 --activity 'turning head' --relief 100
pd log 0 --at 2026-10-13T09:45:00+11:00 --activity 'looking up' --relief 100
pd log 0 --at 2026-10-13T10:00:00+11:00 --activity 'turning head'
pd log 0 --at 2026-10-13T11:00:00+11:00 --activity reading --relief 100
pd log 3 --at 2026-10-13T12:00:00+11:00 --activity 'turning head' --relief 50 --note 'pain coming back'
pd log 5 --at 2026-10-13T13:00:00+11:00 --activity 'turning head'
pd log 6 --at 2026-10-13T14:00:00+11:00 --activity reading
pd log 6 --at 2026-10-13T15:00:00+11:00 --activity 'turning head'
pd log 6 --at 2026-10-13T16:00:00+11:00 --activity 'turning head'
pd log 6 --at 2026-10-13T17:00:00+11:00 --activity reading --relief 0
pd log 6 --at 2026-10-26T17:00:00+11:00 --activity 'turning head'
pd log 6 --at 2026-10-26T20:00:00+11:00 --activity reading
pd log 7 --at 2026-10-27T07:00:00+11:00 --activity 'turning head' --note 'stiff on waking'
pd log 5 --at 2026-10-27T08:30:00+11:00 --activity 'sitting 30 min'
pd block --at 2026-10-27T09:00:00+11:00 --anesthetic bupivacaine --kind medial-branch-block --region cervical --levels C2-C3,C3-C4 --side right --note '0.5% bupivacaine 0.3 mL per nerve; agent not told to the patient'
pd log 3 --at 2026-10-27T09:15:00+11:00 --activity 'turning head'
pd log 0 --at 2026-10-27T09:30:00+11:00 --activity 'turning head' --relief 100
pd log 0 --at 2026-10-27T09:45:00+11:00 --activity 'looking up'
pd log 0 --at 2026-10-27T10:00:00+11:00 --activity 'turning head' --relief 100
pd log 0 --at 2026-10-27T11:00:00+11:00 --activity reading
pd log 0 --at 2026-10-27T12:00:00+11:00 --activity 'turning head' --relief 100
pd log 0 --at 2026-10-27T13:00:00+11:00 --activity reading
pd log 0 --at 2026-10-27T14:00:00+11:00 --activity 'turning head' --relief 100 --note 'best day in months'
pd log 2 --at 2026-10-27T15:00:00+11:00 --activity 'turning head' --relief 70
pd log 4 --at 2026-10-27T16:00:00+11:00 --activity reading
pd log 5 --at 2026-10-27T17:00:00+11:00 --activity 'turning head' --relief 10
rm -f "$file.bak" "$file.lock"

# cms-short-interval: two >= 80 % blocks only 10 days apart
file=$dir/cms-short-interval.json
rm -f "$file" "$file.bak" "$file.lock"
pd init --patient PT-1009
pd log 9 --at 2026-11-02T18:00:00-06:00 --activity standing --note 'after work'
pd log 8 --at 2026-11-03T06:30:00-06:00 --activity 'getting out of bed'
pd log 7 --at 2026-11-03T08:00:00-06:00 --activity 'sitting 30 min'
pd block --at 2026-11-03T08:30:00-06:00 --anesthetic lidocaine --kind medial-branch-block --region lumbar --levels L4-L5,L5-S1 --side bilateral --note '2% lidocaine 0.5 mL per nerve'
pd log 3 --at 2026-11-03T08:45:00-06:00 --activity standing
pd log 1 --at 2026-11-03T09:00:00-06:00 --activity walking --relief 90
pd log 1 --at 2026-11-03T09:15:00-06:00 --activity standing
pd log 0 --at 2026-11-03T09:30:00-06:00 --activity walking --relief 100
pd log 1 --at 2026-11-03T10:30:00-06:00 --activity 'sitting 30 min' --relief 90
pd log 3 --at 2026-11-03T11:30:00-06:00 --activity walking
pd log 5 --at 2026-11-03T12:30:00-06:00 --activity standing
pd log 6 --at 2026-11-03T13:30:00-06:00 --activity walking
pd log 7 --at 2026-11-03T14:30:00-06:00 --activity standing
pd log 8 --at 2026-11-03T15:30:00-06:00 --activity walking
pd log 8 --at 2026-11-03T16:30:00-06:00 --activity 'sitting 30 min' --relief 0
pd log 8 --at 2026-11-12T18:00:00-06:00 --activity standing
pd log 8 --at 2026-11-12T21:00:00-06:00 --activity 'sitting 30 min'
pd log 7 --at 2026-11-13T06:30:00-06:00 --activity 'getting out of bed'
pd log 9 --at 2026-11-13T08:00:00-06:00 --activity walking
pd block --at 2026-11-13T08:30:00-06:00 --anesthetic bupivacaine --kind medial-branch-block --region lumbar --levels L4-L5,L5-S1 --side bilateral --note 'second block booked early, 10 days after the first'
pd log 2 --at 2026-11-13T08:45:00-06:00 --activity standing
pd log 1 --at 2026-11-13T09:00:00-06:00 --activity walking --relief 90
pd log 1 --at 2026-11-13T09:15:00-06:00 --activity standing
pd log 0 --at 2026-11-13T09:30:00-06:00 --activity walking --relief 100
pd log 0 --at 2026-11-13T10:30:00-06:00 --activity 'sitting 30 min'
pd log 1 --at 2026-11-13T11:30:00-06:00 --activity walking --relief 90
pd log 1 --at 2026-11-13T12:30:00-06:00 --activity standing
pd log 1 --at 2026-11-13T13:30:00-06:00 --activity walking
pd log 1 --at 2026-11-13T14:30:00-06:00 --activity standing
pd log 1 --at 2026-11-13T15:30:00-06:00 --activity walking
pd log 1 --at 2026-11-13T16:30:00-06:00 --activity 'sitting 30 min' --relief 90 --note 'still much better at bedtime'
rm -f "$file.bak" "$file.lock"

# analgesic: relief while the patient took ibuprofen
file=$dir/analgesic.json
rm -f "$file" "$file.bak" "$file.lock"
pd init --patient PT-1010
pd log 7 --at 2026-11-17T20:00:00-05:00 --activity standing
pd log 8 --at 2026-11-18T08:00:00-05:00 --activity 'getting out of bed'
pd log 6 --at 2026-11-18T13:00:00-05:00 --activity 'sitting 30 min' --note 'lunch then drive'
pd block --at 2026-11-18T14:00:00-05:00 --anesthetic lidocaine --kind medial-branch-block --region lumbar --levels L5-S1 --side right --note '2% lidocaine 0.5 mL'
pd log 4 --at 2026-11-18T14:15:00-05:00 --activity standing
pd log 3 --at 2026-11-18T14:30:00-05:00 --activity walking --relief 90 --note 'feels almost gone'
pd log 2 --at 2026-11-18T14:45:00-05:00 --activity walking --medication 'ibuprofen 400 mg' --note 'took it for the injection site'
pd log 2 --at 2026-11-18T15:00:00-05:00 --activity standing
pd log 1 --at 2026-11-18T16:00:00-05:00 --activity walking --relief 85
pd log 2 --at 2026-11-18T17:00:00-05:00 --activity 'sitting 30 min'
pd log 3 --at 2026-11-18T18:00:00-05:00 --activity walking
pd log 5 --at 2026-11-18T19:00:00-05:00 --activity standing
pd log 6 --at 2026-11-18T20:00:00-05:00 --activity walking
pd log 6 --at 2026-11-18T21:00:00-05:00 --activity standing
pd log 7 --at 2026-11-18T22:00:00-05:00 --activity 'sitting 30 min' --relief 0
rm -f "$file.bak" "$file.lock"

# low-baseline: baseline below 4/10, rated at rest
file=$dir/low-baseline.json
rm -f "$file" "$file.bak" "$file.lock"
pd init --patient PT-1011
pd log 3 --at 2026-11-23T16:00:00+00:00 --note 'resting on the sofa'
pd log 4 --at 2026-11-23T21:00:00+00:00
pd log 3 --at 2026-11-24T07:30:00+00:00 --note 'took it easy this morning'
pd block --at 2026-11-24T09:00:00+00:00 --anesthetic bupivacaine --kind medial-branch-block --region lumbar --levels L4-L5 --side left --steroid --note '0.5% bupivacaine with triamcinolone 20 mg'
pd log 2 --at 2026-11-24T09:15:00+00:00
pd log 1 --at 2026-11-24T09:30:00+00:00
pd log 1 --at 2026-11-24T09:45:00+00:00
pd log 0 --at 2026-11-24T10:00:00+00:00
pd log 1 --at 2026-11-24T11:00:00+00:00
pd log 2 --at 2026-11-24T12:00:00+00:00
pd log 3 --at 2026-11-24T13:00:00+00:00
pd log 3 --at 2026-11-24T14:00:00+00:00
pd log 4 --at 2026-11-24T15:00:00+00:00
pd log 3 --at 2026-11-24T16:00:00+00:00
pd log 3 --at 2026-11-24T17:00:00+00:00
rm -f "$file.bak" "$file.lock"


# --- evaluation v2 outcomes (SPEC §3.1-3.5) ---

# window-open: evaluated (2026-11-26 12:00 UTC) 4 h 30 min into the 8 h window
file=$dir/window-open.json
rm -f "$file" "$file.bak" "$file.lock"
pd init --patient PT-1012
pd log 8 --at 2026-11-25T19:00:00+01:00 --activity standing --note 'cooking dinner'
pd log 7 --at 2026-11-26T07:30:00+01:00 --activity walking --note 'walk to the tram'
pd block --at 2026-11-26T08:30:00+01:00 --anesthetic lidocaine --kind medial-branch-block --region lumbar --levels L4-L5 --side right --note '2% lidocaine 0.5 mL per nerve'
pd log 5 --at 2026-11-26T08:45:00+01:00 --activity standing
pd log 3 --at 2026-11-26T09:00:00+01:00 --activity standing
pd log 3 --at 2026-11-26T09:15:00+01:00 --activity walking
pd log 2 --at 2026-11-26T09:30:00+01:00 --activity standing --relief 75
pd log 3 --at 2026-11-26T10:30:00+01:00 --activity walking
rm -f "$file.bak" "$file.lock"

# late-onset: relief first seen 4 h after a bupivacaine block with a steroid
file=$dir/late-onset.json
rm -f "$file" "$file.bak" "$file.lock"
pd init --patient PT-1013
pd log 7 --at 2026-11-16T18:00:00-07:00 --activity standing
pd log 7 --at 2026-11-17T08:00:00-07:00 --activity walking
pd block --at 2026-11-17T09:00:00-07:00 --anesthetic bupivacaine --steroid --kind medial-branch-block --region lumbar --levels L3-L4,L4-L5 --side bilateral --note '0.5% bupivacaine with dexamethasone'
pd log 7 --at 2026-11-17T09:15:00-07:00 --activity standing
pd log 7 --at 2026-11-17T09:30:00-07:00 --activity standing
pd log 6 --at 2026-11-17T09:45:00-07:00 --activity walking
pd log 7 --at 2026-11-17T10:00:00-07:00 --activity standing --note 'no change yet'
pd log 7 --at 2026-11-17T11:00:00-07:00 --activity walking
pd log 6 --at 2026-11-17T12:00:00-07:00 --activity standing
pd log 3 --at 2026-11-17T13:00:00-07:00 --activity walking --note 'suddenly much better'
pd log 3 --at 2026-11-17T14:00:00-07:00 --activity standing
pd log 2 --at 2026-11-17T15:00:00-07:00 --activity walking
pd log 3 --at 2026-11-17T16:00:00-07:00 --activity standing
pd log 3 --at 2026-11-17T17:00:00-07:00 --activity walking
pd log 6 --at 2026-11-17T18:00:00-07:00 --activity walking
rm -f "$file.bak" "$file.lock"

# provoked-baseline: one provoked 8/10 and six resting 2/10 before the block
file=$dir/provoked-baseline.json
rm -f "$file" "$file.bak" "$file.lock"
pd init --patient PT-1014
pd log 2 --at 2026-11-18T19:00:00-07:00 --activity 'at rest' --note 'on the sofa'
pd log 2 --at 2026-11-18T21:00:00-07:00
pd log 2 --at 2026-11-19T06:30:00-07:00 --activity 'lying down'
pd log 2 --at 2026-11-19T07:30:00-07:00
pd log 2 --at 2026-11-19T08:30:00-07:00 --activity resting
pd log 2 --at 2026-11-19T09:00:00-07:00 --activity none
pd log 8 --at 2026-11-19T09:30:00-07:00 --activity walking --note 'walk from the car park'
pd block --at 2026-11-19T10:00:00-07:00 --anesthetic lidocaine --kind medial-branch-block --region lumbar --levels L4-L5,L5-S1 --side bilateral
pd log 2 --at 2026-11-19T10:15:00-07:00 --activity walking
pd log 1 --at 2026-11-19T10:30:00-07:00 --activity walking --relief 90
pd log 2 --at 2026-11-19T10:45:00-07:00 --activity standing
pd log 3 --at 2026-11-19T11:00:00-07:00 --activity resting
pd log 1 --at 2026-11-19T12:00:00-07:00 --activity walking
pd log 2 --at 2026-11-19T13:00:00-07:00 --activity walking
pd log 5 --at 2026-11-19T14:00:00-07:00 --activity walking
pd log 7 --at 2026-11-19T15:00:00-07:00 --activity walking
pd log 8 --at 2026-11-19T16:00:00-07:00 --activity walking
pd log 8 --at 2026-11-19T17:00:00-07:00 --activity standing
pd log 8 --at 2026-11-19T18:00:00-07:00 --activity walking
rm -f "$file.bak" "$file.lock"

# other-side: a positive right-side block, then a positive left-side block (dual)
file=$dir/other-side.json
rm -f "$file" "$file.bak" "$file.lock"
pd init --patient PT-1015
for day in 03 17; do
  pd log 8 --at 2026-11-${day}T07:00:00-07:00 --activity standing
  pd log 8 --at 2026-11-${day}T08:30:00-07:00 --activity walking
  if [ "$day" = 03 ]; then side=right; else side=left; fi
  pd block --at 2026-11-${day}T09:00:00-07:00 --anesthetic lidocaine --kind medial-branch-block --region lumbar --levels L4-L5,L5-S1 --side $side
  pd log 2 --at 2026-11-${day}T09:30:00-07:00 --activity walking
  pd log 2 --at 2026-11-${day}T10:00:00-07:00 --activity standing
  pd log 3 --at 2026-11-${day}T11:00:00-07:00 --activity walking
  pd log 7 --at 2026-11-${day}T12:00:00-07:00 --activity standing
  pd log 8 --at 2026-11-${day}T13:00:00-07:00 --activity walking
done
rm -f "$file.bak" "$file.lock"

# intra-articular: a positive intra-articular facet injection
file=$dir/intra-articular.json
rm -f "$file" "$file.bak" "$file.lock"
pd init --patient PT-1016
pd log 7 --at 2026-11-10T08:00:00-07:00 --activity standing
pd log 7 --at 2026-11-10T12:00:00-07:00 --activity walking
pd block --at 2026-11-10T13:00:00-07:00 --anesthetic bupivacaine --kind intra-articular-facet --region lumbar --levels L4-L5 --side left --note '0.5% bupivacaine 1 mL into the joint'
pd log 4 --at 2026-11-10T13:15:00-07:00 --activity standing
pd log 2 --at 2026-11-10T13:30:00-07:00 --activity standing
pd log 2 --at 2026-11-10T14:00:00-07:00 --activity walking
pd log 1 --at 2026-11-10T15:00:00-07:00 --activity walking
pd log 2 --at 2026-11-10T16:00:00-07:00 --activity standing
pd log 3 --at 2026-11-10T17:00:00-07:00 --activity walking
pd log 5 --at 2026-11-10T18:00:00-07:00 --activity standing
pd log 6 --at 2026-11-10T19:00:00-07:00 --activity walking
pd log 6 --at 2026-11-10T20:00:00-07:00 --activity standing
pd log 7 --at 2026-11-10T21:00:00-07:00 --activity walking
rm -f "$file.bak" "$file.lock"

# cms-outside-protocol: a genicular nerve block under cms (medial branch blocks only)
file=$dir/cms-outside-protocol.json
rm -f "$file" "$file.bak" "$file.lock"
pd init --patient PT-1017
pd log 7 --at 2026-11-05T07:00:00-07:00 --activity 'climbing stairs'
pd log 8 --at 2026-11-05T09:00:00-07:00 --activity walking
pd block --at 2026-11-05T10:00:00-07:00 --anesthetic lidocaine --kind genicular-nerve-block --region knee --side right
pd log 3 --at 2026-11-05T10:15:00-07:00 --activity walking
pd log 1 --at 2026-11-05T10:30:00-07:00 --activity 'climbing stairs'
pd log 1 --at 2026-11-05T11:00:00-07:00 --activity walking
pd log 1 --at 2026-11-05T12:00:00-07:00 --activity 'climbing stairs'
pd log 2 --at 2026-11-05T13:00:00-07:00 --activity walking
pd log 5 --at 2026-11-05T14:00:00-07:00 --activity walking
pd log 7 --at 2026-11-05T15:00:00-07:00 --activity 'climbing stairs'
pd log 7 --at 2026-11-05T16:00:00-07:00 --activity walking
pd log 8 --at 2026-11-05T17:00:00-07:00 --activity walking
pd log 7 --at 2026-11-05T18:00:00-07:00 --activity walking
rm -f "$file.bak" "$file.lock"
