/** The back-ends a topology file runs on: containers on a Docker engine, or network namespaces. */
export const BACKENDS = ['container', 'netns'] as const;
export type Backend = (typeof BACKENDS)[number];

/** Where a back-end runs the hosts, as reports word it. */
export const BACKEND_PLACES: Readonly<Record<Backend, string>> = { container: 'containers', netns: 'namespaces' };
