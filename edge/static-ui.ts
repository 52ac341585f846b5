import { readFile, stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.gif': 'image/gif',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
  '.glb': 'model/gltf-binary',
  '.gltf': 'model/gltf+json',
};

export const contentTypeOf = (path: string): string =>
  TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';

export interface StaticFile {
  status: 200 | 404 | 503;
  contentType: string;
  body: Buffer | string;
  cacheControl: string;
}

export const UI_MISSING_PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>SkySentinel: UI not built</title></head>
<body style="font-family:sans-serif;max-width:40em;margin:4em auto">
<h1>The UI is not built</h1>
<p>The edge serves the built UI from <code>ui/dist</code>, which does not exist yet.
Build it with <code>npx vite build ui</code> (or the project's UI build script) and reload.</p>
<p>The API answers meanwhile: <a href="/flights">/flights</a>, <a href="/anomalies">/anomalies</a>, <code>ws://…/ws/flights</code>.</p>
</body></html>`;

/**
 * The built UI: files under `root`, index.html for app routes (paths without an extension),
 * 404 for a missing asset, 503 with an explanation when the UI is not built. Files are cached
 * in memory after the first read (the build is immutable while the edge runs).
 */
export class StaticUi {
  private readonly root: string;
  private readonly cache = new Map<string, Buffer>();

  constructor(root: string) {
    this.root = resolve(root);
  }

  /** Maps a URL path to a file under root, or null when it tries to leave root. */
  resolvePath(urlPath: string): string | null {
    let decoded: string;
    try {
      decoded = decodeURIComponent(urlPath);
    } catch {
      return null;
    }
    if (decoded.includes('\0') || decoded.split('/').includes('..')) return null;
    const full = resolve(join(this.root, decoded));
    return full === this.root || full.startsWith(this.root + sep) ? full : null;
  }

  async serve(urlPath: string): Promise<StaticFile> {
    const index = join(this.root, 'index.html');
    if (!(await isFile(index))) {
      return { status: 503, contentType: TYPES['.html'], body: UI_MISSING_PAGE, cacheControl: 'no-store' };
    }
    const wanted = urlPath === '/' ? index : this.resolvePath(urlPath);
    if (wanted === null) return notFound();
    if (await isFile(wanted)) return this.file(wanted);
    if (extname(wanted) !== '') return notFound();
    return this.file(index); // an app route: the UI routes on the client
  }

  private async file(path: string): Promise<StaticFile> {
    let body = this.cache.get(path);
    if (body === undefined) {
      body = await readFile(path);
      this.cache.set(path, body);
    }
    const hashed = path.includes(`${sep}assets${sep}`);
    return {
      status: 200,
      contentType: contentTypeOf(path),
      body,
      cacheControl: hashed ? 'public, max-age=31536000, immutable' : 'no-cache',
    };
  }
}

const notFound = (): StaticFile => ({
  status: 404,
  contentType: 'application/json',
  body: '{"error":"not found"}',
  cacheControl: 'no-store',
});

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}
