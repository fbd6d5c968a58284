/** The shape of a handshake bench report (reports/bench-handshake-*.json), checked by the tests. */
import { z } from 'zod';
import { machineSchema } from './machine.ts';
import { spreadSchema } from './crypto-schema.ts';

const count = z.number().int().nonnegative();

export const byteSampleSchema = z.object({
  /** Bytes above TCP the server counted from accept until the session was ready. */
  setup: z.object({ clientToServer: count, serverToClient: count }),
  /** The client socket's kernel counters once the handshake settled (null: ss unavailable). */
  tcp: z.object({ segsOut: count, segsIn: count, bytesSent: count, bytesReceived: count }).nullable(),
});

export const handshakeProtocolSchema = z.object({
  name: z.string(),
  summary: z.string(),
  samples: z.array(byteSampleSchema).min(1),
  /** Median over samples. */
  applicationBytes: count,
  /** TCP segments of the connection up to the settled handshake, SYN and ACKs included (null: not measured). */
  segments: count.nullable(),
  /** TCP payload bytes (both ways, from the kernel) + 40 B per segment (null: not measured). */
  wireBytes: count.nullable(),
  rate: z.object({
    handshakes: count,
    seconds: z.number().positive(),
    /** Connect and close, one after the other: handshakes ÷ seconds. */
    perSecond: z.number().nonnegative(),
    /** Time from connect() until the session was ready, ms. */
    connectMs: spreadSchema,
  }),
  /**
   * Round trips above TCP's own until connect() resolved, measured through a relay that delays every
   * piece of data by `config.roundTripOneWayMs` each way (bench/delay-relay.ts): the delayed connect
   * time's median less the direct one's (rate.connectMs), over one relay round trip, rounded (null:
   * not measured, `config.roundTripSamples` 0).
   */
  roundTrips: z
    .object({
      count,
      /** Before rounding: far from a whole number means the connect's own time was not steady. */
      estimate: z.number(),
      /** connect() through the relay, each sample, ms. */
      delayedConnectMs: z.array(z.number().nonnegative()).min(1),
    })
    .nullable(),
  /** 1 − asoc-v1's application bytes ÷ this protocol's (null: asoc-v1 not run, or this has none). */
  asocV1Smaller: z.number().nullable(),
});
export type HandshakeProtocolResult = z.infer<typeof handshakeProtocolSchema>;

export const handshakeReportSchema = z.object({
  kind: z.literal('handshake'),
  date: z.iso.datetime(),
  machine: machineSchema,
  config: z.object({
    protocols: z.array(z.string()).min(1),
    byteSamples: z.number().int().positive(),
    settleMs: z.number().nonnegative(),
    maxHandshakes: z.number().int().positive(),
    maxSeconds: z.number().positive(),
    roundTripSamples: z.number().int().nonnegative(),
    roundTripOneWayMs: z.number().positive(),
    headerBytesPerSegment: z.literal(40),
    segmentSource: z.string(),
  }),
  notes: z.array(z.string()),
  protocols: z.array(handshakeProtocolSchema).min(1),
  /** The handshake's CPU work alone, both sides in one process, no sockets (bench/handshake-compute.ts). */
  compute: z.array(z.object({ name: z.string(), handshakes: z.number().int().positive(), perSecond: z.number().positive(), meanUs: z.number().positive() })),
});
export type HandshakeReport = z.infer<typeof handshakeReportSchema>;
