#!/usr/bin/env -S node --max-semi-space-size=64
// The `skysentinel` command. TypeScript runs through tsx's loader, so no build step is needed.
// Its V8 flags (the shebang's) are the service's: runtime/cli/node-flags.ts says why.
import { register } from 'tsx/esm/api';
import { nodeVersionProblem } from './node-version.js';

// Before anything else: on an unsupported Node the uWebSockets.js binary does not load.
const nodeProblem = nodeVersionProblem(process.versions.node);
if (nodeProblem !== null) {
  console.error(nodeProblem);
  process.exit(78); // EX_CONFIG, as for a bad configuration (runtime/cli/exit-codes.ts)
}

register();
const { main } = await import('./main.ts');
const code = await main(process.argv.slice(2));
process.exitCode = code;
// A command that returned has finished its work (servers closed, offsets committed): a handle a
// library forgot to close must not keep the process alive.
setTimeout(() => process.exit(code), 2000).unref();
