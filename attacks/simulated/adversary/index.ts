/** Adversaries with a wire attacker's powers, for the threat scenarios (attacks/simulated/). See README.md. */
export * from './taps.ts';
export * from './flow.ts';
export * from './excerpt.ts';
export * from './tap-recorder.ts';
export * from './frame-sniffer.ts';
export * from './replayer.ts';
export * from './on-path-injector.ts';
export * from './blind-injector.ts';
export * from './mitm-relay.ts';
export * from './raw-tcp-client.ts';
export * from './core-client.ts';
export * from './udp-forger.ts';
export * from './arena.ts';
