import { describe, expect, it } from 'vitest';
import { ApiError, Client, fillPath, queryString } from './client';

interface Call {
  url: string;
  init: RequestInit;
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(body === undefined ? null : JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
}

/** A fetch that answers from a list of handlers, in order, and records every call. */
function fakeFetch(...answers: ((call: Call) => Response | Promise<Response>)[]) {
  const calls: Call[] = [];
  const fetch = (input: string, init: RequestInit = {}) => {
    const call = { url: input, init };
    calls.push(call);
    const answer = answers.shift();
    if (!answer) throw new Error(`unexpected request ${call.url}`);
    return Promise.resolve(answer(call));
  };
  return { calls, fetch: fetch as unknown as typeof globalThis.fetch };
}

function memoryStorage() {
  const data = new Map<string, string>();
  return {
    data,
    getItem: (k: string) => data.get(k) ?? null,
    setItem: (k: string, v: string) => void data.set(k, v),
    removeItem: (k: string) => void data.delete(k),
  };
}

const header = (call: Call | undefined, name: string) => (call?.init.headers as Record<string, string> | undefined)?.[name];

const user = { id: 7, email: 'ann@example.com', name: 'Ann', phone: '', role: 'customer' as const, created_at: 1 };

describe('paths and queries', () => {
  it('fills path parameters, encoded', () => {
    expect(fillPath('/api/catalog/products/{idOrSlug}', { idOrSlug: 'blue shirt/1' })).toBe('/api/catalog/products/blue%20shirt%2F1');
    expect(() => fillPath('/api/orders/{id}', {})).toThrow(/missing path parameter id/);
  });

  it('repeats array values and leaves out empty ones', () => {
    expect(queryString({ q: 'tee', tag: ['new', 'sale'], in_stock: true, min_price: 0, cursor: undefined, category: '' })).toBe(
      '?q=tee&tag=new&tag=sale&in_stock=true&min_price=0',
    );
    expect(queryString({ 'option.size': 'M' })).toBe('?option.size=M');
    expect(queryString(undefined)).toBe('');
  });
});

describe('requests', () => {
  it('sends JSON bodies and returns the typed answer', async () => {
    const f = fakeFetch(() => json(201, { access_token: 'tok-1', token_type: 'Bearer', expires_in: 900, user }));
    const client = new Client({ fetch: f.fetch });
    const created = await client.request('post', '/api/users/register', { body: { email: 'ann@example.com', password: 'a long enough one' } });
    expect(created.user.email).toBe('ann@example.com');
    expect(f.calls[0]?.url).toBe('/api/users/register');
    expect(f.calls[0]?.init.method).toBe('POST');
    expect(header(f.calls[0], 'content-type')).toBe('application/json');
    expect(JSON.parse(f.calls[0]?.init.body as string)).toEqual({ email: 'ann@example.com', password: 'a long enough one' });
  });

  it('sends multipart uploads with the browser’s content type', async () => {
    const uploaded = {
      id: 'a'.repeat(32),
      width: 2,
      height: 1,
      content_type: 'image/png',
      bytes: 70,
      urls: { original: '/o.png', medium: '/m.png', thumb: '/t.png' },
    };
    const f = fakeFetch(() => json(201, uploaded));
    const client = new Client({ fetch: f.fetch });
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array([137, 80, 78, 71])], { type: 'image/png' }), 'lamp.png');
    await expect(client.request('post', '/media/images', { form })).resolves.toEqual(uploaded);
    expect(f.calls[0]?.init.body).toBe(form);
    expect(header(f.calls[0], 'content-type')).toBeUndefined();
  });

  it('answers undefined for 204', async () => {
    const f = fakeFetch(() => new Response(null, { status: 204 }));
    const client = new Client({ fetch: f.fetch });
    await expect(client.request('delete', '/api/users/me/addresses/{id}', { path: { id: 3 } })).resolves.toBeUndefined();
    expect(f.calls[0]?.url).toBe('/api/users/me/addresses/3');
  });

  it('reads the error envelope, with field errors', async () => {
    const f = fakeFetch(() =>
      json(422, {
        error: { code: 'validation_failed', message: 'some fields are invalid: see details', details: { fields: { email: 'is not an email address' } } },
      }),
    );
    const client = new Client({ fetch: f.fetch });
    const error = await client.request('post', '/api/users/register', { body: { email: 'x', password: 'y' } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 422, code: 'validation_failed', fields: { email: 'is not an email address' } });
  });

  it('turns a body that is not the envelope into a generic error', async () => {
    const f = fakeFetch(() => new Response('<html>bad gateway</html>', { status: 502 }));
    const client = new Client({ fetch: f.fetch });
    await expect(client.request('get', '/api/catalog/categories')).rejects.toMatchObject({ status: 502, code: 'server_error' });
  });

  it('keeps a new guest cart token and sends it on cart calls only', async () => {
    const storage = memoryStorage();
    const emptyCart = { lines: [], item_count: 1 };
    const f = fakeFetch(
      () => json(201, emptyCart, { 'x-cart-token': 'guest-123' }),
      () => json(200, emptyCart),
      () => json(200, { items: [] }),
    );
    const client = new Client({ fetch: f.fetch, storage });
    await client.request('post', '/api/cart/items', { body: { variant_id: 1, quantity: 1 } });
    expect(storage.data.get('edgecart.cart_token')).toBe('guest-123');
    await client.request('get', '/api/cart', { query: { country: 'DE' } });
    expect(f.calls[1]?.url).toBe('/api/cart?country=DE');
    expect(header(f.calls[1], 'x-cart-token')).toBe('guest-123');
    await client.request('get', '/api/catalog/categories');
    expect(header(f.calls[2], 'x-cart-token')).toBeUndefined();
    expect(new Client({ fetch: f.fetch, storage }).cartToken).toBe('guest-123');
  });
});

describe('sessions', () => {
  it('signs in, sends the bearer token, and keeps it only in memory', async () => {
    const storage = memoryStorage();
    const f = fakeFetch(
      () => json(200, { access_token: 'tok-1', token_type: 'Bearer', expires_in: 900, user }),
      () => json(200, { ...user, addresses: [] }),
    );
    const client = new Client({ fetch: f.fetch, storage });
    const seen: unknown[] = [];
    client.onSessionChange((u) => seen.push(u?.id ?? null));
    await client.login('ann@example.com', 'secret secret');
    await client.request('get', '/api/users/me');
    expect(header(f.calls[1], 'authorization')).toBe('Bearer tok-1');
    expect(f.calls[0]?.init.credentials).toBe('same-origin');
    expect(seen).toEqual([7]);
    expect([...storage.data.values()].join()).not.toContain('tok-1');
  });

  it('registers and is signed in by the answer, without a second request', async () => {
    const f = fakeFetch(
      () => json(201, { access_token: 'tok-1', token_type: 'Bearer', expires_in: 900, user }),
      () => json(200, { ...user, addresses: [] }),
    );
    const client = new Client({ fetch: f.fetch });
    await expect(client.register({ email: 'ann@example.com', password: 'a long enough one', name: 'Ann' })).resolves.toEqual(user);
    expect(client.signedIn).toBe(true);
    await client.request('get', '/api/users/me');
    expect(f.calls.map((c) => c.url)).toEqual(['/api/users/register', '/api/users/me']);
    expect(header(f.calls[1], 'authorization')).toBe('Bearer tok-1');
  });

  it('refreshes an expired access token once and retries the request', async () => {
    const f = fakeFetch(
      () => json(200, { access_token: 'old', token_type: 'Bearer', expires_in: 900, user }),
      () => json(401, { error: { code: 'token_expired', message: 'the token has expired' } }),
      () => json(200, { access_token: 'new', token_type: 'Bearer', expires_in: 900, user }),
      () => json(200, { items: [], next_cursor: null }),
    );
    const client = new Client({ fetch: f.fetch });
    await client.login('ann@example.com', 'secret secret');
    await expect(client.request('get', '/api/orders')).resolves.toEqual({ items: [], next_cursor: null });
    expect(f.calls.map((c) => c.url)).toEqual(['/api/users/login', '/api/orders', '/api/users/refresh', '/api/orders']);
    expect(header(f.calls[3], 'authorization')).toBe('Bearer new');
  });

  it('uses the refresh token once for concurrent refreshes', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const f = fakeFetch(async () => {
      await gate;
      return json(200, { access_token: 'tok', token_type: 'Bearer', expires_in: 900, user });
    });
    const client = new Client({ fetch: f.fetch });
    const a = client.refreshSession();
    const b = client.refreshSession();
    release();
    await expect(Promise.all([a, b])).resolves.toEqual([user, user]);
    expect(f.calls).toHaveLength(1);
    expect(client.signedIn).toBe(true);
  });

  it('takes turns with other tabs through a lock when refreshing', async () => {
    const held: string[] = [];
    const locks = {
      request: async <T>(name: string, callback: () => Promise<T>) => {
        held.push(name);
        return callback();
      },
    };
    const f = fakeFetch(() => json(200, { access_token: 'tok', token_type: 'Bearer', expires_in: 900, user }));
    const client = new Client({ fetch: f.fetch, locks });
    await expect(client.refreshSession()).resolves.toEqual(user);
    expect(held).toEqual(['edgecart.refresh']);
  });

  it('is signed out when the refresh cookie is missing or spent', async () => {
    const f = fakeFetch(() => json(401, { error: { code: 'unauthorized', message: 'no refresh token was sent: sign in again' } }));
    const client = new Client({ fetch: f.fetch });
    await expect(client.refreshSession()).resolves.toBeNull();
    expect(client.signedIn).toBe(false);
    expect(f.calls[0]?.init.method).toBe('POST');
  });

  it('signs out even when the logout call fails', async () => {
    const f = fakeFetch(
      () => json(200, { access_token: 'tok', token_type: 'Bearer', expires_in: 900, user }),
      () => Promise.reject(new TypeError('network down')),
    );
    const client = new Client({ fetch: f.fetch });
    await client.login('ann@example.com', 'secret secret');
    await expect(client.logout()).rejects.toThrow('network down');
    expect(client.signedIn).toBe(false);
    expect(client.currentUser).toBeNull();
  });
});
