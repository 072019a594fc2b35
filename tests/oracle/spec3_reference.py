"""Independent reference of SPEC §3, written from the spec text only (by a reviewer who did
not read the Rust engine); used by differential.py."""
import json, math, sys
from datetime import datetime
from decimal import Decimal, ROUND_FLOOR

TOL = 1e-9
PROTOS = {
 'asra': dict(T=50, P=30, req=1, prov=False, conc=False, days=None),
 'dual': dict(T=50, P=30, req=2, prov=False, conc=False, days=None),
 'cms':  dict(T=80, P=50, req=2, prov=False, conc=False, days=14),
 'asipp':dict(T=80, P=50, req=2, prov=True, conc=False, days=None),
 'sis':  dict(T=100, P=80, req=2, prov=False, conc=True, days=None),
}

def inst(s):
    d = datetime.fromisoformat(s.replace('Z', '+00:00').replace('z', '+00:00'))
    return int(d.timestamp()) * 10**9 + d.microsecond * 1000

def has(v):
    return v is not None and v.strip() != ''

def r1(v):
    if v is None: return None
    from decimal import Decimal, ROUND_HALF_UP, ROUND_DOWN
    d = Decimal(v)
    tie = (d * 10).to_integral_value(rounding=ROUND_DOWN) / 10 + (Decimal('0.05') if d >= 0 else Decimal('-0.05'))
    if abs(d - tie) <= Decimal('1e-9'):
        out = float((tie + (Decimal('0.05') if d >= 0 else Decimal('-0.05'))).quantize(Decimal('0.1'), rounding=ROUND_DOWN))
    else:
        out = float(d.quantize(Decimal('0.1'), rounding=ROUND_HALF_UP))
    return 0.0 if out == 0 else out
def evaluate(diary, proto='asra', T=None, window=480):
    p = dict(PROTOS[proto]); 
    if T is not None: p['T'] = T
    T = p['T']; P = p['P']
    W = window * 60 * 10**9
    BW = 1440 * 60 * 10**9
    procs = sorted(enumerate(diary.get('procedures', [])), key=lambda x: inst(x[1]['at']))
    procs = [b for _, b in procs]
    ents = sorted(enumerate(diary.get('entries', [])), key=lambda x: inst(x[1]['at']))
    ents = [e for _, e in ents if e.get('retracted') is None]
    et = [inst(e['at']) for e in ents]
    if not procs: return None
    res = []
    prev_run_last = None
    for k, B in enumerate(procs):
        bt = inst(B['at'])
        prev = procs[k-1] if k > 0 else None
        nxt = procs[k+1] if k + 1 < len(procs) else None
        nt = inst(nxt['at']) if nxt else None
        base = []
        for i, e in enumerate(ents):
            t = et[i]
            if not (bt - BW <= t < bt): continue
            if prev is not None and not (t > inst(prev['at']) + W): continue
            if prev_run_last is not None and not (t > prev_run_last): continue
            base.append(e)
        baseline = sum(e['score'] for e in base) / len(base) if base else None
        post = [i for i in range(len(ents)) if bt < et[i] <= bt + W and (nt is None or et[i] < nt)]
        comp = baseline is not None and baseline != 0
        rel = lambda i: (baseline - ents[i]['score']) / baseline * 100
        peak = peak_at = None; sustained = None; dur = None; ongoing = None
        run = []; ext_last = None
        if comp:
            for i in post:
                r = rel(i)
                if peak is None or r > peak: peak, peak_at = r, ents[i]['at']
            runs = []; cur = []
            for i in post:
                if rel(i) >= T - TOL: cur.append(i)
                else:
                    if cur: runs.append(cur); cur = []
            if cur: runs.append(cur)
            long = [r for r in runs if len(r) >= 2]
            run = long[0] if long else (runs[0] if runs else [])
            sustained = len(run)
            if run:
                ext_last = run[-1]
                if run[-1] == post[-1]:
                    j = run[-1] + 1
                    while j < len(ents) and (nt is None or et[j] < nt) and et[j] > bt + W and rel(j) >= T - TOL:
                        ext_last = j; j += 1
                dur = (et[ext_last] - bt) // (60 * 10**9)
                before_next = [i for i in range(len(ents)) if nt is None or et[i] < nt]
                ongoing = bool(before_next) and before_next[-1] == ext_last
            else:
                ongoing = False
        prev_run_last = et[ext_last] if ext_last is not None else None
        # classification
        reasons = []
        if baseline is None: reasons.append('no-baseline')
        elif baseline < 4 - TOL: reasons.append('low-baseline')
        if len(post) < 3: reasons.append('too-few-readings')
        if reasons: cls = 'inconclusive'
        elif len(run) >= 2:
            if B.get('sedation', 'none') in ('moderate', 'deep'): reasons.append('sedation')
            lt = et[run[-1]]
            if any(et[i] <= lt and has(ents[i].get('medication')) for i in post): reasons.append('analgesic')
            if p['prov'] and not any(has(ents[i].get('activity')) for i in run): reasons.append('no-provocation')
            cls = 'inconclusive' if reasons else 'positive'
        elif peak is not None and peak >= T - TOL: cls, reasons = 'inconclusive', ['not-sustained']
        elif peak is not None and peak >= P - TOL: cls, reasons = 'inconclusive', ['partial-relief']
        else: cls = 'negative'
        flags = []
        if dur is not None and dur > 1440: flags.append('prolonged-relief')
        if B.get('steroid', False): flags.append('steroid')
        if B.get('sedation', 'none') == 'minimal': flags.append('minimal-sedation')
        if post and not any(has(ents[i].get('activity')) for i in post): flags.append('no-provocation')
        if comp and any(ents[i].get('relief') is not None and abs(rel(i) - ents[i]['relief']) >= 30 - TOL for i in post): flags.append('ppr-discordant')
        if p['days'] and prev is not None and bt - inst(prev['at']) < p['days'] * 86400 * 10**9: flags.append('short-interval')
        res.append(dict(id=B['id'], at=B['at'], anesthetic=B['anesthetic'], baseline=r1(baseline), baseline_readings=len(base),
            post_readings=len(post), peak_relief_pct=r1(peak), peak_at=peak_at, sustained_readings=sustained,
            relief_duration_minutes=dur, relief_ongoing=ongoing, classification=cls, reasons=reasons, flags=flags))
    # concordance
    def conc(l, g):
        if l['relief_ongoing'] is False and g['relief_duration_minutes'] > l['relief_duration_minutes']: return 'c'
        if g['relief_ongoing'] is False and not (g['relief_duration_minutes'] > l['relief_duration_minutes']): return 'd'
        return 'u'
    pairs = []
    for i, a in enumerate(res):
        for j, b in enumerate(res):
            if a['classification'] == 'positive' and b['classification'] == 'positive' and a['anesthetic'] == 'lidocaine' and b['anesthetic'] in ('bupivacaine', 'ropivacaine'):
                pairs.append((i, j, conc(a, b)))
    for i, j, v in pairs:
        if v == 'd':
            L = res[max(i, j)]
            if 'discordant-duration' not in L['flags']: L['flags'].append('discordant-duration')
    L = res[-1]
    valid = lambda b: b['classification'] in ('positive', 'negative') or b['reasons'] == ['partial-relief']
    if L['classification'] == 'inconclusive' and L['reasons'] != ['partial-relief']:
        ns, nr = 'repeat-block', L['reasons'][0]
    elif L['classification'] == 'inconclusive':
        ns, nr = 'further-workup', 'partial-relief'
    elif L['classification'] == 'negative':
        ns, nr = 'further-workup', 'negative'
    else:
        before = [b for b in res[:-1] if valid(b)]
        if any(b['classification'] != 'positive' for b in before): ns, nr = 'further-workup', 'discordant-blocks'
        elif 1 + len(before) < p['req']: ns, nr = 'repeat-block', 'confirm'
        elif p['days'] and 'short-interval' in L['flags']: ns, nr = 'repeat-block', 'short-interval'
        elif p['conc'] and any(v == 'd' for _, _, v in pairs): ns, nr = 'further-workup', 'discordant-duration'
        elif p['conc'] and not any(v == 'c' for _, _, v in pairs): ns, nr = 'repeat-block', 'confirm'
        else: ns, nr = 'rfa', 'criteria-met'
    return dict(patient=(diary.get('patient') or {}).get('id'), blocks=res, classification=L['classification'], next_step=ns, next_step_reason=nr)
