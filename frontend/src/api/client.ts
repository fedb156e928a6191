/**
 * The one way the web app talks to the MediaNest API: every call names its
 * route template (`api.get('/api/v1/media/requests/:id', { id })`), so the
 * timing it reports carries a bounded `endpoint` label, never a raw path.
 * The answer is typed by the shared contract for that template (`ApiRoutes`
 * in @medianest/contracts), and so is the body sent.
 * Errors come back as ApiError with the server's `{ error: { code, message } }`.
 * Every call carries `X-Requested-With`: the server refuses a state-changing
 * request that has neither that header nor a JSON body, so a form on another
 * page cannot act for a signed-in member (a bodiless sign-out, a delete).
 * `postBeacon` is the page-unload-safe sender used for the browser metrics.
 */

import type { ApiBody, ApiPath, ApiResponse as ApiAnswer, ApiRoute } from '@medianest/contracts';
import { i18next } from '../i18n';

export type ParamValue = string | number | boolean | null | undefined;
export type Params = Record<string, ParamValue>;
export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

/** A failed API call. `status` is 0 when the server could not be reached. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface ApiTiming {
  /** The API route template, e.g. /api/v1/media/requests/:id. */
  endpoint: string;
  method: HttpMethod;
  /** HTTP status, or 0 when the request never got an answer. */
  status: number;
  durationMs: number;
}

type TimingListener = (timing: ApiTiming) => void;
const timingListeners = new Set<TimingListener>();
/** Subscribes to the duration of every API call (the metrics endpoints excluded). */
export function onApiTiming(listener: TimingListener): () => void {
  timingListeners.add(listener);
  return () => timingListeners.delete(listener);
}

type UnauthenticatedListener = (endpoint: string) => void;
let unauthenticatedListener: UnauthenticatedListener | undefined;
/** Called when the server says the session is gone (401 UNAUTHENTICATED). */
export function setUnauthenticatedListener(listener: UnauthenticatedListener | undefined): void {
  unauthenticatedListener = listener;
}

const METRICS_PREFIX = '/api/v1/metrics/';
/** Proves a call comes from this app's own scripts (another page's form cannot set it). */
export const API_CLIENT_HEADER = 'X-Requested-With';

/**
 * Fills `:name` placeholders from params; what is left becomes the query string
 * (undefined, null and '' are left out).
 */
export function buildUrl(template: string, params: Params = {}): string {
  const used = new Set<string>();
  const path = template.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, (_m, name: string) => {
    const value = params[name];
    if (value === undefined || value === null || value === '') {
      throw new Error(`Missing path parameter "${name}" for ${template}`);
    }
    used.add(name);
    return encodeURIComponent(String(value));
  });
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (used.has(key) || value === undefined || value === null || value === '') continue;
    query.append(key, String(value));
  }
  const qs = query.toString();
  return qs ? `${path}?${qs}` : path;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

async function readBody(res: Response): Promise<unknown> {
  if (res.status === 204 || res.status === 205) return undefined;
  const text = await res.text();
  if (!text) return undefined;
  const type = res.headers.get('content-type') ?? '';
  if (!type.includes('json')) return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function errorFrom(status: number, body: unknown): ApiError {
  if (isRecord(body) && isRecord(body.error)) {
    const { code, message, details } = body.error;
    return new ApiError(
      status,
      typeof code === 'string' ? code : 'ERROR',
      typeof message === 'string' && message ? message : `The server answered ${status}`,
      details,
    );
  }
  if (status === 429) return new ApiError(status, 'RATE_LIMITED', 'Too many attempts; wait a moment and try again');
  if (status >= 500) return new ApiError(status, 'SERVER_ERROR', `MediaNest could not complete this (error ${status})`);
  return new ApiError(status, 'ERROR', `The server answered ${status}`);
}

export interface CallOptions {
  params?: Params;
  body?: unknown;
  signal?: AbortSignal;
}

export interface ApiResponse<T> {
  status: number;
  data: T;
}

/** One API call: returns the status and parsed body on 2xx, throws ApiError otherwise. */
export async function call<T>(method: HttpMethod, template: string, options: CallOptions = {}): Promise<ApiResponse<T>> {
  const url = buildUrl(template, options.params);
  const headers: Record<string, string> = { Accept: 'application/json', [API_CLIENT_HEADER]: 'XMLHttpRequest' };
  const init: RequestInit = { method, headers, credentials: 'same-origin', signal: options.signal };
  if (options.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(options.body);
  }
  const timed = !template.startsWith(METRICS_PREFIX);
  const started = performance.now();
  const report = (status: number) => {
    if (!timed) return;
    const timing: ApiTiming = { endpoint: template, method, status, durationMs: performance.now() - started };
    for (const listener of timingListeners) listener(timing);
  };

  let res: Response;
  try {
    res = await fetch(url, init);
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    report(0);
    throw new ApiError(0, 'NETWORK', 'Cannot reach MediaNest. Check your connection and try again.');
  }
  let body: unknown;
  try {
    body = await readBody(res);
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    body = undefined;
  }
  report(res.status);
  if (!res.ok) {
    const error = errorFrom(res.status, body);
    if (res.status === 401 && error.code === 'UNAUTHENTICATED') unauthenticatedListener?.(template);
    throw error;
  }
  return { status: res.status, data: body as T };
}

/** The contract's answer to `METHOD template`. */
type Answer<M extends HttpMethod, P extends string> = `${M} ${P}` extends infer R extends ApiRoute ? ApiAnswer<R> : never;
/** The contract's request body of `METHOD template` (undefined for routes that take none). */
type BodyOf<M extends HttpMethod, P extends string> = `${M} ${P}` extends infer R extends ApiRoute ? ApiBody<R> : never;

/** Calls `METHOD template` with the contract's body type, returning the status and the contract's answer type. */
export async function callRoute<M extends 'POST' | 'PATCH', P extends ApiPath<M>>(
  method: M,
  template: P,
  body: BodyOf<M, P>,
  params?: Params,
): Promise<ApiResponse<Answer<M, P>>> {
  return call<Answer<M, P>>(method, template, { body, params });
}

export const api = {
  get: async <P extends ApiPath<'GET'>>(template: P, params?: Params, signal?: AbortSignal): Promise<Answer<'GET', P>> =>
    (await call<Answer<'GET', P>>('GET', template, { params, signal })).data,
  post: async <P extends ApiPath<'POST'>>(template: P, body: BodyOf<'POST', P>, params?: Params): Promise<Answer<'POST', P>> =>
    (await call<Answer<'POST', P>>('POST', template, { body, params })).data,
  patch: async <P extends ApiPath<'PATCH'>>(template: P, body: BodyOf<'PATCH', P>, params?: Params): Promise<Answer<'PATCH', P>> =>
    (await call<Answer<'PATCH', P>>('PATCH', template, { body, params })).data,
  delete: async <P extends ApiPath<'DELETE'>>(template: P, params?: Params): Promise<Answer<'DELETE', P>> =>
    (await call<Answer<'DELETE', P>>('DELETE', template, { params })).data,
};

/**
 * Sends a JSON body that must survive the page being hidden or closed:
 * navigator.sendBeacon, or a keepalive fetch where beacons are refused.
 * Never timed (the metrics endpoints do not report on themselves).
 */
export function postBeacon(template: string, payload: unknown): void {
  const url = buildUrl(template);
  const json = JSON.stringify(payload);
  try {
    if (typeof navigator.sendBeacon === 'function' && navigator.sendBeacon(url, new Blob([json], { type: 'application/json' }))) {
      return;
    }
  } catch {
    // Some browsers throw for non-CORS-safelisted types; fall through to fetch.
  }
  fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: json,
    credentials: 'same-origin',
    keepalive: true,
  }).catch(() => undefined);
}

/** The services an unavailable-upstream answer may name (`details.service`), by their own names. */
const NAMED_SERVICES: Record<string, string> = { overseerr: 'Overseerr', plex: 'Plex', 'plex-tv': 'plex.tv' };

function detail(details: unknown, key: string): unknown {
  return isRecord(details) ? details[key] : undefined;
}

/**
 * A failed API call in the member's language: its reason (`details.reason`) when the web app has
 * words for it, else its code, else a sentence for its status. Never the server's English `message`.
 */
function apiErrorText(err: ApiError): string {
  const reason = errorReason(err);
  if (reason && i18next.exists(`errors:reason.${reason}`)) return i18next.t(`errors:reason.${reason}`);
  if (err.status === 0) return i18next.t('errors:network');
  if (err.code === 'UPSTREAM_UNAVAILABLE' || err.code === 'UPSTREAM_ERROR') {
    const service = NAMED_SERVICES[String(detail(err.details, 'service'))];
    if (service) return i18next.t('errors:upstreamNamed', { service });
  }
  // A conflict naming the field that is taken (a username, an SSO subject): say which, in words.
  const field = Array.isArray(err.details)
    ? (err.details as unknown[]).map((d) => detail(d, 'path')).find((f) => typeof f === 'string')
    : undefined;
  if (err.code === 'CONFLICT' && typeof field === 'string' && i18next.exists(`errors:field.${field}`)) {
    return i18next.t('errors:taken', { field: i18next.t(`errors:field.${field}`) });
  }
  if (i18next.exists(`errors:code.${err.code}`)) return i18next.t(`errors:code.${err.code}`);
  return i18next.t(err.status >= 500 ? 'errors:status.server' : 'errors:status.client', { status: err.status });
}

/** Why the server refused a call, when it says (`details.reason`, e.g. OVERSEERR_USER_NOT_LINKED): for a page that shows more than words. */
export function errorReason(err: unknown): string | undefined {
  const reason = err instanceof ApiError ? detail(err.details, 'reason') : undefined;
  return typeof reason === 'string' ? reason : undefined;
}

/**
 * The web app's one way to put a caught error into words, in the member's language: an API error by
 * its code, the web app's own errors (already worded) as they are, anything else a generic sentence.
 */
export function errorMessage(err: unknown): string {
  if (err instanceof ApiError) return apiErrorText(err);
  if (err instanceof Error && err.message) return err.message;
  return i18next.t('errors:generic');
}
