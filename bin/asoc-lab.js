#!/usr/bin/env node
// Runs the TypeScript sources through tsx, so the installed command needs no build step.
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import('../lab/cli.ts');
process.exit(await runCli(process.argv.slice(2)));
