/**
 * Cross-origin isolation: guest RAM and the vCPU mailboxes are SharedArrayBuffers, which browsers only
 * hand out to pages that are `crossOriginIsolated` (COOP same-origin + COEP require-corp).
 */

const RELOAD_FLAG = 'kindling:isolation-sw-reloaded';
const SERVICE_WORKER_TIMEOUT_MS = 4000;

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  return Promise.race([promise, new Promise<undefined>((r) => setTimeout(() => r(undefined), ms))]);
}

export type IsolationState =
  { kind: 'isolated' } | { kind: 'reloading' } | { kind: 'unavailable'; reason: string };

/** Why SharedArrayBuffer is missing, in words a user can act on. */
export function explainMissingIsolation(env: {
  isSecureContext: boolean;
  hasServiceWorker: boolean;
  triedServiceWorker: boolean;
}): string {
  if (!env.isSecureContext) {
    return (
      'This page is not a secure context (it is served over plain HTTP from a non-localhost address), ' +
      'so the browser withholds SharedArrayBuffer. Open it over HTTPS or from localhost.'
    );
  }
  if (!env.hasServiceWorker) {
    return (
      'The server does not send the Cross-Origin-Opener-Policy: same-origin and ' +
      'Cross-Origin-Embedder-Policy: require-corp headers, and this browser cannot run the service worker ' +
      'that would add them. Without cross-origin isolation there is no SharedArrayBuffer, so the VM cannot run.'
    );
  }
  if (env.triedServiceWorker) {
    return (
      'The page is still not cross-origin isolated after installing the isolation service worker ' +
      '(it may be blocked by browser settings or an extension). The server should send ' +
      'Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp.'
    );
  }
  return 'The page is not cross-origin isolated, so SharedArrayBuffer is unavailable.';
}

/**
 * Make the page cross-origin isolated if it is not: register public/isolation-sw.js, which re-serves
 * every response with the isolation headers, then reload once. A session flag stops reload loops.
 */
export async function ensureIsolation(): Promise<IsolationState> {
  if (globalThis.crossOriginIsolated) {
    sessionStorage.removeItem(RELOAD_FLAG);
    return { kind: 'isolated' };
  }
  const hasServiceWorker = 'serviceWorker' in navigator;
  const triedServiceWorker = sessionStorage.getItem(RELOAD_FLAG) !== null;
  if (window.isSecureContext && hasServiceWorker && !triedServiceWorker) {
    try {
      // Policies or extensions can block service workers so that `ready` never settles: bound the wait.
      const registration = await withTimeout(
        navigator.serviceWorker.register('./isolation-sw.js').then(async (r) => {
          await navigator.serviceWorker.ready;
          return r;
        }),
        SERVICE_WORKER_TIMEOUT_MS,
      );
      if (registration?.active) {
        sessionStorage.setItem(RELOAD_FLAG, '1');
        window.location.reload();
        return { kind: 'reloading' };
      }
    } catch {
      // Fall through to the explanation below.
    }
  }
  return {
    kind: 'unavailable',
    reason: explainMissingIsolation({
      isSecureContext: window.isSecureContext,
      hasServiceWorker,
      triedServiceWorker: triedServiceWorker || hasServiceWorker,
    }),
  };
}
