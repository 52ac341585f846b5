// Which Node versions SkySentinel runs on, checked first thing by the `skysentinel` command
// (runtime/cli/bin.js) and stated in package.json "engines" (node-version.test.ts keeps them
// equal). Plain JavaScript: it runs before the TypeScript loader is registered.
//
// Why Node 20 only: the uWebSockets.js package in use ships native binaries for Node ABIs 93, 108
// and 115 (Node 16, 18, 20); on any other Node it falls back to a slow `ws` shim, which the edge
// refuses (edge/uws.ts). 20.19 is the oldest 20.x the rest of the dependencies accept.

export const SUPPORTED_NODE = '>=20.19 <21';
export const SUPPORTED_NODE_TEXT = 'Node 20 (20.19 or later 20.x)';

/** Null when `version` (e.g. process.versions.node) is supported, else what to say. */
export function nodeVersionProblem(version) {
  const [major, minor] = version.split('.').map(Number);
  if (major === 20 && minor >= 19) return null;
  return (
    `skysentinel needs ${SUPPORTED_NODE_TEXT}; this is Node ${version}. ` +
    'Its uWebSockets.js binary exists for Node 20 only (ABI 115), and no other version is tested. ' +
    'Install Node 20 (e.g. `nvm install 20`), or use the Docker image (node:20).'
  );
}
