/**
 * Handshake bytes per protocol: what each exchanges to set up a session, above TCP (what the
 * server counted) and on the wire (kernel TCP payload counts + 40 B of headers per segment, SYN and
 * ACKs included), from every handshake bench report inside the report's measurements.
 */
import { z } from 'zod';
import { bestByKey, BASE, collect, type PlotDefinition } from './plot.ts';

const handshakeReportSchema = z.object({
  kind: z.literal('handshake'),
  protocols: z.array(z.object({ name: z.string(), samples: z.array(z.unknown()), applicationBytes: z.number().nonnegative(), wireBytes: z.number().nonnegative().nullable() })),
});

export interface HandshakeBar {
  protocol: string;
  counted: 'above TCP' | 'on the wire';
  bytes: number;
}

type Protocol = z.infer<typeof handshakeReportSchema>['protocols'][number];

export const handshakePlot: PlotDefinition<HandshakeBar[]> = {
  id: 'handshake-bytes',
  title: 'Handshake bytes per protocol',
  lacking: 'the report has no handshake bench (verify without --no-bench-claims measures it)',
  extract(report) {
    const protocols = collect(report, (v) => v.kind === 'handshake', handshakeReportSchema).flatMap((r) => r.protocols);
    const chosen = bestByKey<Protocol>(protocols, (p) => p.name, (a, b) => a.samples.length > b.samples.length);
    const bars = chosen.flatMap((p): HandshakeBar[] => [
      { protocol: p.name, counted: 'above TCP', bytes: p.applicationBytes },
      ...(p.wireBytes === null ? [] : [{ protocol: p.name, counted: 'on the wire' as const, bytes: p.wireBytes }]),
    ]);
    return bars.length > 0 ? bars : null;
  },
  caption(bars) {
    const wire = bars.some((b) => b.counted === 'on the wire');
    return `Bytes from connect until the session is ready, median over samples, loopback: above TCP (what the server counted)${wire ? ', and on the wire (kernel TCP payload counts plus 40 bytes of headers per segment, SYN and ACKs included)' : ''}.`;
  },
  spec(bars) {
    const order = [...bars].filter((b) => b.counted === 'above TCP').sort((a, b) => a.bytes - b.bytes).map((b) => b.protocol);
    return {
      ...BASE,
      data: { values: bars },
      width: 480,
      height: { step: 14 },
      mark: { type: 'bar' },
      encoding: {
        y: { field: 'protocol', type: 'nominal', sort: order, title: null },
        yOffset: { field: 'counted', type: 'nominal', sort: ['above TCP', 'on the wire'] },
        x: { field: 'bytes', type: 'quantitative', title: 'bytes' },
        color: { field: 'counted', type: 'nominal', title: 'counted', sort: ['above TCP', 'on the wire'] },
        tooltip: [{ field: 'protocol' }, { field: 'counted' }, { field: 'bytes', type: 'quantitative' }],
      },
    };
  },
};
