export * from './errors.ts';
export * from './bytes.ts';
export * from './frame.ts';
export * from './frame-reader.ts';
export * from './hello.ts';
export * from './accept.ts';
export * from './discovery.ts';
export * from './control.ts';
