/**
 * The V8 flags the service runs with, wherever it is started: the `skysentinel` command's shebang
 * (runtime/cli/bin.js), `npm start`, the Dockerfile's entrypoint (and compose.yaml's producer,
 * which starts the command itself), the processes tests and the soak harness start, and
 * `npm run bench:actors` (so the benchmark measures the service as deployed).
 * node-flags.test.ts keeps them equal.
 *
 * --max-semi-space-size=64: a young generation of 64 MB semi-spaces instead of V8's 16 MB. Each
 * scavenge copies what is still alive, and while the actors work through a bus batch that is the
 * batch's envelopes not yet processed: with more room between scavenges there are a quarter as
 * many, and fewer envelopes survive two of them into the old generation, where only a major GC
 * frees them. Measured (bench:actors, 1,000,000 updates through nact): GC pauses 380-520 ms ->
 * 190-207 ms. It costs up to ~200 MB more resident memory under load (3 x 64 MB of young space).
 */
export const SERVICE_NODE_FLAGS = ['--max-semi-space-size=64'] as const;
