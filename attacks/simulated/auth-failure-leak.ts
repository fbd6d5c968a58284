/**
 * What a failed authentication tells the attacker (S11: no error frame, constant-time comparison).
 *
 * The attacker takes a correctly signed HELLO made by the real client core and sends, on raw TCP
 * connections from one address, `samples` copies of two forgeries: "nearly right" (the signature's
 * last bit flipped: 127 of 128 bits right) and "wrong" (every signature byte inverted), interleaved,
 * plus one untouched HELLO as the control that shows the measurement sees a reply when there is
 * one. For each it records the bytes the server sent back and the time from its last byte to the
 * close.
 *
 * S11 HOLDS when no failed HELLO got a byte back and nearly-right and wrong forgeries were closed
 * after exactly the same time; FAILS otherwise. Both need the control to have got its reply: a
 * measurement that saw no byte after a correct HELLO could not see a leak either, and the run throws. In the simulator, time to close is set by the network
 * and the CPU model, not by how long a comparison takes, so the timing half can only show that the
 * server's behaviour (what it sends, when it closes) does not depend on how close the forgery was;
 * that the comparison itself is constant-time is the code's (src/crypto/mac.ts) and is cited.
 */
import { z } from 'zod';
import type { AsocProfile } from '../../src/core/profile.ts';
import { HEADER_SIZE } from '../../src/wire/frame.ts';
import { HANDSHAKE_MAC_SIZE, HARDENED_HELLO_SIZE } from '../../src/wire/hardened.ts';
import { HELLO_SIG_SIZE, NODE_ID_SIZE } from '../../src/wire/hello.ts';
import { CLUSTER_API_KEY } from '../../sim/asoc/cluster.ts';
import { ARENA_SERVER_ADDRESS, buildArena } from './adversary/arena.ts';
import { clientHelloBytes } from './adversary/core-client.ts';
import { RawTcpClient, type RawTcpConnection } from './adversary/raw-tcp-client.ts';
import { FloodExcerpt } from './support/flood-excerpt.ts';
import { defineAttack } from './types.ts';
import type { DecidedVerdict } from '../../bench/verdict.ts';

const params = z
  .object({
    /** Forgeries of each kind; 2 + 2 stays below the 5-failure lockout from one address. */
    samples: z.number().int().min(1).max(2).default(2),
    gapMs: z.number().positive().default(200),
  })
  .strict();

type Variant = 'control' | 'nearly-right' | 'wrong';

/** Where the HELLO's signature sits in the frame: v1 sends node id · signature · challenge, hardened ends with its MAC. */
function signatureRange(profile: AsocProfile): [number, number] {
  if (profile.security.kind === 'v1') return [HEADER_SIZE + NODE_ID_SIZE, HEADER_SIZE + NODE_ID_SIZE + HELLO_SIG_SIZE];
  return [HEADER_SIZE + HARDENED_HELLO_SIZE - HANDSHAKE_MAC_SIZE, HEADER_SIZE + HARDENED_HELLO_SIZE];
}

function forge(hello: Uint8Array, [start, end]: [number, number], variant: Variant): Uint8Array {
  const out = hello.slice();
  if (variant === 'nearly-right') out[end - 1]! ^= 0x01;
  if (variant === 'wrong') for (let i = start; i < end; i++) out[i]! ^= 0xff;
  return out;
}

export default defineAttack({
  description: 'bytes and time-to-close after a nearly-right and a wrong HELLO signature, against a correct one',
  params,
  run({ profile, seed, params: p }) {
    const arena = buildArena({ seed, profile });
    const { sim, server } = arena;
    const excerpt = new FloodExcerpt(8);
    const raw = new RawTcpClient(arena.attackers[0]!);
    const random = sim.random.stream('auth-failure-leak');
    const range = signatureRange(profile);
    const plan: Variant[] = ['control'];
    for (let i = 0; i < p.samples; i++) plan.push('nearly-right', 'wrong');
    const sent: { variant: Variant; conn: RawTcpConnection }[] = [];
    server.on('auth-failed', (f) => excerpt.add(sim.scheduler.now, 'server', 'auth-failed', `${f.reason} from ${f.address}`));
    server.start();

    const next = (): void => {
      const variant = plan[sent.length];
      if (variant === undefined) return;
      const hello = clientHelloBytes({ profile, apiKey: CLUSTER_API_KEY, nodeId: random.bytes(16), random }, arena.attackers[0]!.now());
      const conn = raw.connect(ARENA_SERVER_ADDRESS, arena.port);
      conn.write(forge(hello, range, variant));
      sent.push({ variant, conn });
      excerpt.add(sim.scheduler.now, 'attacker-0', 'send', `${variant} HELLO (${hello.length} bytes)`);
      sim.scheduler.after(p.gapMs, () => {
        if (conn.isOpen) conn.destroy(); // the control's connection stays up: end it before the next
        next();
      });
    };
    sim.scheduler.at(100, next);
    sim.scheduler.runUntilTime(100 + (plan.length + 1) * p.gapMs);

    const of = (variant: Variant) => sent.filter((s) => s.variant === variant).map((s) => s.conn.record);
    const closeDelay = (r: RawTcpConnection['record']): number => (r.closedAt ?? Infinity) - (r.lastWriteAt ?? 0);
    const forged = [...of('nearly-right'), ...of('wrong')];
    const bytesBack = forged.reduce((sum, r) => sum + r.bytesReceived, 0);
    const nearly = of('nearly-right').map(closeDelay);
    const wrong = of('wrong').map(closeDelay);
    const spread = Math.max(...nearly, ...wrong) - Math.min(...nearly, ...wrong);
    const closedByServer = forged.filter((r) => r.closeReason === 'reset' || r.closeReason === 'normal').length;
    const control = of('control')[0]!;
    if (control.bytesReceived === 0) throw new Error(`auth-failure-leak: the correctly signed control HELLO got no reply (TCP ${control.closeReason ?? 'still open'}), so "0 bytes back" after a forgery would show nothing: the measurement is blind`);
    const noLeak = bytesBack === 0 && closedByServer === forged.length && spread < 1e-6;
    const verdict: DecidedVerdict = noLeak ? 'HOLDS' : 'FAILS';
    return {
      observations: [
        {
          claim: 'S11',
          verdict,
          evidence:
            `${forged.length} forged HELLOs (${nearly.length} nearly right, ${wrong.length} wrong): the server sent back ${bytesBack} bytes and closed ${closedByServer} of them (TCP ${forged.map((r) => r.closeReason).join(', ')}) ` +
            `${nearly[0]!.toFixed(3)} ms after the HELLO was written, spread ${spread.toFixed(6)} ms across both kinds; the untouched control HELLO got ${control.bytesReceived} bytes (its ACCEPT). ` +
            'Signatures are compared by constantTimeEqual (src/crypto/mac.ts: every byte XORed into one accumulator, no early exit; verdicts checked by test/crypto/mac.test.ts "constantTimeEqual: equal bytes, different lengths, every one-bit difference"); the simulator does not model comparison time.',
        },
      ],
      counts: {
        forgedHellos: forged.length,
        bytesBackAfterFailure: bytesBack,
        closedByServer,
        controlBytesBack: control.bytesReceived,
        serverAuthFailures: server.admissionCounters.authFailures,
      },
      figures: {
        nearlyRightCloseAfterMs: Math.max(...nearly),
        wrongCloseAfterMs: Math.max(...wrong),
        closeTimeSpreadMs: spread,
      },
      trace: excerpt.entries,
      traceHash: sim.trace.digest(),
    };
  },
});
