/**
 * The page the edge serves instead of the UI when EDGE_TOKEN is set and the browser has no valid
 * cookie: one field that POSTs the token to /login (so it never lands in the address bar, the
 * history or a log), which answers with the cookie and a redirect back to `next`. No script.
 */

/** Content-Security-Policy of the login page: its inline style and a form posting to this edge. */
export const LOGIN_PAGE_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'";

const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function loginPage(o: { next: string; wrong: boolean }): string {
  const message = o.wrong
    ? '<p class="wrong" role="alert">That token is not the one this edge was started with.</p>'
    : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>SkySentinel: token needed</title>
<style>
body{font-family:system-ui,sans-serif;background:#02040a;color:#dde3ee;display:grid;place-items:center;min-height:100vh;margin:0}
form{background:#0d1420;padding:2em;border-radius:8px;max-width:24em;width:90%}
h1{font-size:1.2em;margin:0 0 .6em}p{font-size:.9em;line-height:1.4}
input,button{font:inherit;padding:.5em;border-radius:4px;border:1px solid #345}
input{width:100%;box-sizing:border-box;margin:.6em 0;background:#02040a;color:inherit}
button{background:#2a6df4;color:#fff;border:0;cursor:pointer}.wrong{color:#ff7a7a}
</style></head>
<body><form method="post" action="/login" data-testid="login-form">
<h1>SkySentinel</h1>
<p>This edge needs its token (<code>EDGE_TOKEN</code>). It is kept in a cookie for 30 days.</p>
${message}<input type="password" name="token" autocomplete="current-password" autofocus required aria-label="token" data-testid="login-token">
<input type="hidden" name="next" value="${escapeHtml(o.next)}">
<button type="submit" data-testid="login-submit">Open</button>
</form></body></html>`;
}
