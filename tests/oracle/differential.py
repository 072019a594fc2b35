"""Differential test of SPEC §3 v2: random diaries through `paindiary evaluate --format json`
and through spec3_reference.py (an independent reading of §3 written from the spec alone);
every key of §3.7 except `rationale` must agree (values and JSON kinds; times as instant and
offset). The first failure is shrunk to a minimal diary and printed with the command line.

usage: differential.py BINARY WORKDIR [FIRST_SEED [COUNT]]
  env PAINDIARY_DIFF_SEED / PAINDIARY_DIFF_N give the defaults (0 / 300).
  10,000 diaries:  python3 tests/oracle/differential.py target/debug/paindiary /tmp/d 0 10000
"""
import json
import os
import random
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import spec3_reference as ref  # noqa: E402

TZ = 'America/Denver'
NOW = '2026-11-20T12:00:00-07:00'
LOCAL = ZoneInfo(TZ)
OFFS = [timezone(timedelta(hours=-7)), timezone(timedelta(hours=-6)), timezone.utc,
        timezone(timedelta(hours=5, minutes=30))]
TIME_KEYS = {'at', 'peak_at', 'window_closes_at', 'as_of'}
# PAINDIARY_DIFF_BLOCKS_ONLY=1: no RFAs in the diaries (to compare §3.1–3.5 alone while §3.6
# is not wired into `evaluate`).
BLOCKS_ONLY = os.environ.get('PAINDIARY_DIFF_BLOCKS_ONLY') == '1'
# PAINDIARY_DIFF_IGNORE_RFA=1: RFAs in the diaries, but §3.6's keys (`ablations`, `rfa_outcome`,
# the next step when an RFA is the latest procedure) left out of the comparison.
IGNORE_RFA = os.environ.get('PAINDIARY_DIFF_IGNORE_RFA') == '1'

ACTIVITIES = ['walking', 'standing', 'sitting 30 min', 'turning head', 'bending', 'stairs',
              'Walking\u00a0', ' at  rest', 'restless legs']
REST = ['rest', 'Resting', ' AT REST ', 'lying', 'Lying Down', 'in bed\u2003', 'asleep',
        'SLEEPING', '\u3000rest']
NONE_ACT = [None, '', '   ', '\u3000', 'none', 'N/A', ' - ', '0', 'Nothing']
NONE_MED = [None, '', ' ', 'none', 'None', ' NO ', 'nil', 'NOTHING', 'n/a', 'NA', '-', '0',
            '\u2003none\u00a0', '\x1c']
MEDS = ['oxycodone', 'ibuprofen 400 mg', 'Gabapentin', 'tramadol']


def fmt(dt, off, z=False):
    text = dt.astimezone(off).isoformat()
    return text[:-6] + 'Z' if z and text.endswith('+00:00') else text


class Gen:
    """One random diary built around a plan of procedures, with scores that follow a response
    profile per procedure (so that every rule is reached, not only by chance)."""

    def __init__(self, rng):
        self.rng = rng
        self.procs = []
        self.ents = []
        self.offset = rng.choice(OFFS)
        self.clean = rng.random() < 0.4  # no medicines, no sedation, moderate pain: positives
        self.side = rng.choice(['left', 'right', 'bilateral', None])

    def off(self):
        r = self.rng
        return self.offset if r.random() < 0.8 else r.choice(OFFS)

    def proc(self, t, kind, **kw):
        r = self.rng
        p = {'id': f'b{len(self.procs) + 1}', 'kind': kind, 'at': fmt(t, self.off(), r.random() < 0.3)}
        p.update(kw)
        self.procs.append(p)
        return p

    def target_fields(self, family):
        """region/levels/side, written in one of several equivalent or different ways."""
        r = self.rng
        region, levels = family
        out = {}
        if region is not None or r.random() < 0.5:
            out['region'] = r.choice([region, region, f' {region.upper()} ', region.title(),
                                      f'{region}\u00a0']) if region else r.choice([None, '', ' '])
        if levels is not None:
            ls = list(levels)
            if r.random() < 0.3:
                ls = [f' {l.lower()} ' for l in ls]
            if r.random() < 0.3:
                ls = ls[::-1]
            if r.random() < 0.1:
                ls = ls + ['']
            out['levels'] = ls
        elif r.random() < 0.5:
            out['levels'] = r.choice([[], [''], ['  ']])
        side = self.side if r.random() < 0.85 else r.choice(['left', 'right', 'bilateral', None])
        if side is not None:
            out['side'] = side
        elif r.random() < 0.3:
            out['side'] = None
        return out

    def entry(self, t, score, activity=None, medication=None, relief=None, sec=0):
        r = self.rng
        frac = timedelta(microseconds=r.choice([0] * 20 + [500000, 1]))  # RFC 3339 fractions
        e = {'id': f'e{len(self.ents) + 1}', 'score': score,
             'at': fmt(t + timedelta(seconds=sec) + frac, self.off(), r.random() < 0.3)}
        if activity is not None or r.random() < 0.3:
            e['activity'] = activity
        if medication is not None or r.random() < 0.2:
            e['medication'] = medication
        if relief is not None or r.random() < 0.2:
            e['relief'] = relief
        if r.random() < 0.03:  # a second score at the same instant: file order decides
            self.ents.append(dict(id='', at=e['at'], score=r.choice([0, 5, 9])))
        if r.random() < 0.04:
            e['retracted'] = {'at': e['at'], 'reason': 'wrong time'}
        elif r.random() < 0.03:
            e['retracted'] = None
        self.ents.append(e)
        return e

    def activity(self, provoked):
        r = self.rng
        if provoked:
            return r.choice(ACTIVITIES)
        return r.choice(REST + NONE_ACT)

    def medication(self, p=0.04):
        r = self.rng
        if self.clean:
            p = p / 10
        x = r.random()
        if x < p:
            return r.choice(MEDS)
        if x < p * 3:
            return r.choice(NONE_MED)
        return None

    # ---- blocks ----
    def baseline_scores(self):
        r = self.rng
        return r.choice([
            [7], [8], [7, 8, 9], [6, 7], [7.1, 7.3], [3, 5], [4], [3.9999999999999996],
            [3.5, 4.5], [2], [0], [10, 9], [5.5], [8, 2, 2, 2],
        ])

    def block(self, t, agent=None, kind=None, family=None):
        r = self.rng
        kind = kind or r.choice(['medial-branch-block'] * 5 + ['lateral-branch-block',
                                'genicular-nerve-block', 'intra-articular-facet',
                                'sacroiliac', 'other'])
        fields = self.target_fields(family or r.choice(FAMILIES))
        sedation = r.choice(['none'] * 6 + ['minimal', 'moderate', 'deep', None])
        if self.clean:
            sedation = r.choice(['none', None, 'minimal'])
        kw = dict(anesthetic=agent or r.choice(['lidocaine', 'bupivacaine', 'ropivacaine',
                                                'other', 'lidocaine', 'bupivacaine']))
        if r.random() < 0.8:
            kw['steroid'] = r.random() < 0.15
        if sedation is not None:
            kw['sedation'] = sedation
        kw.update(fields)
        return self.proc(t, kind, **kw)

    def block_readings(self, t, profile=None):
        """Baseline readings in the day before the block at t and post readings after it."""
        r = self.rng
        provoked_mode = r.choice(['provoked', 'provoked', 'all', 'mixed'])
        base = self.baseline_scores()
        if self.clean:
            base = r.choice([[7], [8], [7, 8, 9], [7.1, 7.3], [6, 7]])
        bmin = r.choice([[-60 * 20, -600, -30], [-1440, -700, -1], [-1441, -1439, -120],
                         [-300, -200, -100, -60, -5]])
        for i, m in enumerate(bmin):
            sc = base[i % len(base)]
            prov = provoked_mode == 'provoked' or (provoked_mode == 'mixed' and i == 0)
            act = self.activity(prov)
            if provoked_mode == 'mixed' and i > 0:
                sc = r.choice([2, 1, 3])
            self.entry(t + timedelta(minutes=m), sc, activity=act, medication=self.medication())
        # a regular medicine recorded at least 24 h before (or just under)
        if r.random() < 0.25:
            med = r.choice(MEDS)
            self.entry(t - timedelta(minutes=r.choice([1440, 1441, 1439, 3000])), r.choice([7, 8]),
                       activity=self.activity(True),
                       medication=r.choice([med, f' {med.upper()} ', f'{med}\u00a0', f'{med}.']))
            self.entry(t + timedelta(minutes=r.choice([-360, -361, -30, 30, 120])), r.choice([7, 2]),
                       activity=self.activity(True), medication=med)
        b0 = sum(base) / len(base)
        profile = profile or r.choice(['full', 'full', 'none', 'partial', 'late', 'late-observed',
                                       'short', 'long', 'worse', 'tie', 'sparse', 'flap', 'dur'])
        cut = r.choice([60, 120, 180, 240, 300, 420, 480, 600, 1500])
        mins = r.choice([[15, 30, 45, 60, 120, 180, 240, 300, 360, 420, 480],
                         [15, 30, 60, 120, 240, 480],
                         [90, 120, 180, 240, 360, 480],
                         [5, 10, 15, 20, 30, 45, 60, 75, 90],
                         [30, 60, 479, 480, 481, 540, 600, 720, 1440, 2000],
                         [60, 61, 120],
                         [0, 15, 30, 45, 60, 120],
                         [240, 360]])
        rlevel = r.choice([0.0, 0.2, 0.3, 0.5, 0.8, 1.0])
        for j, m in enumerate(mins):
            if profile == 'full':
                sc = r.choice([0, 1, 2, 0.5, 1.6])
            elif profile == 'none':
                sc = b0 + r.choice([0, -0.5, 0.5, 1])
            elif profile == 'partial':
                sc = r.choice([b0 * 0.6, b0 * 0.65, b0 * 0.7, round(b0 * 0.55, 1)])
            elif profile in ('late', 'late-observed'):
                sc = b0 if m <= 90 else r.choice([0, 1, 2])
                if profile == 'late-observed' and m <= 60:
                    sc = r.choice([b0, b0 * 0.71, b0 * 0.7])
            elif profile == 'short':
                sc = r.choice([1, 0]) if j < 2 else b0
            elif profile == 'long':
                sc = r.choice([0, 1, 2])
            elif profile == 'worse':
                sc = min(10, b0 + r.choice([2, 2.5, 3, 1.9999999999]))
            elif profile == 'tie':
                # exact limits: 50 %, 80 %, 30 %, 100 % (and f64 just below them)
                sc = r.choice([b0 * 0.5, b0 * 0.2, b0 * 0.7, 0, 4.9, 3.6, 1.6, b0 - b0 * 0.8,
                               6.9, 8.1])
            elif profile == 'sparse':
                if r.random() < 0.5:
                    continue
                sc = r.choice([0, 2, b0])
            elif profile == 'dur':
                sc = 0 if m <= cut else b0
            else:  # flap
                sc = r.choice([0, b0])
            sc = max(0, min(10, sc))
            act = self.activity(r.random() < 0.9 if provoked_mode != 'all' else r.random() < 0.2)
            relief = None
            if r.random() < 0.25:
                relief = r.choice([0, 20, 50, 62.5, 75, 100, round(rlevel * 100)])
            self.entry(t + timedelta(minutes=m), sc, activity=act, medication=self.medication(0.05),
                       relief=relief, sec=r.choice([0, 0, 0, 1, 59]))
        # readings after the window (extension)
        if r.random() < 0.5:
            for m in r.sample([500, 600, 720, 900, 1440, 1500, 2000, 2880], r.randint(1, 4)):
                sc = r.choice([0, 1, 2, b0]) if profile != 'long' else r.choice([0, 1])
                if profile == 'dur':
                    sc = 0 if m <= cut else b0
                self.entry(t + timedelta(minutes=m), sc, activity=self.activity(r.random() < 0.6))

    # ---- RFA ----
    def rfa(self, t, family=None, cervical=None):
        r = self.rng
        fam = family or r.choice(FAMILIES)
        fields = self.target_fields(fam)
        if cervical or (cervical is None and r.random() < 0.35):
            fields['region'] = r.choice(['cervical', ' Cervical ', 'CERVICAL\u3000'])
        kw = dict(fields)
        if r.random() < 0.3:
            kw['anesthetic'] = r.choice([None, 'lidocaine'])
        return self.proc(t, 'radiofrequency-ablation', **kw)

    def rfa_readings(self, t, weeks, profile=None):
        r = self.rng
        base = r.choice([[7, 8, 7], [8], [6, 6, 7, 7], [3, 3], [5], [10, 9, 9], [7], [8, 6],
                         [4, 4, 3.9999999999]])
        days = r.choice([[-29, -20, -10, -3, -1], [-31, -30, -2], [-1], [-25, -15, -5],
                         [-28, -21, -14, -7, -2], [-30, -1], []])
        for i, d in enumerate(days):
            self.entry(t + timedelta(days=d, minutes=r.choice([0, 60, -60])), base[i % len(base)],
                       activity=self.activity(r.random() < 0.5))
        b0 = sum(base) / len(base)
        profile = profile or r.choice(['durable', 'return', 'flare', 'worse', 'failed',
                                       'short-good', 'one-good', 'cervical-tie', 'tie'])
        ret_week = r.choice([r.randint(2, 40), max(2, weeks - r.randint(1, 4)), 23, 24, 25, 12, 13])
        # soreness during healing
        for d in [1, 3, 7, 14, 20]:
            if r.random() < 0.5:
                self.entry(t + timedelta(days=d), min(10, b0 + 1))
        start_day = r.choice([21, 21, 22, 28, 20])
        for w in range(weeks):
            day = start_day + 7 * w
            extra = r.choice([0, 0, 0, 1, -1]) if r.random() < 0.3 else 0
            if profile == 'durable':  # good to the last two readings, which are the return
                sc = r.choice([1, 2, 3]) if w < weeks - 2 else b0
            elif profile == 'return':
                sc = r.choice([1, 2]) if w < ret_week else b0
            elif profile == 'flare':
                sc = r.choice([1, 2]) if (w % 9) != 5 else b0
                if w > ret_week:
                    sc = b0
            elif profile == 'worse':
                sc = min(10, b0 + r.choice([2, 3, 1.9999999999]))
            elif profile == 'failed':
                sc = b0 + r.choice([0, -1, 1])
            elif profile == 'short-good':
                sc = r.choice([1, 2]) if w < 3 else b0
            elif profile == 'one-good':
                sc = 1 if w == 2 else b0
            elif profile == 'cervical-tie':
                sc = r.choice([b0 * 0.7, 4.9, b0 * 0.71, b0]) if w < ret_week else b0
            else:
                sc = r.choice([b0 * 0.5, b0 * 0.49, 4, b0]) if w < ret_week else b0
            sc = max(0, min(10, sc))
            at = t + timedelta(days=day + extra, minutes=r.choice([0, 0, 0, -1, 1]))
            if r.random() < 0.08:
                at = t + timedelta(days=r.choice([21, 91, 182, 183, 90, 181]),
                                   minutes=r.choice([0, -1, 1]))
            self.entry(at, sc, activity=self.activity(r.random() < 0.4))


FAMILIES = [('lumbar', ['L4-L5', 'L5-S1']), ('lumbar', ['L3-L4']), ('cervical', ['C5-C6']),
            ('lumbar', None), (None, None), ('knee', ['superomedial']), ('lumbar', ['L4-L5'])]


def gen(rng):
    """A random diary and a list of (as_of ISO text, protocol, threshold, window) to run."""
    g = Gen(rng)
    t0 = datetime(2025, 1, 6, 9, 30, tzinfo=timezone.utc) + timedelta(minutes=rng.randint(0, 90 * 1440))
    plan = rng.choice(['blocks', 'blocks', 'blocks', 'workup-rfa', 'workup-rfa', 'rfa-only',
                       'two-rfa', 'rfa-then-block', 'comparative', 'comparative', 'rfa-pair',
                       'kinds', 'discordant', 'chaos', 'chaos'])
    if BLOCKS_ONLY and ('rfa' in plan):
        plan = 'blocks'
    fam = rng.choice(FAMILIES)
    t = t0
    n_blocks = {'blocks': rng.choice([1, 1, 2, 2, 3, 4]), 'workup-rfa': rng.choice([1, 2]),
                'rfa-only': 0, 'two-rfa': rng.choice([0, 1]), 'rfa-then-block': 1,
                'comparative': rng.choice([2, 2, 3]), 'rfa-pair': 0, 'kinds': 1,
                'discordant': 2, 'chaos': 0}[plan]
    if plan == 'chaos':
        # blocks and RFAs at random minutes, scores anywhere: off-by-one hunting
        span = rng.choice([600, 3000, 40 * 1440, 400 * 1440])
        for _ in range(rng.randint(1, 4)):
            m = rng.randint(0, span)
            if rng.random() < 0.25:
                g.rfa(t0 + timedelta(minutes=m), family=fam)
            else:
                g.block(t0 + timedelta(minutes=m), family=fam if rng.random() < 0.7 else None)
        step = max(1, span // rng.choice([20, 60, 200]))
        m = -1500
        while m < span + 3000:
            m += rng.randint(1, 2 * step)
            sc = rng.choice([round(rng.uniform(0, 10), rng.choice([0, 1, 2])), rng.choice([0, 2, 4, 7, 8, 10])])
            g.entry(t0 + timedelta(minutes=m), sc, activity=g.activity(rng.random() < 0.5),
                    medication=g.medication(0.05), relief=rng.choice([None, None, 0, 50, 100]))
        t = t0 + timedelta(minutes=span)
    agents = rng.choice([['lidocaine', 'bupivacaine'], ['bupivacaine', 'lidocaine'],
                         ['lidocaine', 'ropivacaine'], ['lidocaine', 'lidocaine']]) + ['bupivacaine']
    gaps = [0, 60, 600, 1440, 2 * 1440, 14 * 1440 - 1, 14 * 1440, 14 * 1440 + 1, 21 * 1440,
            183 * 1440, 183 * 1440 + 1, 200 * 1440, 480, 481]
    for i in range(n_blocks):
        if i:
            t = t + timedelta(minutes=rng.choice(gaps))
        if plan in ('kinds', 'discordant'):
            # a clean positive of another kind; a negative then a positive on one target
            g.clean = True
            kind = rng.choice(['intra-articular-facet', 'sacroiliac', 'other',
                               'genicular-nerve-block', 'lateral-branch-block'])
            g.block(t, family=fam, kind=kind if plan == 'kinds' else 'medial-branch-block')
            g.block_readings(t, profile='none' if plan == 'discordant' and i == 0 else 'full')
            continue
        if plan == 'comparative':
            g.block(t, family=fam if rng.random() < 0.9 else None, agent=agents[i],
                    kind='medial-branch-block')
            g.block_readings(t, profile=rng.choice(['dur', 'dur', 'dur', None]))
            continue
        same = rng.random() < 0.7
        g.block(t, family=fam if same else None,
                kind='medial-branch-block' if same and rng.random() < 0.6 else None,
                agent=rng.choice(['lidocaine', 'bupivacaine']) if rng.random() < 0.6 else None)
        if rng.random() < 0.95:
            g.block_readings(t)
    late_as_of = []
    if plan == 'rfa-pair':
        # an RFA, a repeat on the same target months later with a durable result: cms asks
        # whether it is the third in 12 months
        g.rfa(t, family=fam)
        g.rfa_readings(t, rng.choice([0, 2, 6]))
        t = t + timedelta(days=rng.choice([30, 60, 120, 170]))
        g.rfa(t, family=fam)
        g.rfa_readings(t, rng.choice([30, 34, 40]), profile=rng.choice(['durable', None]))
        late_as_of = [t + timedelta(days=rng.choice([240, 270, 300, 330])),
                      t + timedelta(days=rng.choice([700, 731, 800]))]
    if plan in ('workup-rfa', 'rfa-only', 'two-rfa', 'rfa-then-block'):
        n_rfa = 2 if plan == 'two-rfa' else 1
        for i in range(n_rfa):
            t = t + timedelta(days=rng.choice([7, 14, 30, 45]) if (i or n_blocks) else 0,
                              minutes=rng.choice([0, 0, 479, 481, 60]))
            weeks = rng.choice([0, 1, 2, 8, 13, 26, 30, 52, 80])
            g.rfa(t, family=fam if rng.random() < 0.7 else None)
            g.rfa_readings(t, weeks)
            t = t + timedelta(days=21 + 7 * weeks + rng.choice([1, 30, 100, 200]))
        if plan == 'rfa-then-block':
            t = t + timedelta(days=rng.choice([1, 300, 800]))
            g.block(t, family=fam)
            g.block_readings(t)
    # odd entries anywhere
    for _ in range(rng.randint(0, 4)):
        m = rng.randint(-2000, int((t - t0).total_seconds() // 60) + 3000)
        g.entry(t0 + timedelta(minutes=m), rng.choice([0, 3, 5, 7, 8, 10, 6.5]),
                activity=g.activity(rng.random() < 0.5), medication=g.medication(0.3))
    # retracted procedures
    if rng.random() < 0.08 and g.procs:
        p = rng.choice(g.procs)
        p['retracted'] = {'at': p['at'], 'reason': 'recorded twice'}
    if rng.random() < 0.05:
        rng.choice(g.procs)['retracted'] = None
    for i, e in enumerate(g.ents):
        e['id'] = f'e{i + 1}'
    ents = list(g.ents)
    procs = list(g.procs)
    if rng.random() < 0.15:
        rng.shuffle(ents)
    if rng.random() < 0.1:
        rng.shuffle(procs)
    diary = {'format': 'paindiary', 'version': 1}
    pat = rng.choice([None, {'id': 'PT-1'}, {}, 'absent'])
    if pat != 'absent':
        diary['patient'] = pat
    diary['procedures'] = procs
    diary['entries'] = ents
    # as_of candidates
    pt = sorted(ref.to_datetime(p['at']) for p in procs if p.get('retracted') is None)
    last_ent = max((ref.to_datetime(e['at']) for e in ents), default=t0)
    cands = [max(last_ent, t) + timedelta(days=1), max(last_ent, t) + timedelta(days=800),
             datetime.fromisoformat(NOW)]
    for p in pt:
        cands += [p + timedelta(minutes=rng.choice([0, 30, 479, 480, 481, 60 * 24, 90])),
                  p + timedelta(days=rng.choice([20, 21, 60, 183, 184, 200, 365, 400, 731])),
                  p + timedelta(days=21, seconds=-1)]
    if pt and rng.random() < 0.05:
        cands.append(pt[0] - timedelta(minutes=1))
    runs = []
    for i in range(2 if late_as_of else rng.choice([1, 1, 2])):
        a = (late_as_of[i] if late_as_of else rng.choice(cands)).replace(microsecond=0)
        proto = rng.choice(list(ref.PROTOCOLS))
        if plan == 'comparative' and rng.random() < 0.5:
            proto = 'sis'
        if 'rfa' in plan and rng.random() < (0.7 if plan == 'rfa-pair' else 0.4):
            proto = 'cms'
        if rng.random() < 0.3:
            proto = proto.upper() if rng.random() < 0.5 else proto.title()
        thr = rng.choice([None] * 20 + ['75', '100', '12.5', '50%', '80'])
        win = rng.choice([None] * 20 + ['90m', '1440m', '2d', '1h30m', '8h'])
        runs.append((fmt(a, rng.choice(OFFS)), proto, thr, win))
    return diary, runs


def scenarios():
    """Hand-made diaries for the places where §3 can be read more than one way (README.md of
    this folder): always compared, before the random ones. (name, diary, runs)"""
    from test_reference import Diary, block, rfa, post, at
    out = []

    def add(name, d, as_of_days, protos=('asra', 'dual', 'cms', 'asipp', 'sis'), window=None):
        out.append((name, d.json(), [(at(0, as_of_days), p, None, window) for p in protos]))

    d = Diary().p(block(1)).e(-60, 8, activity='standing')
    d.e(-1440, 8, activity='walking', medication='gabapentin').e(-30, 8, activity='walking', medication='Gabapentin ')
    post(d, [2, 8, 8, 8])
    add('regular-analgesic with a run of one reading', d, 2)
    d = Diary().p(block(1)).e(-60, 0)
    post(d, [2, 2, 2], act=None)
    add('worse-pain with a baseline of 0', d, 2)
    d = Diary().p(block(1)).e(-60, 6)
    post(d, [7.9999999999, 7.9999999999, 5], act=None)
    add('worse-pain within 1e-9 of 2 points', d, 2)
    d = Diary().p(block(1)).p(block(2, anesthetic='bupivacaine')).e(-60, 8)
    post(d, [0, 0, 0], act=None)
    add('two blocks at one instant', d, 2)
    d = Diary()
    for i, (day, agent, end) in enumerate([(0, 'lidocaine', 240), (200, 'bupivacaine', 60)]):
        d.p(block(i + 1, days=day, anesthetic=agent)).e(-60, 8, days=day)
        post(d, [0 if m <= end else 8 for m in (15, 30, 60, 120, 240, 300)],
             minutes=(15, 30, 60, 120, 240, 300), act=None, day=day)
    add('discordant pair more than 183 days apart', d, 201)
    d = Diary()
    for i, (day, agent, end) in enumerate([(0, 'bupivacaine', 120), (20, 'lidocaine', 240)]):
        d.p(block(i + 1, days=day, anesthetic=agent)).e(-60, 8, days=day, activity='walking')
        post(d, [0 if m <= end else 8 for m in (15, 30, 60, 120, 240, 300)],
             minutes=(15, 30, 60, 120, 240, 300), day=day)
    add('discordant pair, the longer-acting agent first', d, 21)
    d = Diary().p(block(1)).e(-60, 8, activity='walking')
    post(d, [1, 1, 1, 1], minutes=(15, 30, 60, 480))
    d.e(600, 1, activity='walking').e(1000, 6, activity='walking').e(1300, 8, activity='walking')
    d.p(rfa(2, days=1)).p(block(3, 1900)).e(1800, 8, activity='walking')
    post(d, [1, 1, 1], minutes=(1915, 1930, 1960))
    add('a block after an RFA: prev is the block before the RFA', d, 3)
    d = Diary().p(rfa(1)).e(-60, 8).e(600, 4).e(1440 + 600, 7).p(rfa(2, days=2, region='cervical'))
    for w in range(30):
        d.e(0, 3, days=23 + 7 * w)
    d.e(0, 8, days=23 + 7 * 30).e(0, 8, days=23 + 7 * 31)
    add('RFA after an RFA, with a window override', d, 300, window='1d')
    add('RFA after an RFA', d, 300)
    d = Diary().p(rfa(1)).e(-60, 3)
    for w in range(10):
        d.e(0, 1, days=21 + 7 * w)
    add('RFA with a low baseline that is not 0', d, 200)
    d = Diary().p(rfa(1)).e(-60, 2)
    add('RFA still healing with a low baseline: reasons [] (only unknown has reasons)', d, 20)
    d = Diary().p(block(1)).e(-60, 8)
    post(d, [0, 0, 0, 0], minutes=(15, 30, 60, 120), act=None)
    d.p(block(2, 120, side='right'))
    add('a next procedure at the same instant as a reading', d, 1)
    return out


def parse_window(w):
    if w is None:
        return 480
    total, num = 0, ''
    for ch in w:
        if ch.isdigit():
            num += ch
        else:
            total += int(num) * {'d': 1440, 'h': 60, 'm': 1}[ch]
            num = ''
    return total


def expected(diary, path, as_of, proto, thr, win):
    t, _ = ref.parse_time(as_of)
    local = datetime.fromtimestamp(t // 1_000_000, LOCAL).utcoffset()
    T = None if thr is None else float(thr.rstrip('%'))
    if T is not None and T == int(T):
        T = int(T)
    return ref.evaluate(diary, t, proto.lower(), T, parse_window(win), file=path,
                        local_off=int(local.total_seconds()))


def kind(v):
    if v is None:
        return 'null'
    if isinstance(v, bool):
        return 'bool'
    if isinstance(v, (int, float)):
        return 'number'
    return type(v).__name__


def compare(exp, got, path, out):
    """Every key of exp must be in got with the same value; extra keys in got are allowed."""
    if isinstance(exp, dict):
        if not isinstance(got, dict):
            out.append((path, exp, got))
            return
        for k, v in exp.items():
            if k not in got:
                out.append((f'{path}.{k}', v, '<missing>'))
            else:
                compare(v, got[k], f'{path}.{k}', out)
    elif isinstance(exp, list):
        if not isinstance(got, list) or len(got) != len(exp):
            out.append((path, exp, got))
            return
        for i, (a, b) in enumerate(zip(exp, got)):
            compare(a, b, f'{path}[{i}]', out)
    elif path.rsplit('.', 1)[-1] in TIME_KEYS and isinstance(exp, str):
        if not isinstance(got, str) or ref.parse_time(exp) != safe_time(got):
            out.append((path, exp, got))
    elif kind(exp) != kind(got) or exp != got:
        out.append((path, exp, got))


def safe_time(s):
    try:
        return ref.parse_time(s)
    except ValueError:
        return None


def run_bin(binary, path, as_of, proto, thr, win):
    args = [binary, 'evaluate', path, '--format', 'json', '--as-of', as_of, '--protocol', proto]
    if thr is not None:
        args += ['--threshold', thr]
    if win is not None:
        args += ['--window', win]
    env = dict(os.environ, TZ=TZ, PAINDIARY_NOW=NOW)
    env.pop('PAINDIARY_FILE', None)
    p = subprocess.run(args, capture_output=True, text=True, env=env, timeout=60)
    return args, p


# Every code of §3.2–3.4 and §3.6 that the random diaries must reach (the coverage check).
CODES = (['R:' + c for c in ('window-open', 'no-baseline', 'low-baseline', 'too-few-readings',
                             'sedation', 'analgesic', 'late-onset', 'no-provocation',
                             'not-sustained', 'partial-relief')]
         + ['K:' + c for c in ('positive', 'negative', 'inconclusive')]
         + ['F:' + c for c in ('prolonged-relief', 'steroid', 'minimal-sedation', 'no-provocation',
                               'onset-unobserved', 'worse-pain', 'ppr-discordant', 'short-interval',
                               'discordant-duration', 'regular-analgesic')]
         + ['S:' + c for c in ('continue-diary/window-open', 'clinician-review/outside-protocol',
                               'clinician-review/worse-pain', 'repeat-block/no-baseline',
                               'repeat-block/low-baseline', 'repeat-block/too-few-readings',
                               'repeat-block/sedation', 'repeat-block/analgesic',
                               'repeat-block/late-onset', 'repeat-block/no-provocation',
                               'repeat-block/not-sustained', 'further-workup/partial-relief',
                               'further-workup/negative', 'repeat-block/prognostic-block',
                               'clinician-review/other-kind', 'further-workup/discordant-blocks',
                               'repeat-block/confirm', 'repeat-block/short-interval',
                               'further-workup/discordant-duration', 'repeat-block/stale-block',
                               'rfa/criteria-met', 'continue-diary/rfa-healing',
                               'continue-diary/rfa-follow-up', 'continue-diary/rfa-relief-ongoing',
                               'clinician-review/rfa-baseline',
                               'clinician-review/rfa-duration-uncertain',
                               'clinician-review/rfa-worse', 'repeat-rfa/durable-relief',
                               'repeat-block/rfa-long-ago', 'clinician-review/rfa-frequency',
                               'further-workup/rfa-failed')]
         + ['O:' + c for c in ('healing', 'unknown', 'too-early', 'relief-ongoing', 'durable',
                               'uncertain', 'worse', 'failed')]
         + ['C:provoked', 'C:all', 'A:low-baseline', 'A:no-baseline', 'A:cervical', 'E:no-block'])


def cover(exp, seen):
    """Record which codes an expected result reaches."""
    if exp is None:
        seen.add('E:no-block')
        return
    for r in [exp] + list(exp['by_protocol'].values()):
        seen.add(f"S:{r['next_step']}/{r['next_step_reason']}")
    for b in exp['blocks']:
        seen.update('R:' + x for x in b['reasons'])
        seen.update('F:' + x for x in b['flags'])
        seen.add('K:' + b['classification'])
        seen.add('C:' + b['comparison'])
    for a in exp['ablations']:
        seen.add('O:' + a['outcome'])
        seen.update('A:' + x for x in a['reasons'])
        if a['min_days'] == 91:
            seen.add('A:cervical')


def check(binary, diary, path, run, seen=None):
    """A list of differences (empty when the binary and the reference agree)."""
    as_of, proto, thr, win = run
    with open(path, 'w') as f:
        json.dump(diary, f, ensure_ascii=False)
    args, p = run_bin(binary, path, as_of, proto, thr, win)
    try:
        exp = expected(diary, path, as_of, proto, thr, win)
    except ref.NoBlock:
        if seen is not None:
            cover(None, seen)
        if p.returncode != 1 or p.stdout.strip():
            return [('exit', 'exit 1, no output (no block recorded)', f'exit {p.returncode}: {p.stdout}{p.stderr}')]
        return []
    if seen is not None:
        cover(exp, seen)
    if p.returncode != 0:
        return [('exit', 0, f'exit {p.returncode}: {p.stderr.strip()}')]
    try:
        got = json.loads(p.stdout)
    except json.JSONDecodeError as e:
        return [('stdout', 'one JSON object', f'{e}: {p.stdout[:200]}')]
    out = []
    if IGNORE_RFA:
        exp = dict(exp)
        del exp['ablations'], exp['rfa_outcome']
        if exp['classification'] is None:
            del exp['next_step'], exp['next_step_reason']
        exp['by_protocol'] = {k: {'classification': v['classification']} if v['classification'] is None else v
                              for k, v in exp['by_protocol'].items()}
    compare(exp, got, '', out)
    return out


def shrink(binary, diary, path, run, budget=600):
    """Greedy removal of entries, procedures and optional fields while a difference remains."""
    d = json.loads(json.dumps(diary))
    tries = 0

    def fails(c):
        nonlocal tries
        tries += 1
        return bool(check(binary, c, path, run))

    for key in ('entries', 'procedures'):
        chunk = max(1, len(d[key]) // 2)
        while chunk >= 1 and tries < budget:
            i, changed = 0, False
            while i < len(d[key]) and tries < budget:
                c = dict(d, **{key: d[key][:i] + d[key][i + chunk:]})
                if fails(c):
                    d, changed = c, True
                else:
                    i += chunk
            if not changed:
                chunk //= 2
    for key in ('entries', 'procedures'):
        for i in range(len(d[key])):
            for f in ('note', 'relief', 'medication', 'activity', 'retracted', 'steroid', 'sedation',
                      'levels', 'region', 'side'):
                if f in d[key][i] and tries < budget:
                    x = dict(d[key][i])
                    del x[f]
                    c = dict(d, **{key: d[key][:i] + [x] + d[key][i + 1:]})
                    if fails(c):
                        d = c
    return d


def main():
    binary, work = sys.argv[1], sys.argv[2]
    first = int(sys.argv[3]) if len(sys.argv) > 3 else int(os.environ.get('PAINDIARY_DIFF_SEED', '0'))
    n = int(sys.argv[4]) if len(sys.argv) > 4 else int(os.environ.get('PAINDIARY_DIFF_N', '300'))
    os.makedirs(work, exist_ok=True)
    bad, runs_done, shown = 0, 0, 0
    seen = set()
    cases = [(name, d, runs) for name, d, runs in scenarios()
             if not (BLOCKS_ONLY and any(p['kind'] == ref.RFA for p in d['procedures']))]
    for seed in range(first, first + n):
        rng = random.Random(seed)
        diary, runs = gen(rng)
        cases.append((f'seed {seed}', diary, runs))
    for i, (name, diary, runs) in enumerate(cases):
        path = os.path.join(work, f'diary-{i}.json')
        for run in runs:
            runs_done += 1
            diffs = check(binary, diary, path, run, seen)
            if not diffs:
                continue
            bad += 1
            print(f'{name}: as_of={run[0]} protocol={run[1]} threshold={run[2]} window={run[3]}')
            for p_, e, g in diffs[:8]:
                print(f'  {p_}: expected {json.dumps(e, ensure_ascii=False)} got {json.dumps(g, ensure_ascii=False)}')
            if shown < 1:
                shown += 1
                small = shrink(binary, diary, path, run)
                diffs = check(binary, small, path, run)
                print('  minimal diary (after shrinking):')
                print('  ' + json.dumps(small, ensure_ascii=False))
                args, _ = run_bin(binary, path, *run)
                print('  command: TZ=%s PAINDIARY_NOW=%s %s' % (TZ, NOW, ' '.join(args)))
                for p_, e, g in diffs[:8]:
                    print(f'  {p_}: expected {json.dumps(e, ensure_ascii=False)} got {json.dumps(g, ensure_ascii=False)}')
            if bad >= 10:
                break
        if bad >= 10:
            break
    missing = [c for c in CODES if c not in seen]
    print(f'{n} diaries (and {len(cases) - n} scenarios), {runs_done} evaluations compared, {bad} differing')
    print(f'codes reached: {len(CODES) - len(missing)} of {len(CODES)}; never reached: {missing}')
    sys.exit(1 if bad else 0)


if __name__ == '__main__':
    main()
