import uWS from 'uWebSockets.js';

export type {
  HttpRequest,
  HttpResponse,
  TemplatedApp,
  us_listen_socket,
  us_socket_context_t,
  WebSocket,
} from 'uWebSockets.js';

/**
 * The uWebSockets.js package here silently falls back to a slow `ws`-based shim when its
 * native binary does not load (wrong Node ABI, UWS_USE_FALLBACK=1). The shim exports neither
 * SSLApp nor H3App, so their absence means "not native": refuse to start rather than serve
 * at a fraction of the expected capacity.
 */
export class UwsNotNativeError extends Error {
  constructor() {
    super(
      `uWebSockets.js did not load its native binary for Node ${process.versions.node} ` +
        `(${process.platform}-${process.arch}, ABI ${process.versions.modules}) and fell back to a slow shim. ` +
        'Unset UWS_USE_FALLBACK, or use a Node version the package ships a binary for (Node 20 here).',
    );
    this.name = 'UwsNotNativeError';
  }
}

export function isNativeUws(mod: object): boolean {
  return 'SSLApp' in mod && 'H3App' in mod;
}

export function loadUws(): typeof uWS {
  if (!isNativeUws(uWS)) throw new UwsNotNativeError();
  return uWS;
}
