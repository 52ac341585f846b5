import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import solid from 'vite-plugin-solid';

const uiRoot = fileURLToPath(new URL('.', import.meta.url));
const repoRoot = fileURLToPath(new URL('..', import.meta.url));
/** Where `npm run dev:ui` forwards the API and the WebSocket (the edge's default port). */
const EDGE = process.env.SKYSENTINEL_EDGE_URL ?? 'http://127.0.0.1:8000';
const API_PATHS = ['/flights', '/anomalies', '/airports', '/history', '/metrics', '/healthz', '/readyz'];

export default defineConfig({
  root: uiRoot,
  base: './',
  plugins: [solid()],
  // Textures and country outlines are imported from node_modules (see globe/globe-view.ts).
  server: {
    port: 3000,
    strictPort: true,
    fs: { allow: [repoRoot] },
    proxy: {
      '/ws': { target: EDGE, ws: true },
      ...Object.fromEntries(API_PATHS.map((p) => [p, { target: EDGE }])),
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 2500,
  },
});
