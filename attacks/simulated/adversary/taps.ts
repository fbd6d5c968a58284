/**
 * Several adversaries on one channel: a channel has one tap (sim/channel.ts), so the taps of a
 * channel are stacked here and run in the order they were added, each seeing what the one before
 * passed on (a recorder added first sees the original packet; one added after a rewriter sees the
 * rewritten one). A tap returning null drops the packet and ends the chain.
 */
import type { Channel, Tap } from '../../../sim/channel.ts';

const stacks = new WeakMap<Channel, Tap[]>();

/** Adds `tap` to the channel's stack; returns a function that removes it. */
export function addTap(channel: Channel, tap: Tap): () => void {
  let stack = stacks.get(channel);
  if (stack === undefined) {
    const taps: Tap[] = (stack = []);
    stacks.set(channel, taps);
    channel.setTap((packet, ch) => {
      let current: typeof packet | null = packet;
      for (const t of taps) {
        current = t(current, ch);
        if (current === null) return null;
      }
      return current;
    });
  }
  stack.push(tap);
  return () => {
    const index = stack.indexOf(tap);
    if (index >= 0) stack.splice(index, 1);
  };
}
