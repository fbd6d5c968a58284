export * from './backend.ts';
export * from './mac.ts';
export * from './replay-cache.ts';
