"""Independent reference of SPEC §3 v2 (schema `paindiary.evaluation.v2`), transcribed from the
spec text alone by a reviewer who did not read the Rust engine; used by differential.py.

Times are integer microseconds since the epoch (instants); every comparison of a computed value
with a limit allows TOL. `evaluate(diary, ...)` returns the §3.7 object without `rationale`, or
raises NoBlock when no procedure is at or before as_of.
"""
from datetime import datetime, timedelta, timezone
from fractions import Fraction
import math

TOL = 1e-9
US = 1                      # one microsecond
MIN = 60 * 1_000_000        # one minute in microseconds
DAY = 1440 * MIN            # one 24-hour day

BLOCK_KINDS = ['medial-branch-block', 'lateral-branch-block', 'genicular-nerve-block',
               'intra-articular-facet', 'sacroiliac', 'other']
RFA = 'radiofrequency-ablation'

# §3.5, in the table's order (by_protocol keeps it).
PROTOCOLS = {
    'asra':  dict(T=50, req=1, prov=False, conc=False, days=None, kinds=BLOCK_KINDS),
    'dual':  dict(T=50, req=2, prov=False, conc=False, days=None, kinds=BLOCK_KINDS),
    'cms':   dict(T=80, req=2, prov=False, conc=False, days=14, kinds=['medial-branch-block']),
    'asipp': dict(T=80, req=2, prov=True, conc=False, days=None, kinds=BLOCK_KINDS),
    'sis':   dict(T=100, req=2, prov=False, conc=True, days=None, kinds=BLOCK_KINDS),
}
P = 30
BASELINE_WINDOW = 1440
MIN_BASELINE = 4
MIN_POST = 3
MIN_SUSTAINED = 2
MAX_ONSET = 60
LOOKBACK = 360
FORMULA = 'relief_pct = (baseline - score) / baseline * 100'

NONE_WORDS = {'none', 'no', 'nil', 'nothing', 'n/a', 'na', '-', '0'}
REST_WORDS = {'rest', 'resting', 'at rest', 'lying', 'lying down', 'in bed', 'asleep', 'sleeping'}
# Rust's str::trim: Unicode White_Space (Python's str.strip also strips U+001C..U+001F).
WHITE_SPACE = set('\t\n\x0b\x0c\r \x85\xa0\u1680\u2028\u2029\u202f\u205f\u3000') | \
    {chr(c) for c in range(0x2000, 0x200B)}


class NoBlock(Exception):
    """§3: a diary with neither a block nor an RFA at or before as_of."""


def rtrim(s):
    i, j = 0, len(s)
    while i < j and s[i] in WHITE_SPACE:
        i += 1
    while j > i and s[j - 1] in WHITE_SPACE:
        j -= 1
    return s[i:j]


def ascii_lower(s):
    return ''.join(chr(ord(c) + 32) if 'A' <= c <= 'Z' else c for c in s)


def ascii_upper(s):
    return ''.join(chr(ord(c) - 32) if 'a' <= c <= 'z' else c for c in s)


def has_medication(v):
    if v is None:
        return False
    t = rtrim(v)
    return t != '' and ascii_lower(t) not in NONE_WORDS


def has_activity(v):
    return has_medication(v) and ascii_lower(rtrim(v)) not in REST_WORDS


def to_datetime(s):
    """An RFC 3339 time as an aware datetime (Python before 3.11 does not read `Z`)."""
    if s[-1:] in ('Z', 'z'):
        s = s[:-1] + '+00:00'
    return datetime.fromisoformat(s.replace('t', 'T'))


def parse_time(s):
    """(instant in microseconds, offset in seconds) of an RFC 3339 time."""
    d = to_datetime(s)
    off = d.utcoffset()
    delta = d - datetime(1970, 1, 1, tzinfo=timezone.utc)
    return (delta.days * 86400 + delta.seconds) * 1_000_000 + delta.microseconds, int(off.total_seconds())


def write_time(us, off_s):
    """An instant written with a given offset (whole seconds unless it has a fraction)."""
    d = datetime(1970, 1, 1, tzinfo=timezone.utc) + timedelta(microseconds=us)
    return d.astimezone(timezone(timedelta(seconds=off_s))).isoformat()


def ge(a, b):
    return a >= b - TOL


def lt(a, b):
    return a < b - TOL


def round1(v):
    """One decimal, half away from zero; a value within 1e-9 of a tie rounds away from zero."""
    if v is None:
        return None
    neg = v < 0
    x = Fraction(abs(v))
    f = math.floor(x * 10)
    tie = (Fraction(f) + Fraction(1, 2)) / 10
    if abs(x - tie) <= Fraction(TOL) or x > tie:
        f += 1
    out = float(Fraction(f, 10))
    return -out if neg and out != 0 else out


def target(p):
    """§3.1: kind, side, normalised region and levels; absent/null/empty are one value (None)."""
    region = p.get('region')
    region = ascii_lower(rtrim(region)) if region is not None else None
    if region == '':
        region = None
    levels = {ascii_upper(rtrim(l)) for l in (p.get('levels') or [])}
    levels.discard('')
    return (p.get('kind'), p.get('side'), region, frozenset(levels) if levels else None)


def live(x):
    return x.get('retracted') is None


def prepare(diary, as_of):
    """Records in time order (file order at equal instants), retracted and later ones dropped."""
    def order(xs):
        xs = [dict(x, _t=parse_time(x['at'])[0], _off=parse_time(x['at'])[1], _i=i)
              for i, x in enumerate(xs) if live(x)]
        xs = [x for x in xs if x['_t'] <= as_of]
        return sorted(xs, key=lambda x: (x['_t'], x['_i']))
    return order(diary.get('procedures') or []), order(diary.get('entries') or [])


class Ctx:
    def __init__(self, procs, ents, as_of, proto, T, window):
        self.procs, self.ents, self.as_of = procs, ents, as_of
        self.proto = PROTOCOLS[proto]
        self.name = proto
        self.T = self.proto['T'] if T is None else T
        self.W = window * MIN
        self.window = window


def relief_of(baseline, score):
    return (baseline - score) / baseline * 100


def eval_block(c, k, runs_last):
    """§3.1–3.3 for the procedure at position k (a block). runs_last maps a block's position to
    the instant of the last reading of its extended relief run (filled in time order)."""
    procs, ents = c.procs, c.ents
    B = procs[k]
    bt = B['_t']
    prev = next((procs[j] for j in range(k - 1, -1, -1) if procs[j]['kind'] != RFA), None)
    prev_k = next((j for j in range(k - 1, -1, -1) if procs[j]['kind'] != RFA), None)
    nxt = procs[k + 1] if k + 1 < len(procs) else None
    nt = nxt['_t'] if nxt else None
    before_next = (lambda t: True) if nt is None else (lambda t: t < nt)

    cands = [e for e in ents if bt - BASELINE_WINDOW * MIN <= e['_t'] < bt
             and (prev is None or e['_t'] > prev['_t'] + c.W)
             and (prev_k is None or runs_last.get(prev_k) is None or e['_t'] > runs_last[prev_k])]
    provoked = any(has_activity(e.get('activity')) for e in cands)
    reads = [e for e in ents if has_activity(e.get('activity'))] if provoked else list(ents)
    base_reads = [e for e in cands if (has_activity(e.get('activity')) or not provoked)]
    baseline = sum(e['score'] for e in base_reads) / len(base_reads) if base_reads else None
    post = [e for e in reads if bt < e['_t'] <= bt + c.W and before_next(e['_t'])]
    computable = baseline is not None and baseline != 0
    rel = (lambda e: relief_of(baseline, e['score'])) if computable else None

    peak = peak_at = onset = dur = ongoing = sustained = None
    run = []
    ext_last = None
    if computable:
        sustained = 0
        ongoing = False
        for e in post:
            r = rel(e)
            if peak is None or r > peak:
                peak, peak_at = r, write_time(e['_t'], e['_off'])
        runs, cur = [], []
        for e in post:
            if ge(rel(e), c.T):
                cur.append(e)
            elif cur:
                runs.append(cur)
                cur = []
        if cur:
            runs.append(cur)
        longs = [r for r in runs if len(r) >= MIN_SUSTAINED]
        run = longs[0] if longs else (runs[0] if runs else [])
        sustained = len(run)
        if run:
            onset = (run[0]['_t'] - bt) // MIN
            ext_last = run[-1]
            if run[-1] is post[-1]:
                for e in reads:
                    if e['_t'] > bt + c.W and before_next(e['_t']):
                        if ge(rel(e), c.T):
                            ext_last = e
                        else:
                            break
            dur = (ext_last['_t'] - bt) // MIN
            last_read = [e for e in reads if before_next(e['_t'])][-1]
            ongoing = last_read is ext_last
    runs_last[k] = ext_last['_t'] if ext_last is not None else None

    # §3.2 classification
    latest_block = all(p['kind'] == RFA for p in procs[k + 1:])
    window_open = latest_block and nxt is None and c.as_of < bt + c.W
    analgesic_interval = (bt - LOOKBACK * MIN, run[-1]['_t']) if run else None

    def regular(med):
        m = ascii_lower(rtrim(med))
        return any(e['_t'] <= bt - DAY and e.get('medication') is not None
                   and ascii_lower(rtrim(e['medication'])) == m for e in ents)

    in_interval = [e for e in ents if analgesic_interval and
                   analgesic_interval[0] <= e['_t'] <= analgesic_interval[1]
                   and has_medication(e.get('medication'))]
    first_hour = [e for e in post if bt < e['_t'] <= bt + MAX_ONSET * MIN]
    reasons = []
    if window_open:
        cls, reasons = 'inconclusive', ['window-open']
    else:
        if baseline is None:
            reasons.append('no-baseline')
        elif lt(baseline, MIN_BASELINE):
            reasons.append('low-baseline')
        if len(post) < MIN_POST:
            reasons.append('too-few-readings')
        if reasons:
            cls = 'inconclusive'
        elif len(run) >= MIN_SUSTAINED:
            if B.get('sedation', 'none') in ('moderate', 'deep'):
                reasons.append('sedation')
            if any(not regular(e['medication']) for e in in_interval):
                reasons.append('analgesic')
            if onset > MAX_ONSET and first_hour and not any(ge(rel(e), P) for e in first_hour):
                reasons.append('late-onset')
            if c.proto['prov'] and not any(has_activity(e.get('activity')) for e in run):
                reasons.append('no-provocation')
            cls = 'inconclusive' if reasons else 'positive'
        elif peak is not None and ge(peak, c.T):
            cls, reasons = 'inconclusive', ['not-sustained']
        elif peak is not None and ge(peak, P):
            cls, reasons = 'inconclusive', ['partial-relief']
        else:
            cls = 'negative'

    # §3.3 flags (discordant-duration is added after concordance)
    flags = []
    if dur is not None and dur > 1440:
        flags.append('prolonged-relief')
    if B.get('steroid', False):
        flags.append('steroid')
    if B.get('sedation', 'none') == 'minimal':
        flags.append('minimal-sedation')
    if post and not any(has_activity(e.get('activity')) for e in post):
        flags.append('no-provocation')
    if len(run) >= MIN_SUSTAINED and onset > MAX_ONSET and not first_hour:
        flags.append('onset-unobserved')
    if baseline is not None and any(ge(a['score'] - baseline, 2) and ge(b['score'] - baseline, 2)
                                    for a, b in zip(post, post[1:])):
        flags.append('worse-pain')
    if computable and any(e.get('relief') is not None and ge(abs(rel(e) - e['relief']), 30)
                          for e in post):
        flags.append('ppr-discordant')
    tgt = target(B)
    same = [procs[j] for j in range(k) if procs[j]['kind'] != RFA and target(procs[j]) == tgt]
    if c.proto['days'] is not None and same and bt - same[-1]['_t'] < c.proto['days'] * DAY:
        flags.append('short-interval')
    flags.append('<discordant-duration>')
    if any(regular(e['medication']) for e in in_interval):
        flags.append('regular-analgesic')

    return dict(
        id=B['id'], at=write_time(bt, B['_off']), kind=B['kind'], region=B.get('region'),
        levels=B.get('levels') or [], side=B.get('side'), anesthetic=B.get('anesthetic'),
        steroid=B.get('steroid', False), sedation=B.get('sedation', 'none'),
        comparison='provoked' if provoked else 'all',
        baseline=baseline, baseline_readings=len(base_reads), post_readings=len(post),
        peak_relief_pct=peak, peak_at=peak_at, onset_minutes=onset, sustained_readings=sustained,
        relief_duration_minutes=dur, relief_ongoing=ongoing,
        window_closes_at=write_time(bt + c.W, B['_off']),
        same_target_as=[p['id'] for p in same], classification=cls, reasons=reasons, flags=flags,
        _k=k, _t=bt, _target=tgt, _same=same)


def concordance(lido, longer):
    """§3.3: 'c' concordant, 'd' discordant, 'u' undetermined."""
    if lido['relief_ongoing'] is False and longer['relief_duration_minutes'] > lido['relief_duration_minutes']:
        return 'c'
    if longer['relief_ongoing'] is False and not (longer['relief_duration_minutes'] > lido['relief_duration_minutes']):
        return 'd'
    return 'u'


def pairs_of(blocks):
    """Every pair of positive blocks, one lidocaine and one longer-acting: (earlier, later, verdict)."""
    out = []
    for i, a in enumerate(blocks):
        for b in blocks[i + 1:]:
            if a['classification'] != 'positive' or b['classification'] != 'positive':
                continue
            agents = (a['anesthetic'], b['anesthetic'])
            if agents[0] == 'lidocaine' and agents[1] in ('bupivacaine', 'ropivacaine'):
                out.append((a, b, concordance(a, b)))
            elif agents[1] == 'lidocaine' and agents[0] in ('bupivacaine', 'ropivacaine'):
                out.append((a, b, concordance(b, a)))
    return out


def next_step_block(c, blocks, L):
    """§3.4 for the latest block L."""
    p = c.proto
    if L['reasons'] == ['window-open']:
        return 'continue-diary', 'window-open'
    if L['kind'] not in p['kinds']:
        return 'clinician-review', 'outside-protocol'
    if L['classification'] != 'positive' and 'worse-pain' in L['flags']:
        return 'clinician-review', 'worse-pain'
    if L['classification'] == 'inconclusive' and L['reasons'] != ['partial-relief']:
        return 'repeat-block', L['reasons'][0]
    if L['classification'] == 'inconclusive':
        return 'further-workup', 'partial-relief'
    if L['classification'] == 'negative':
        return 'further-workup', 'negative'
    if L['kind'] in ('intra-articular-facet', 'sacroiliac'):
        return 'repeat-block', 'prognostic-block'
    if L['kind'] == 'other':
        return 'clinician-review', 'other-kind'
    by_id = {b['id']: b for b in blocks}
    tests = [by_id[s['id']] for s in L['_same'] if L['_t'] - s['_t'] <= 183 * DAY]
    tests = [b for b in tests if b['classification'] in ('positive', 'negative')
             or (b['classification'] == 'inconclusive' and b['reasons'] == ['partial-relief'])]
    if any(b['classification'] != 'positive' for b in tests):
        return 'further-workup', 'discordant-blocks'
    if 1 + len(tests) < p['req']:
        return 'repeat-block', 'confirm'
    if p['days'] is not None and 'short-interval' in L['flags']:
        return 'repeat-block', 'short-interval'
    if p['conc']:
        verdicts = [v for _, _, v in pairs_of(tests + [L])]
        if 'd' in verdicts:
            return 'further-workup', 'discordant-duration'
        if 'c' not in verdicts:
            return 'repeat-block', 'confirm'
    if c.as_of - L['_t'] > 183 * DAY:
        return 'repeat-block', 'stale-block'
    return 'rfa', 'criteria-met'


def eval_rfa(c, k, runs_last):
    """§3.6 for the RFA at position k."""
    procs, ents = c.procs, c.ents
    R = procs[k]
    rt = R['_t']
    prev = procs[k - 1] if k > 0 else None
    nxt = procs[k + 1] if k + 1 < len(procs) else None
    cervical = R.get('region') is not None and ascii_lower(rtrim(R['region'])) == 'cervical'
    if cervical and c.name != 'cms':
        thr, days = 30, 91
    else:
        thr, days = 50, 182
    base = [e for e in ents if rt - 30 * DAY <= e['_t'] < rt
            and (prev is None or e['_t'] > prev['_t'] + c.W)
            and (prev is None or prev['kind'] == RFA or runs_last.get(k - 1) is None
                 or e['_t'] > runs_last[k - 1])]
    baseline = sum(e['score'] for e in base) / len(base) if base else None
    follow = [e for e in ents if e['_t'] >= rt + 21 * DAY and (nxt is None or e['_t'] < nxt['_t'])]
    usable = baseline is not None and baseline != 0
    peak = dur = ongoing = None
    period = None  # (good readings before the return, first reading of the return or None)
    if usable:
        good = [ge(relief_of(baseline, e['score']), thr) for e in follow]
        if follow:
            peak = max(relief_of(baseline, e['score']) for e in follow)
        start = next((i for i, g in enumerate(good) if g), None)
        if start is not None:
            ret = next((i for i in range(start + 1, len(follow) - 1)
                        if not good[i] and not good[i + 1]), None)
            end = ret if ret is not None else len(follow)
            goods = [follow[i] for i in range(start, end) if good[i]]
            if len(goods) >= 2:
                period = (goods, follow[ret] if ret is not None else None)
        ongoing = period is not None and period[1] is None
        if period is not None:
            dur = (period[0][-1]['_t'] - rt) // DAY
    reasons = []
    if c.as_of < rt + 21 * DAY:
        outcome = 'healing'
    elif baseline is None or lt(baseline, MIN_BASELINE):
        outcome = 'unknown'
        reasons = ['no-baseline'] if baseline is None else ['low-baseline']
    elif len(follow) < 2:
        outcome = 'too-early'
    elif period is not None and period[1] is None:
        outcome = 'relief-ongoing'
    elif period is not None and period[0][-1]['_t'] - rt >= days * DAY:
        outcome = 'durable'
    elif period is not None and period[1]['_t'] - rt >= days * DAY:
        outcome = 'uncertain'
    elif any(ge(a['score'] - baseline, 2) and ge(b['score'] - baseline, 2)
             for a, b in zip(follow, follow[1:])):
        outcome = 'worse'
    else:
        outcome = 'failed'
    return dict(id=R['id'], at=write_time(rt, R['_off']), region=R.get('region'),
                levels=R.get('levels') or [], side=R.get('side'), baseline=baseline,
                baseline_readings=len(base), follow_up_readings=len(follow), threshold_pct=thr,
                min_days=days, peak_relief_pct=peak, relief_duration_days=dur,
                relief_ongoing=ongoing, outcome=outcome, reasons=reasons,
                _k=k, _t=rt, _target=target(R))


def next_step_rfa(c, rfas, A):
    """§3.6 next step when the RFA A is the latest procedure."""
    o = A['outcome']
    if o == 'healing':
        return 'continue-diary', 'rfa-healing'
    if o == 'too-early':
        return 'continue-diary', 'rfa-follow-up'
    if o == 'relief-ongoing':
        return 'continue-diary', 'rfa-relief-ongoing'
    if o == 'unknown':
        return 'clinician-review', 'rfa-baseline'
    if o == 'uncertain':
        return 'clinician-review', 'rfa-duration-uncertain'
    if o == 'worse':
        return 'clinician-review', 'rfa-worse'
    if o == 'durable':
        if c.name == 'cms':
            if c.as_of - A['_t'] > 730 * DAY:
                return 'repeat-block', 'rfa-long-ago'
            if any(r['_k'] < A['_k'] and r['_target'] == A['_target'] and c.as_of - r['_t'] < 365 * DAY
                   for r in rfas):
                return 'clinician-review', 'rfa-frequency'
        return 'repeat-rfa', 'durable-relief'
    return 'further-workup', 'rfa-failed'


def core(diary, as_of, proto, T, window):
    procs, ents = prepare(diary, as_of)
    if not procs:
        raise NoBlock()
    c = Ctx(procs, ents, as_of, proto, T, window)
    runs_last = {}
    blocks, rfas = [], []
    for k, p in enumerate(procs):
        if p['kind'] == RFA:
            rfas.append(eval_rfa(c, k, runs_last))
        else:
            blocks.append(eval_block(c, k, runs_last))
    discordant_later = set()
    for a, b, v in pairs_of(blocks):
        if v == 'd' and a['_target'] == b['_target']:
            discordant_later.add(b['id'])
    for b in blocks:
        i = b['flags'].index('<discordant-duration>')
        if b['id'] in discordant_later:
            b['flags'][i] = 'discordant-duration'
        else:
            del b['flags'][i]
    latest = procs[-1]
    if latest['kind'] == RFA:
        A = rfas[-1]
        cls, outcome = None, A['outcome']
        step, reason = next_step_rfa(c, rfas, A)
    else:
        L = blocks[-1]
        cls, outcome = L['classification'], None
        step, reason = next_step_block(c, blocks, L)
    return c, blocks, rfas, cls, outcome, step, reason


def strip_private(x):
    return {k: v for k, v in x.items() if not k.startswith('_')}


def evaluate(diary, as_of, proto='asra', T=None, window=480, file='diary.json', local_off=0):
    """The §3.7 object (without `rationale`). as_of in microseconds; local_off = the local zone's
    offset (seconds) at as_of."""
    c, blocks, rfas, cls, outcome, step, reason = core(diary, as_of, proto, T, window)
    by = {}
    for name in PROTOCOLS:
        _, _, _, bc, _, bs, br = core(diary, as_of, name, None, 480)
        by[name] = dict(classification=bc, next_step=bs, next_step_reason=br)
    p = c.proto
    out_blocks = []
    for b in blocks:
        b = strip_private(b)
        b['baseline'] = round1(b['baseline'])
        b['peak_relief_pct'] = round1(b['peak_relief_pct'])
        out_blocks.append(b)
    out_rfas = []
    for a in rfas:
        a = strip_private(a)
        a['baseline'] = round1(a['baseline'])
        a['peak_relief_pct'] = round1(a['peak_relief_pct'])
        out_rfas.append(a)
    patient = diary.get('patient')
    return {
        'schema': 'paindiary.evaluation.v2',
        'file': file,
        'patient': patient.get('id') if isinstance(patient, dict) else None,
        'as_of': write_time(as_of - as_of % 1_000_000, local_off),
        'protocol': dict(name=c.name, threshold_pct=c.T, partial_pct=P, blocks_required=p['req'],
                         min_sustained=MIN_SUSTAINED, min_baseline=MIN_BASELINE,
                         min_post_readings=MIN_POST, window_minutes=window,
                         baseline_window_minutes=BASELINE_WINDOW, max_onset_minutes=MAX_ONSET,
                         analgesic_lookback_minutes=LOOKBACK, requires_provocation=p['prov'],
                         requires_concordance=p['conc'], min_interval_days=p['days'],
                         kinds=list(p['kinds'])),
        'formula': FORMULA,
        'blocks': out_blocks,
        'ablations': out_rfas,
        'classification': cls,
        'rfa_outcome': outcome,
        'next_step': step,
        'next_step_reason': reason,
        'by_protocol': by,
    }


def main(argv):
    """python3 spec3_reference.py FILE AS_OF [PROTOCOL [THRESHOLD [WINDOW_MINUTES]]]"""
    import json
    path, as_of = argv[0], argv[1]
    proto = argv[2] if len(argv) > 2 else 'asra'
    T = float(argv[3]) if len(argv) > 3 and argv[3] != '-' else None
    window = int(argv[4]) if len(argv) > 4 else 480
    with open(path, encoding='utf-8') as f:
        diary = json.load(f)
    t, off = parse_time(as_of)
    print(json.dumps(evaluate(diary, t, proto, T, window, file=path, local_off=off)))


if __name__ == '__main__':
    import sys
    main(sys.argv[1:])
