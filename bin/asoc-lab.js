#!/usr/bin/env node
// Runs the TypeScript sources through tsx, so the installed command needs no build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../lab/cli.ts');
process.exit(await main(process.argv.slice(2)));
