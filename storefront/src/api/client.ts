// The typed API client. Every call names a path and method of
// docs/api/openapi.yaml; parameters, bodies and answers are typed from
// src/api/schema.d.ts, which openapi-typescript generates from that document
// (and the test run checks is up to date).
//
// Sessions: the access token lives in this module's memory only. The refresh
// token is the `edgecart_refresh` httpOnly cookie the users component sets, so
// no script can read it; `refreshSession()` trades it for a new access token.
// A request answered 401 with an expired or invalid token is retried once after
// a refresh. Refreshes are single-flight: a refresh token works once, and
// presenting it again after the server's short grace period would end the
// whole session. Across tabs, which share the cookie, a Web Lock makes
// refreshes take turns, so each tab presents the token the previous refresh set.
import type { paths } from './schema';

export type Method = 'get' | 'post' | 'patch' | 'delete';

type Operation<P extends keyof paths, M extends Method> = NonNullable<paths[P][M]>;

/** The paths that have an operation for method `M`. */
export type PathsWith<M extends Method> = {
  [P in keyof paths]: paths[P][M] extends undefined ? never : P;
}[keyof paths];

type JsonOf<R> = R extends { content: { 'application/json': infer T } } ? T : undefined;
type SuccessCode = 200 | 201 | 202 | 204;

/** The JSON body of an operation's success answers (undefined for 204). */
export type Success<P extends keyof paths, M extends Method> =
  Operation<P, M> extends { responses: infer R } ? { [K in keyof R & SuccessCode]: JsonOf<R[K]> }[keyof R & SuccessCode] : never;

type BodyOf<O> = O extends { requestBody: { content: { 'application/json': infer B } } }
  ? B
  : O extends { requestBody?: { content: { 'application/json': infer B } } }
    ? B | undefined
    : undefined;

type MultipartOf<O> = O extends { requestBody: { content: { 'multipart/form-data': infer B } } } ? B : undefined;
type PathParamsOf<O> = O extends { parameters: { path: infer A } } ? A : undefined;
type QueryOf<O> = O extends { parameters: { query?: infer Q } } ? ([Q] extends [never] ? undefined : Q) : undefined;

/** The catalog's `option.<name>=<value>` filters, which OpenAPI cannot name. */
export type OptionFilters = { [name: `option.${string}`]: string | undefined };

export interface RequestOptions<P extends keyof paths, M extends Method> {
  path?: PathParamsOf<Operation<P, M>>;
  query?: QueryOf<Operation<P, M>> & OptionFilters;
  body?: BodyOf<Operation<P, M>>;
  /** A multipart body, for the operations that take `multipart/form-data`. */
  form?: MultipartOf<Operation<P, M>> extends undefined ? never : FormData;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

export interface FieldErrors {
  [field: string]: string;
}

/** An answer outside 2xx, read from the API's error envelope. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly fields: FieldErrors;
  readonly details: Record<string, unknown>;

  constructor(status: number, code: string, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
    const fields = details['fields'];
    this.fields = isStringRecord(fields) ? fields : {};
  }
}

function isStringRecord(v: unknown): v is FieldErrors {
  return typeof v === 'object' && v !== null && Object.values(v).every((x) => typeof x === 'string');
}

/** Turns a non-2xx response into an ApiError, whatever its body. */
export async function errorFrom(res: Response): Promise<ApiError> {
  const text = await res.text().catch(() => '');
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === 'object' && parsed !== null && 'error' in parsed) {
      const e = parsed.error;
      if (typeof e === 'object' && e !== null) {
        const { code, message, details } = e as { code?: unknown; message?: unknown; details?: unknown };
        return new ApiError(
          res.status,
          typeof code === 'string' ? code : 'unknown_error',
          typeof message === 'string' ? message : res.statusText,
          typeof details === 'object' && details !== null ? (details as Record<string, unknown>) : {},
        );
      }
    }
  } catch {
    // Not JSON: fall through to a generic error.
  }
  return new ApiError(res.status, res.status >= 500 ? 'server_error' : 'unknown_error', `The shop answered ${res.status}. Please try again.`);
}

/** Fills `{name}` segments of an OpenAPI path. */
export function fillPath(template: string, params: Record<string, string | number> | undefined): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = params?.[name];
    if (value === undefined) throw new Error(`missing path parameter ${name} for ${template}`);
    return encodeURIComponent(String(value));
  });
}

/** Serialises a query object: arrays repeat the name, undefined and '' are left out. */
export function queryString(query: Record<string, unknown> | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    const values = Array.isArray(value) ? value : [value];
    for (const v of values) {
      if (v === undefined || v === null || v === '') continue;
      params.append(key, String(v));
    }
  }
  const s = params.toString();
  return s ? `?${s}` : '';
}

export interface SessionUser {
  id: number;
  email: string;
  name: string;
  phone: string;
  role: 'customer' | 'admin';
  created_at: number;
}

type Listener = (user: SessionUser | null) => void;

/** The part of the Web Locks API (`navigator.locks`) the refresh uses. */
export interface RefreshLock {
  request<T>(name: string, callback: () => Promise<T>): Promise<T>;
}

const REFRESH_LOCK = 'edgecart.refresh';

/** The client: one per page (see `api` below); tests make their own with a fake fetch. */
export class Client {
  private accessToken: string | null = null;
  private user: SessionUser | null = null;
  private refreshing: Promise<SessionUser | null> | null = null;
  private readonly listeners = new Set<Listener>();
  private readonly fetchImpl: typeof fetch;
  private readonly base: string;
  private cartTokenValue: string | null;
  private readonly storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> | null;
  private readonly locks: RefreshLock | null;

  constructor(
    options: {
      fetch?: typeof fetch;
      base?: string;
      storage?: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> | null;
      locks?: RefreshLock | null;
    } = {},
  ) {
    this.fetchImpl = options.fetch ?? ((input, init) => fetch(input, init));
    this.base = options.base ?? '';
    this.storage = options.storage ?? null;
    this.locks = options.locks ?? null;
    this.cartTokenValue = this.storage?.getItem(CART_TOKEN_KEY) ?? null;
  }

  get currentUser(): SessionUser | null {
    return this.user;
  }

  get signedIn(): boolean {
    return this.accessToken !== null;
  }

  /** A guest cart's token (kept in localStorage so a guest cart outlives the tab). */
  get cartToken(): string | null {
    return this.cartTokenValue;
  }

  setCartToken(token: string | null): void {
    this.cartTokenValue = token;
    if (token) this.storage?.setItem(CART_TOKEN_KEY, token);
    else this.storage?.removeItem(CART_TOKEN_KEY);
  }

  onSessionChange(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private setSession(token: string | null, user: SessionUser | null): void {
    const changed = this.user?.id !== user?.id || this.user?.role !== user?.role || this.user?.name !== user?.name;
    this.accessToken = token;
    this.user = user;
    if (changed) for (const l of this.listeners) l(user);
  }

  /** Keeps the session's user in step after a profile change. */
  updateUser(user: SessionUser): void {
    if (this.accessToken) this.setSession(this.accessToken, user);
  }

  async request<P extends PathsWith<M>, M extends Method>(method: M, path: P, options: RequestOptions<P, M> = {}): Promise<Success<P, M>> {
    const url = this.base + fillPath(path, options.path) + queryString(options.query);
    const send = async (): Promise<Response> => {
      const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
      if (options.body !== undefined) headers['content-type'] = 'application/json';
      if (this.accessToken) headers['authorization'] = `Bearer ${this.accessToken}`;
      if (this.cartTokenValue && path.startsWith('/api/cart')) headers['x-cart-token'] = this.cartTokenValue;
      const init: RequestInit = { method: method.toUpperCase(), headers, credentials: 'same-origin' };
      if (options.body !== undefined) init.body = JSON.stringify(options.body);
      // The browser writes a multipart body's content type, boundary included.
      if (options.form) init.body = options.form;
      if (options.signal) init.signal = options.signal;
      return this.fetchImpl(url, init);
    };
    let res = await send();
    if (res.status === 401 && this.accessToken && !path.startsWith('/api/users/refresh')) {
      const err = await errorFrom(res.clone());
      if (err.code === 'token_expired' || err.code === 'invalid_token' || err.code === 'unauthorized') {
        const user = await this.refreshSession();
        if (user) res = await send();
      }
    }
    if (!res.ok) throw await errorFrom(res);
    const created = res.headers.get('x-cart-token');
    if (created && !this.accessToken) this.setCartToken(created);
    if (res.status === 204 || res.status === 304) return undefined as Success<P, M>;
    const text = await res.text();
    return (text ? JSON.parse(text) : undefined) as Success<P, M>;
  }

  /**
   * Trades the refresh cookie for an access token. Resolves to the user, or
   * null when there is no session (the cookie is missing, used or expired).
   */
  refreshSession(): Promise<SessionUser | null> {
    this.refreshing ??= (async () => {
      try {
        const send = () =>
          this.fetchImpl(`${this.base}/api/users/refresh`, {
            method: 'POST',
            headers: { accept: 'application/json' },
            credentials: 'same-origin',
          });
        const res = this.locks ? await this.locks.request(REFRESH_LOCK, send) : await send();
        if (!res.ok) {
          this.setSession(null, null);
          return null;
        }
        const session = (await res.json()) as { access_token: string; user: SessionUser };
        this.setSession(session.access_token, session.user);
        return session.user;
      } catch {
        this.setSession(null, null);
        return null;
      } finally {
        this.refreshing = null;
      }
    })();
    return this.refreshing;
  }

  async login(email: string, password: string): Promise<SessionUser> {
    const session = await this.request('post', '/api/users/login', { body: { email, password } });
    this.setSession(session.access_token, session.user);
    return session.user;
  }

  /** Creates an account; the answer is a session, so the new customer is signed in. */
  async register(input: { email: string; password: string; name: string }): Promise<SessionUser> {
    const session = await this.request('post', '/api/users/register', { body: input });
    this.setSession(session.access_token, session.user);
    return session.user;
  }

  async logout(): Promise<void> {
    try {
      await this.request('post', '/api/users/logout', {});
    } finally {
      this.setSession(null, null);
    }
  }
}

const CART_TOKEN_KEY = 'edgecart.cart_token';

function browserStorage(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null;
  }
}

/** The page's client. */
export const api = new Client({
  storage: browserStorage(),
  locks: typeof navigator !== 'undefined' && 'locks' in navigator ? navigator.locks : null,
});
