/**
 * The two ways the latency bench drives an echo session, each recording into an HDR histogram (ns):
 * - closed loop (ping-pong): one message out, wait for its echo, next; latency = echo − send.
 * - open loop: sends scheduled at fixed intervals whatever the replies do; latency = echo − the
 *   *scheduled* send time, so a late send (a queue building up, a busy event loop) shows up as
 *   latency instead of being hidden by coordinated omission. Bounded in flight: past
 *   `maxInFlight` unanswered messages the run stops and says it saturated.
 * Every echo is compared with what was sent.
 */
import { performance } from 'node:perf_hooks';
import { build, type Histogram } from 'hdr-histogram-js';
import type { ClientSession } from '../src/baselines/types.ts';

/** 60 s: any latency above this is a failure, not a figure. */
const HIGHEST_NS = 60e9;

export function latencyHistogram(): Histogram {
  return build({ lowestDiscernibleValue: 1, highestTrackableValue: HIGHEST_NS, numberOfSignificantValueDigits: 3, useWebAssembly: false });
}

const nowNs = (): number => performance.now() * 1e6;

export interface LoopLimits {
  maxMessages: number;
  maxSeconds: number;
}

export interface LoopResult {
  histogram: Histogram;
  messages: number;
  seconds: number;
  /** Every echo equal to its message. */
  intact: boolean;
}

export interface OpenLoopResult extends LoopResult {
  /** How late sends left after their scheduled time (ns): the bench's own lag, part of every latency. */
  sendLag: Histogram;
  /** Echo − the actual send (ns): what latency would be with coordinated omission, for comparison. */
  fromSend: Histogram;
  /** Stopped because more than maxInFlight messages were unanswered. */
  saturated: boolean;
}

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => Buffer.compare(a, b) === 0;

export async function closedLoop(session: ClientSession, message: Uint8Array, limits: LoopLimits): Promise<LoopResult> {
  const histogram = latencyHistogram();
  let intact = true;
  let messages = 0;
  const start = nowNs();
  const end = start + limits.maxSeconds * 1e9;
  while (messages < limits.maxMessages && nowNs() < end) {
    const sent = nowNs();
    const echo = await session.echo(message);
    histogram.recordValue(Math.max(1, Math.round(nowNs() - sent)));
    intact &&= sameBytes(echo, message);
    messages++;
  }
  return { histogram, messages, seconds: (nowNs() - start) / 1e9, intact };
}

export interface OpenLoopLimits extends LoopLimits {
  /** Messages per second, sent at fixed intervals. */
  rate: number;
  maxInFlight: number;
}

export function openLoop(session: ClientSession, message: Uint8Array, limits: OpenLoopLimits): Promise<OpenLoopResult> {
  const histogram = latencyHistogram();
  const sendLag = latencyHistogram();
  const fromSend = latencyHistogram();
  const intervalNs = 1e9 / limits.rate;
  const planned = Math.max(1, Math.min(limits.maxMessages, Math.floor(limits.maxSeconds * limits.rate)));
  const start = nowNs();
  let scheduled = 0;
  let answered = 0;
  let inFlight = 0;
  let intact = true;
  let saturated = false;
  let failure: Error | null = null;
  return new Promise((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      if (failure) return reject(failure);
      resolve({ histogram, sendLag, fromSend, messages: answered, seconds: (nowNs() - start) / 1e9, intact, saturated });
    };
    const stopped = () => saturated || failure !== null || scheduled >= planned;
    const tick = () => {
      // Send everything due by now (a late timer sends several at once; each keeps its own due time).
      while (!stopped() && start + scheduled * intervalNs <= nowNs()) {
        if (inFlight >= limits.maxInFlight) {
          saturated = true;
          break;
        }
        const due = start + scheduled * intervalNs;
        scheduled++;
        inFlight++;
        const sent = nowNs();
        sendLag.recordValue(Math.max(1, Math.round(sent - due)));
        session.echo(message).then(
          (echo) => {
            const now = nowNs();
            histogram.recordValue(Math.max(1, Math.round(now - due)));
            fromSend.recordValue(Math.max(1, Math.round(now - sent)));
            intact &&= sameBytes(echo, message);
            inFlight--;
            answered++;
            if (stopped() && inFlight === 0) finish();
          },
          (err: Error) => {
            failure ??= err;
            inFlight--;
            if (inFlight === 0) finish();
          },
        );
      }
      if (stopped()) {
        if (inFlight === 0) finish();
        return;
      }
      timer = setTimeout(tick, Math.max(0, (start + scheduled * intervalNs - nowNs()) / 1e6));
    };
    tick();
  });
}
