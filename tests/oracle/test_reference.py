"""Rule-by-rule checks of spec3_reference.py with results derived by hand from SPEC §3 v2, so
that the oracle of the differential test is itself tested. Run: python3 -m unittest discover
-s tests/oracle (or python3 tests/oracle/test_reference.py)."""
import os
import sys
import unittest
from datetime import datetime, timedelta, timezone

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import spec3_reference as ref  # noqa: E402

MST = timezone(timedelta(hours=-7))
B0 = datetime(2026, 3, 2, 9, 0, tzinfo=MST)


def at(minutes=0, days=0, tz=MST):
    return (B0 + timedelta(minutes=minutes, days=days)).astimezone(tz).isoformat()


def us(s):
    return ref.parse_time(s)[0]


def block(i, minutes=0, days=0, **kw):
    p = dict(id=f'b{i}', kind='medial-branch-block', at=at(minutes, days), region='lumbar',
             levels=['L4-L5'], side='left', anesthetic='lidocaine', steroid=False, sedation='none')
    p.update(kw)
    return p


def rfa(i, days=0, **kw):
    p = dict(id=f'b{i}', kind='radiofrequency-ablation', at=at(0, days), region='lumbar',
             levels=['L4-L5'], side='left')
    p.update(kw)
    return p


class Diary:
    def __init__(self):
        self.procs, self.ents = [], []

    def p(self, x):
        self.procs.append(x)
        return self

    def e(self, minutes, score, days=0, **kw):
        x = dict(id=f'e{len(self.ents) + 1}', at=at(minutes, days), score=score)
        x.update(kw)
        self.ents.append(x)
        return self

    def json(self):
        return dict(format='paindiary', version=1, patient={'id': 'P'}, procedures=self.procs,
                    entries=self.ents)

    def ev(self, as_of_minutes=None, proto='asra', T=None, window=480, as_of_days=None):
        if as_of_minutes is None:
            as_of_minutes = 0 if as_of_days is not None else 10 * 1440
        as_of_days = as_of_days or 0
        return ref.evaluate(self.json(), us(at(as_of_minutes, as_of_days)), proto, T, window)


def post(d, scores, minutes=(15, 30, 60, 120, 180, 240), act='walking', day=0):
    for m, s in zip(minutes, scores):
        d.e(m, s, days=day, activity=act)
    return d


def standard(score_base=8, scores=(2, 2, 2, 8, 8, 8), **kw):
    d = Diary().p(block(1, **kw)).e(-60, score_base, activity='standing')
    return post(d, scores)


class Helpers(unittest.TestCase):
    def test_rounding_half_away_from_zero_with_the_tie_tolerance(self):
        self.assertEqual(ref.round1((8 - 6.9) / 8 * 100), 13.8)   # 13.749999999999996
        self.assertEqual(ref.round1(0.25), 0.3)
        self.assertEqual(ref.round1(-0.25), -0.3)
        self.assertEqual(ref.round1(85.71428571428571), 85.7)
        self.assertEqual(ref.round1(0.04), 0.0)
        self.assertEqual(ref.round1(7.0), 7.0)
        self.assertEqual(ref.round1(None), None)
        self.assertEqual(ref.round1(2.349999), 2.3)

    def test_none_words_rest_words_and_rust_trim(self):
        for w in ['none', ' NONE ', 'No', 'nil', 'Nothing', 'N/A', 'na', '-', '0', '\u3000none\u00a0', '', '  ', None]:
            self.assertFalse(ref.has_medication(w), w)
        for w in ['ibuprofen', '00', 'n.a.', 'no pills', '\x1cnone']:  # U+001C is no white space in Rust
            self.assertTrue(ref.has_medication(w), w)
        for w in ['rest', ' At Rest ', 'LYING DOWN', 'in bed', 'asleep', 'Sleeping', 'resting', 'lying', 'none']:
            self.assertFalse(ref.has_activity(w), w)
        for w in ['at  rest', 'restless', 'walking', 'bed making']:
            self.assertTrue(ref.has_activity(w), w)

    def test_targets(self):
        a = dict(kind='medial-branch-block', side='left', region=' LUMBAR ', levels=['l4-l5 ', 'L5-S1', ''])
        b = dict(kind='medial-branch-block', side='left', region='lumbar', levels=['L5-S1', 'L4-L5'])
        self.assertEqual(ref.target(a), ref.target(b))
        self.assertNotEqual(ref.target(a), ref.target(dict(b, side='right')))
        self.assertNotEqual(ref.target(a), ref.target(dict(b, kind='genicular-nerve-block')))
        self.assertEqual(ref.target(dict(kind='x', region=' ', levels=['  '])), ref.target(dict(kind='x')))
        self.assertNotEqual(ref.target(dict(kind='x')), ref.target(dict(kind='x', region='lumbar')))
        self.assertNotEqual(ref.target(dict(kind='x', levels=['ß'])), ref.target(dict(kind='x', levels=['SS'])))


class Blocks(unittest.TestCase):
    def test_positive_values(self):
        r = standard().ev()
        b = r['blocks'][0]
        # relief 75,75,75,0,0,0: run of 3 from 15 to 60 min
        self.assertEqual((b['baseline'], b['baseline_readings'], b['post_readings']), (8.0, 1, 6))
        self.assertEqual((b['peak_relief_pct'], b['peak_at'], b['onset_minutes']), (75.0, at(15), 15))
        self.assertEqual((b['sustained_readings'], b['relief_duration_minutes'], b['relief_ongoing']), (3, 60, False))
        self.assertEqual((b['classification'], b['reasons'], b['flags']), ('positive', [], []))
        self.assertEqual(b['window_closes_at'], at(480))
        self.assertEqual((r['next_step'], r['next_step_reason']), ('rfa', 'criteria-met'))
        self.assertEqual(r['by_protocol']['dual'], dict(classification='positive', next_step='repeat-block', next_step_reason='confirm'))
        self.assertEqual(r['by_protocol']['cms']['classification'], 'inconclusive')  # 30 <= 75 % < 80
        self.assertEqual(r['by_protocol']['cms']['next_step_reason'], 'partial-relief')

    def test_provoked_comparison_leaves_resting_readings_out(self):
        d = Diary().p(block(1)).e(-300, 8, activity='standing')
        for m in (-240, -200, -150, -100, -50, -10):
            d.e(m, 2, activity='lying down')
        post(d, [2, 2, 2, 2])
        d.e(45, 8, activity='rest')  # not a reading of b1
        b = d.ev()['blocks'][0]
        self.assertEqual((b['comparison'], b['baseline'], b['baseline_readings'], b['post_readings']), ('provoked', 8.0, 1, 4))
        self.assertEqual((b['sustained_readings'], b['classification']), (4, 'positive'))

    def test_all_comparison_when_no_candidate_has_an_activity(self):
        d = Diary().p(block(1)).e(-60, 8, activity=' At Rest ').e(-30, 6, activity='none')
        post(d, [1, 1, 1], act=None)
        b = d.ev()['blocks'][0]
        self.assertEqual((b['comparison'], b['baseline'], b['flags']), ('all', 7.0, ['no-provocation']))
        self.assertEqual(b['classification'], 'positive')
        self.assertEqual(d.ev(proto='asipp')['blocks'][0]['reasons'], ['no-provocation'])

    def test_baseline_window_and_previous_block_exclusions(self):
        d = Diary().p(block(1)).e(-1440, 9).e(-1441, 1).e(-60, 7)
        post(d, [7, 7, 7], act=None)
        self.assertEqual(d.ev()['blocks'][0]['baseline'], 8.0)
        # b2 at +10 h: candidates later than b1.at + 8 h and after b1's extended run (to 480)
        d = Diary().p(block(1)).p(block(2, 600)).e(-60, 8)
        post(d, [0, 0, 0], minutes=(15, 30, 60), act=None)
        d.e(480, 0).e(540, 6).e(570, 8)
        post(d, [8, 8, 8], minutes=(615, 630, 660), act=None)
        b1, b2 = d.ev()['blocks']
        self.assertEqual((b1['relief_duration_minutes'], b1['post_readings'], b1['relief_ongoing']), (480, 4, False))  # 570 is b1's last reading
        self.assertEqual((b2['baseline'], b2['baseline_readings']), (7.0, 2))

    def test_run_extension_and_next_procedure(self):
        d = Diary().p(block(1)).e(-60, 8)
        post(d, [8, 0, 0], minutes=(60, 300, 480), act=None)
        d.e(600, 1).e(900, 2).e(1600, 6).e(1700, 0)
        b = d.ev(as_of_days=5)['blocks'][0]
        self.assertEqual((b['relief_duration_minutes'], b['relief_ongoing'], b['flags']), (900, False, ['no-provocation']))
        d.e(1500, 0)  # the run now reaches 1500 min > 24 h
        b = d.ev(as_of_days=5)['blocks'][0]
        self.assertEqual((b['relief_duration_minutes'], b['flags']), (1500, ['prolonged-relief', 'no-provocation']))
        d.p(block(2, 1550, side='right', anesthetic='bupivacaine'))  # next procedure at 1550
        b = d.ev(as_of_days=5)['blocks'][0]
        self.assertEqual((b['relief_duration_minutes'], b['relief_ongoing']), (1500, True))

    def test_runs_first_long_run_else_first_run(self):
        d = Diary().p(block(1)).e(-60, 10)
        post(d, [0, 10, 0, 0, 10, 0], minutes=(15, 30, 60, 120, 180, 240), act=None)
        b = d.ev()['blocks'][0]
        self.assertEqual((b['sustained_readings'], b['onset_minutes'], b['relief_duration_minutes']), (2, 60, 120))
        d = Diary().p(block(1)).e(-60, 10)
        post(d, [0, 10, 0, 10], minutes=(15, 30, 60, 120), act=None)
        b = d.ev()['blocks'][0]
        self.assertEqual((b['sustained_readings'], b['onset_minutes'], b['classification'], b['reasons']),
                         (1, 15, 'inconclusive', ['not-sustained']))

    def test_window_open(self):
        d = standard()
        r = d.ev(as_of_minutes=100)
        b = r['blocks'][0]
        self.assertEqual((b['classification'], b['reasons'], b['post_readings']), ('inconclusive', ['window-open'], 3))
        self.assertEqual((r['next_step'], r['next_step_reason']), ('continue-diary', 'window-open'))
        self.assertEqual(d.ev(as_of_minutes=480)['blocks'][0]['classification'], 'positive')

    def test_validity(self):
        d = Diary().p(block(1)).e(-60, 3.9999999999999996)
        post(d, [0, 0], act=None)
        b = d.ev()['blocks'][0]
        self.assertEqual(b['reasons'], ['too-few-readings'])
        self.assertEqual(b['baseline'], 4.0)
        d = Diary().p(block(1)).e(-60, 3.9)
        post(d, [0, 0, 0], act=None)
        self.assertEqual(d.ev()['blocks'][0]['reasons'], ['low-baseline'])
        d = Diary().p(block(1)).e(-60, 0)
        post(d, [0, 0], act=None)
        b = d.ev()['blocks'][0]
        self.assertEqual(b['reasons'], ['low-baseline', 'too-few-readings'])
        self.assertEqual((b['peak_relief_pct'], b['sustained_readings'], b['relief_ongoing'], b['onset_minutes']), (None, None, None, None))
        d = Diary().p(block(1))
        post(d, [0, 0, 0], act=None)
        r = d.ev()
        self.assertEqual(r['blocks'][0]['reasons'], ['no-baseline'])
        self.assertEqual(r['next_step_reason'], 'no-baseline')

    def test_sedation_analgesic_regular(self):
        self.assertEqual(standard(sedation='deep').ev()['blocks'][0]['reasons'], ['sedation'])
        self.assertEqual(standard(sedation='minimal').ev()['blocks'][0]['flags'], ['minimal-sedation'])
        d = standard()
        d.e(-360, 8, medication='Oxycodone')  # B.at - 6 h: included
        self.assertEqual(d.ev()['blocks'][0]['reasons'], ['analgesic'])
        d = standard()
        d.e(-361, 8, medication='Oxycodone').e(61, 8, medication='oxycodone').e(30, 2, medication=' NONE ')
        b = d.ev()['blocks'][0]  # 61 min is after the run's last reading (60)
        self.assertEqual((b['classification'], b['flags']), ('positive', []))
        d = standard()
        d.e(-1440, 8, medication='gabapentin').e(-30, 8, medication=' Gabapentin ')
        b = d.ev()['blocks'][0]
        self.assertEqual((b['classification'], b['flags']), ('positive', ['regular-analgesic']))
        d = standard()
        d.e(-1439, 8, medication='gabapentin').e(-30, 8, medication=' Gabapentin ')
        self.assertEqual(d.ev()['blocks'][0]['reasons'], ['analgesic'])

    def test_late_onset_and_onset_unobserved(self):
        d = Diary().p(block(1)).e(-60, 10)
        post(d, [10, 7.1, 0, 0], minutes=(15, 60, 120, 180), act=None)  # 29 % in the first hour
        b = d.ev()['blocks'][0]
        self.assertEqual((b['onset_minutes'], b['reasons'], b['flags']), (120, ['late-onset'], ['no-provocation']))
        d = Diary().p(block(1)).e(-60, 10)
        post(d, [10, 7, 0, 0], minutes=(15, 60, 120, 180), act=None)  # 30 % seen: not late
        self.assertEqual(d.ev()['blocks'][0]['classification'], 'positive')
        d = Diary().p(block(1)).e(-60, 7)
        post(d, [10, 4.9, 0, 0], minutes=(15, 60, 120, 180), act=None)  # 29.999999999999993 % counts
        self.assertEqual(d.ev()['blocks'][0]['classification'], 'positive')
        d = Diary().p(block(1)).e(-60, 10)
        post(d, [0, 0, 0], minutes=(61, 120, 180), act=None)
        b = d.ev()['blocks'][0]
        self.assertEqual((b['classification'], b['flags'], b['onset_minutes']), ('positive', ['no-provocation', 'onset-unobserved'], 61))

    def test_partial_tie_and_negative(self):
        d = Diary().p(block(1)).e(-60, 7)
        post(d, [4.9, 7, 7], act=None)
        b = d.ev()['blocks'][0]
        self.assertEqual((b['reasons'], b['peak_relief_pct']), (['partial-relief'], 30.0))
        d = Diary().p(block(1)).e(-60, 7.1).e(-30, 7.3)
        post(d, [3.6, 3.6, 3.6], act=None)  # 49.99999999999999 %
        self.assertEqual(d.ev()['blocks'][0]['classification'], 'positive')
        d = Diary().p(block(1)).e(-60, 7)
        post(d, [6, 7, 7], act=None)
        r = d.ev()
        self.assertEqual((r['classification'], r['next_step_reason']), ('negative', 'negative'))

    def test_worse_pain_and_ppr(self):
        d = Diary().p(block(1)).e(-60, 6)
        post(d, [8, 7, 8, 8], act=None)
        r = d.ev()
        self.assertEqual(r['blocks'][0]['flags'], ['no-provocation', 'worse-pain'])
        self.assertEqual((r['next_step'], r['next_step_reason']), ('clinician-review', 'worse-pain'))
        d = Diary().p(block(1)).e(-60, 8)
        post(d, [2, 2, 2], act='walking')
        d.ents[-1]['relief'] = 45  # 75 computed: a 30-point gap
        self.assertEqual(d.ev()['blocks'][0]['flags'], ['ppr-discordant'])
        d.ents[-1]['relief'] = 45.5
        self.assertEqual(d.ev()['blocks'][0]['flags'], [])

    def test_series_short_interval_stale_and_kinds(self):
        d = standard()
        d.p(block(2, days=13, levels=[' l4-l5'], region='LUMBAR'))
        d.e(-60, 8, days=13, activity='standing')
        post(d, [1, 1, 1, 8], day=13)
        r = d.ev(as_of_days=20, proto='cms')  # 75 % < 80 for cms
        self.assertEqual(r['blocks'][1]['same_target_as'], ['b1'])
        self.assertEqual(r['blocks'][1]['flags'], ['short-interval'])
        self.assertEqual(r['next_step_reason'], 'discordant-blocks')  # b1 not-sustained is not a test
        r = d.ev(as_of_days=20, proto='dual')
        self.assertEqual((r['next_step'], r['next_step_reason']), ('rfa', 'criteria-met'))
        self.assertEqual(d.ev(as_of_days=13 + 184, proto='dual')['next_step_reason'], 'stale-block')
        d.procs[1]['side'] = 'right'
        r = d.ev(as_of_days=20, proto='dual')
        self.assertEqual((r['blocks'][1]['same_target_as'], r['next_step_reason']), ([], 'confirm'))
        d.procs[1]['side'] = 'left'
        d.procs[0]['at'] = at(0, days=13 - 184)
        self.assertEqual(d.ev(as_of_days=20, proto='dual')['next_step_reason'], 'confirm')
        self.assertEqual(standard(kind='genicular-nerve-block').ev(proto='cms')['next_step_reason'], 'outside-protocol')
        self.assertEqual(standard(kind='intra-articular-facet').ev()['next_step_reason'], 'prognostic-block')
        self.assertEqual(standard(kind='sacroiliac').ev()['next_step_reason'], 'prognostic-block')
        self.assertEqual(standard(kind='other').ev()['next_step_reason'], 'other-kind')
        d = standard(scores=(1, 1, 1, 1))
        d.p(block(2, days=14)).e(-60, 8, days=14, activity='walking')
        post(d, [1, 1, 1, 1], day=14)
        r = d.ev(as_of_days=15, proto='cms')
        self.assertEqual((r['blocks'][1]['flags'], r['next_step_reason']), ([], 'criteria-met'))

    def test_sis_concordance(self):
        def pair(lido_end, bupi_end, bupi_first=False):
            d = Diary()
            agents = ['bupivacaine', 'lidocaine'] if bupi_first else ['lidocaine', 'bupivacaine']
            ends = [bupi_end, lido_end] if bupi_first else [lido_end, bupi_end]
            for i, (ag, end) in enumerate(zip(agents, ends)):
                d.p(block(i + 1, days=20 * i, anesthetic=ag)).e(-60, 8, days=20 * i)
                post(d, [0 if m <= end else 8 for m in (15, 30, 60, 120, 180, 240, 300)],
                     minutes=(15, 30, 60, 120, 180, 240, 300), act=None, day=20 * i)
            return d.ev(as_of_days=25, proto='sis')
        r = pair(60, 180)
        self.assertEqual((r['next_step_reason'], r['blocks'][1]['flags']), ('criteria-met', ['no-provocation']))
        r = pair(180, 60)
        self.assertEqual((r['next_step_reason'], r['blocks'][1]['flags']), ('discordant-duration', ['no-provocation', 'discordant-duration']))
        r = pair(60, 60, bupi_first=True)
        self.assertEqual((r['next_step_reason'], r['blocks'][1]['flags']), ('discordant-duration', ['no-provocation', 'discordant-duration']))
        r = pair(60, 300)  # the bupivacaine run reaches its last reading: ongoing, but lidocaine ended
        self.assertEqual(r['next_step_reason'], 'criteria-met')
        r = pair(300, 60)  # lidocaine ongoing, bupivacaine ended and shorter: discordant
        self.assertEqual(r['next_step_reason'], 'discordant-duration')

    def test_as_of_and_retraction(self):
        d = standard()
        d.p(block(2, days=3, retracted={'at': at(), 'reason': 'x'}))
        d.p(block(3, days=30))
        r = d.ev(as_of_days=2)
        self.assertEqual([b['id'] for b in r['blocks']], ['b1'])
        self.assertEqual(r['as_of'], at(0, 2, timezone.utc))
        with self.assertRaises(ref.NoBlock):
            d.ev(as_of_minutes=-1)


class Ablations(unittest.TestCase):
    def rfa_diary(self, scores, base=(8,), region='lumbar', start=21, step=7, **kw):
        d = Diary().p(rfa(1, region=region, **kw))
        for i, s in enumerate(base):
            d.e(-60 * (i + 1), s)
        for i, s in enumerate(scores):
            d.e(0, s, days=start + step * i)
        return d

    def test_durable_and_cms_exceptions(self):
        d = self.rfa_diary([2] * 30 + [8, 8])  # last good at day 21 + 203 = 224
        r = d.ev(as_of_days=300)
        a = r['ablations'][0]
        self.assertEqual((a['outcome'], a['relief_duration_days'], a['relief_ongoing'], a['peak_relief_pct']), ('durable', 224, False, 75.0))
        self.assertEqual((a['threshold_pct'], a['min_days'], a['follow_up_readings'], a['baseline']), (50, 182, 32, 8.0))
        self.assertEqual((r['classification'], r['rfa_outcome'], r['next_step'], r['next_step_reason']),
                         (None, 'durable', 'repeat-rfa', 'durable-relief'))
        self.assertEqual(d.ev(as_of_days=731, proto='cms')['next_step_reason'], 'rfa-long-ago')
        self.assertEqual(d.ev(as_of_days=730, proto='cms')['next_step_reason'], 'durable-relief')
        d.procs.insert(0, rfa(0, days=-100))
        self.assertEqual(d.ev(as_of_days=264, proto='cms')['next_step_reason'], 'rfa-frequency')
        self.assertEqual(d.ev(as_of_days=265, proto='cms')['next_step_reason'], 'durable-relief')
        self.assertEqual(d.ev(as_of_days=264, proto='asra')['next_step_reason'], 'durable-relief')

    def test_flare_return_period_rules(self):
        # good, bad, good, bad, bad: a flare, then the return at the 4th reading
        d = self.rfa_diary([2, 8, 2, 8, 8, 2, 2])
        a = d.ev(as_of_days=400)['ablations'][0]
        self.assertEqual((a['relief_duration_days'], a['relief_ongoing'], a['outcome']), (35, False, 'failed'))
        d = self.rfa_diary([2, 8, 8, 2, 2, 2])  # one good before the return: no period, no later start
        a = d.ev(as_of_days=400)['ablations'][0]
        self.assertEqual((a['relief_duration_days'], a['relief_ongoing'], a['outcome']), (None, False, 'failed'))
        d = self.rfa_diary([8, 2, 8, 2])  # no return: ongoing
        r = d.ev(as_of_days=400)
        self.assertEqual((r['ablations'][0]['outcome'], r['ablations'][0]['relief_ongoing'], r['next_step_reason']),
                         ('relief-ongoing', True, 'rfa-relief-ongoing'))

    def test_uncertain_and_worse(self):
        # weekly from day 21: good to day 175 (index 22), return at day 182 and 189
        d = self.rfa_diary([2] * 23 + [8, 8])
        a = d.ev(as_of_days=300)['ablations'][0]
        self.assertEqual((a['relief_duration_days'], a['outcome']), (175, 'uncertain'))
        d = self.rfa_diary([2] * 22 + [8, 8])  # return first at day 175 < 182
        self.assertEqual(d.ev(as_of_days=300)['ablations'][0]['outcome'], 'failed')
        d = self.rfa_diary([8, 10, 10, 7])
        r = d.ev(as_of_days=300)
        self.assertEqual((r['ablations'][0]['outcome'], r['next_step_reason']), ('worse', 'rfa-worse'))

    def test_healing_too_early_unknown(self):
        d = self.rfa_diary([2, 2])
        self.assertEqual(d.ev(as_of_days=20)['ablations'][0]['outcome'], 'healing')
        r = d.ev(as_of_days=21)
        self.assertEqual((r['ablations'][0]['outcome'], r['ablations'][0]['follow_up_readings']), ('too-early', 1))
        self.assertEqual(r['next_step_reason'], 'rfa-follow-up')
        d = self.rfa_diary([2, 2], base=(3,))
        a = d.ev(as_of_days=300)['ablations'][0]
        self.assertEqual((a['outcome'], a['reasons']), ('unknown', ['low-baseline']))
        d = self.rfa_diary([2, 2], base=())
        r = d.ev(as_of_days=300)
        self.assertEqual((r['ablations'][0]['reasons'], r['ablations'][0]['relief_ongoing'], r['next_step_reason']),
                         (['no-baseline'], None, 'rfa-baseline'))

    def test_cervical_limits(self):
        d = self.rfa_diary([4.9] * 11 + [8, 8], base=(7,), region=' Cervical ')  # 29.999999999999993 %
        a = d.ev(as_of_days=300)['ablations'][0]
        self.assertEqual((a['threshold_pct'], a['min_days'], a['relief_duration_days'], a['outcome']), (30, 91, 91, 'durable'))
        a = d.ev(as_of_days=300, proto='cms')['ablations'][0]
        self.assertEqual((a['threshold_pct'], a['min_days'], a['outcome']), (50, 182, 'failed'))

    def test_rfa_baseline_window_and_block_before(self):
        d = Diary().p(block(1, days=-10)).e(-60, 8, days=-10, activity='walking')
        post(d, [0, 0, 0], day=-10)
        d.e(600, 0, days=-10, activity='walking').e(-1, 6, days=-31).e(0, 6, days=-30).e(-60, 8)
        d.e(601, 1, days=-10).e(0, 6, days=-5)
        d.p(rfa(2))
        d.e(0, 2, days=21).e(0, 2, days=28)
        r = d.ev(as_of_days=30)
        a = r['ablations'][0]
        # b1's run extends to its reading 600 min after b1; the entries after that count (601 min
        # has no activity: not a reading of b1, so it ends nothing but is a candidate)
        self.assertEqual((a['baseline'], a['baseline_readings'], a['outcome']), (5.0, 3, 'relief-ongoing'))
        self.assertEqual(r['blocks'][0]['relief_duration_minutes'], 600)


if __name__ == '__main__':
    unittest.main()
