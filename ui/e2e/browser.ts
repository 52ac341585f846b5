import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const ARTIFACTS_DIR = fileURLToPath(new URL('../../artifacts/e2e/', import.meta.url));

/** Headless Chromium with WebGL through SwiftShader (no GPU here). */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--enable-unsafe-swiftshader',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

export interface PageLog {
  errors: string[];
  /** Requests that left the page's own origin (the UI must work offline). */
  external: string[];
}

/** Opens `url`, recording console errors, page errors and requests to other origins. */
export async function openPage(
  browser: Browser,
  url: string,
  width = 1280,
  height = 800,
): Promise<{ page: Page; log: PageLog }> {
  const page = await browser.newPage({ viewport: { width, height } });
  const log: PageLog = { errors: [], external: [] };
  const origin = new URL(url).origin;
  page.on('console', (m) => {
    if (m.type() === 'error') log.errors.push(m.text());
  });
  page.on('pageerror', (e) => log.errors.push(String(e)));
  page.on('request', (r) => {
    const u = r.url();
    if (!u.startsWith(origin) && !u.startsWith('data:') && !u.startsWith('blob:')) log.external.push(u);
  });
  await page.goto(url);
  return { page, log };
}

/**
 * Pixels of the globe canvas that differ from its background colour, from a screenshot
 * (what the compositor really shows, not a WebGL readback that could be cleared already).
 */
export async function drawnPixels(page: Page): Promise<{ total: number; drawn: number }> {
  const png = await page.locator('[data-testid=globe] canvas').first().screenshot();
  return page.evaluate(async (b64) => {
    const img = new Image();
    img.src = `data:image/png;base64,${b64}`;
    await img.decode();
    const c = document.createElement('canvas');
    c.width = img.width;
    c.height = img.height;
    const ctx = c.getContext('2d')!;
    ctx.drawImage(img, 0, 0);
    const d = ctx.getImageData(0, 0, c.width, c.height).data;
    // Background is #02040a; anything clearly brighter was drawn.
    let drawn = 0;
    for (let i = 0; i < d.length; i += 4)
      if (Math.abs(d[i]! - 2) + Math.abs(d[i + 1]! - 4) + Math.abs(d[i + 2]! - 10) > 24) drawn++;
    return { total: d.length / 4, drawn };
  }, png.toString('base64'));
}

/** Runs `fn` in the page on its test hook (`window.__skysentinel`, ui/src/app.ts). */
export function inPage<H, T>(page: Page, fn: (h: H) => T): Promise<T> {
  return page.evaluate(`(${fn.toString()})(window.__skysentinel)`) as Promise<T>;
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const path = join(ARTIFACTS_DIR, `${name}.png`);
  await page.screenshot({ path });
  return path;
}

/** Polls `fn` until it returns a truthy value or the time runs out (then throws with `what`). */
export async function waitFor<T>(
  what: string,
  fn: () => Promise<T | null | undefined | false> | T | null | undefined | false,
  timeoutMs = 30_000,
  everyMs = 200,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
      last = v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what} (last: ${String(last)})`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
