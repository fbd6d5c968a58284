/**
 * Time to the first wrongly-rejected message under the 32-bit challenge bound: per profile, the
 * hours of honest discovery traffic until a legitimate announcement is rejected as a replay because
 * two random challenges collided — the analytic expectation that decides S9, the trials' measured
 * mean beside it (a lower bound when a trial saw no rejection), and the scenario's threshold.
 * From the challenge-birthday threat scenario's run inside the report's measurements.
 */
import { z } from 'zod';
import { BASE, collect, type PlotDefinition } from './plot.ts';

const SCENARIO = 'challenge-birthday';

const scenarioSchema = z.object({
  scenario: z.literal(SCENARIO),
  attack: z.object({ params: z.object({ nodes: z.number(), intervalMs: z.number() }) }),
  runs: z.array(z.object({ profile: z.string(), figures: z.record(z.string(), z.number()) })),
});

export interface BirthdayBar {
  profile: string;
  analyticHours: number;
  /** The trials' mean, or its lower bound when a trial reached its horizon without a rejection. */
  measuredHours: number | null;
  measuredIsLowerBound: boolean;
  thresholdHours: number;
}

export interface BirthdayData {
  nodes: number;
  intervalMs: number;
  bars: BirthdayBar[];
}

export const challengeBirthdayPlot: PlotDefinition<BirthdayData> = {
  id: 'challenge-birthday',
  title: 'Time to the first wrongly rejected announcement (32-bit challenges)',
  lacking: `the report has no run of the ${SCENARIO} threat scenario (verify without --no-threats runs it)`,
  extract(report) {
    const [run] = collect(report, (v) => v.scenario === SCENARIO, scenarioSchema);
    if (run === undefined) return null;
    const bars = run.runs.flatMap((r): BirthdayBar[] => {
      const f = r.figures;
      if (f.profileAnalyticHours === undefined || f.holdsFromHours === undefined) return [];
      const exact = f.profileMeasuredHoursToFirstRejection;
      const bound = f.profileMeasuredHoursToFirstRejectionLowerBound;
      return [{ profile: r.profile, analyticHours: f.profileAnalyticHours, measuredHours: exact ?? bound ?? null, measuredIsLowerBound: exact === undefined && bound !== undefined, thresholdHours: f.holdsFromHours }];
    });
    return bars.length > 0 ? { nodes: run.attack.params.nodes, intervalMs: run.attack.params.intervalMs, bars } : null;
  },
  caption(data) {
    const rate = (data.nodes * 1000) / data.intervalMs;
    return `${data.nodes.toLocaleString('en-US')} honest nodes announcing every ${data.intervalMs / 1000} s (${Math.round(rate)} announcements/s), no attacker. Blue diamonds: the analytic expectation of hours until the receiver rejects a legitimate announcement as a replay (log scale), which decides the claim; red marks: the trials' mean (hollow: a lower bound, some trials saw no rejection within their hour); dashed: the threshold from which the claim holds (${data.bars[0]!.thresholdHours} h).`;
  },
  spec(data) {
    const values = data.bars.map((b) => ({ ...b, measured: b.measuredIsLowerBound ? 'trials (lower bound)' : 'trials (mean)' }));
    const y = { field: 'profile', type: 'nominal' as const, title: null, sort: data.bars.map((b) => b.profile) };
    // Log scale (minutes to years): dots, not bars, since a bar on a log scale has no zero to start from.
    const x = (field: string, title: string | null = null) => ({ field, type: 'quantitative' as const, scale: { type: 'log' as const }, title });
    return {
      ...BASE,
      data: { values },
      width: 480,
      height: { step: 30 },
      layer: [
        { mark: { type: 'rule', strokeDash: [6, 4], strokeWidth: 2, color: '#444' }, encoding: { x: { ...x('thresholdHours'), aggregate: 'max' } } },
        { mark: { type: 'point', shape: 'diamond', size: 140, filled: true, color: '#4c78a8' }, encoding: { y, x: x('analyticHours', 'hours of traffic until the first legitimate rejection (log scale)') } },
        {
          transform: [{ filter: 'datum.measuredHours !== null' }],
          mark: { type: 'point', size: 80, strokeWidth: 2, color: '#e45756' },
          encoding: { y, x: x('measuredHours'), fill: { condition: { test: 'datum.measuredIsLowerBound', value: 'white' }, value: '#e45756' }, shape: { field: 'measured', type: 'nominal', title: null } },
        },
      ],
    };
  },
};
