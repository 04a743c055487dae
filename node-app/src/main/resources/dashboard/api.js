// HTTP access to this node's /api/v1/p2p endpoints, and to peers' read-only endpoints.
// Mutating calls carry the admin token (sessionStorage) and ask for it when the node answers 401/403.

export const P2P = '/api/v1/p2p';
const TOKEN_KEY = 'peersync.adminToken';
const TIMEOUT_MS = 8000;

/** An error with the node's message ({"error":{"code","message"}}) and the HTTP status. */
export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export function adminToken() {
  return sessionStorage.getItem(TOKEN_KEY) || '';
}

export function setAdminToken(token) {
  if (token) {
    sessionStorage.setItem(TOKEN_KEY, token);
  } else {
    sessionStorage.removeItem(TOKEN_KEY);
  }
  // The WebSocket needs the token too when the node has one: let it reconnect with it now.
  window.dispatchEvent(new Event('peersync-admin-token'));
}

async function request(url, options = {}) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), TIMEOUT_MS);
  let response;
  try {
    response = await fetch(url, { ...options, signal: controller.signal, cache: 'no-store' });
  } catch (e) {
    const why = e.name === 'AbortError' ? `no answer within ${TIMEOUT_MS / 1000}s` : e.message;
    throw new ApiError(0, 'unreachable', `${url}: ${why}`);
  } finally {
    clearTimeout(timer);
  }
  const text = await response.text();
  let body = null;
  if (text) {
    try {
      body = JSON.parse(text);
    } catch (e) {
      body = { raw: text };
    }
  }
  if (!response.ok) {
    const error = body && body.error ? body.error : {};
    throw new ApiError(response.status, error.code || `http_${response.status}`,
      error.message || `${response.status} ${response.statusText}`);
  }
  return body;
}

/** GET on this node. */
export function get(path) {
  return request(path);
}

/** GET on another node's API (cross-origin: works when that node allows it). */
export function getFrom(base, path) {
  return request(base + path, { mode: 'cors', credentials: 'omit' });
}

/**
 * A mutating call on this node. On 401/403 asks for the admin token through askToken(reason), which
 * resolves to the token or null (cancelled), and retries once with it.
 */
export async function mutate(method, path, body, askToken) {
  const send = () => {
    const headers = { 'Accept': 'application/json' };
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
    }
    const token = adminToken();
    if (token) {
      headers['Authorization'] = `Bearer ${token}`;
    }
    return request(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  };
  try {
    return await send();
  } catch (e) {
    if (!(e instanceof ApiError) || (e.status !== 401 && e.status !== 403)) {
      throw e;
    }
    const token = await askToken(adminToken() ? 'The admin token was refused: ' + e.message
      : 'This node has an ADMIN_TOKEN: enter it to continue.');
    if (!token) {
      throw new ApiError(e.status, 'cancelled', 'Cancelled: no admin token given');
    }
    setAdminToken(token);
    return send();
  }
}
