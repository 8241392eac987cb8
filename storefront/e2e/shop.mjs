// Starts the real shop for the end-to-end tests: the `edgecart` binary on a
// free port, over the repository's spin.toml (components from
// target/wasm32-wasip2/release, the storefront from storefront/dist), with a
// fresh data directory, the demo catalog and a known admin account.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const repo = resolve(import.meta.dirname, '../..');
export const target = resolve(repo, process.env.CARGO_TARGET_DIR ?? 'target');

export const ADMIN = { email: 'admin@shop.test', password: 'correct horse battery staple' };

/**
 * @param {string} dir
 * @returns {Promise<string>} the manifest to run: the repository's own, or a copy
 *   pointing at $CARGO_TARGET_DIR's components when that is elsewhere
 */
async function manifest(dir) {
  const own = join(repo, 'spin.toml');
  const wasm = join(target, 'wasm32-wasip2/release');
  if (wasm === join(repo, 'target/wasm32-wasip2/release')) return own;
  const text = (await readFile(own, 'utf8'))
    .replaceAll('source = "target/wasm32-wasip2/release/', `source = "${wasm}/`)
    .replaceAll('source = "storefront/dist"', `source = "${join(repo, 'storefront/dist')}"`);
  const copy = join(dir, 'spin.toml');
  await writeFile(copy, text);
  return copy;
}

/**
 * @returns {Promise<{ url: string, output: () => string, stop: () => Promise<void> }>}
 */
export async function startShop() {
  const binary = join(target, 'debug/edgecart');
  if (!existsSync(binary)) throw new Error(`${binary} is missing: build it with cargo build -p edgecart`);
  if (!existsSync(join(repo, 'storefront/dist/index.html'))) throw new Error('storefront/dist is missing: run scripts/storefront.sh build');
  const dir = await mkdtemp(join(tmpdir(), 'edgecart-e2e-'));
  const from = await manifest(dir);
  const child = spawn(binary, ['up', '--from', from, '--listen', '127.0.0.1:0', '--data-dir', join(dir, 'data')], {
    cwd: repo,
    env: {
      ...process.env,
      SPIN_VARIABLE_ADMIN_EMAIL: ADMIN.email,
      SPIN_VARIABLE_ADMIN_PASSWORD: ADMIN.password,
      RUST_LOG: process.env.RUST_LOG ?? 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (d) => (out += d));
  const url = await /** @type {Promise<string>} */ (
    new Promise((ok, fail) => {
      let seen = '';
      let address = '';
      const timer = setTimeout(() => fail(new Error(`edgecart did not start and load the demo data within 180 s:\n${out}`)), 180_000);
      child.on('exit', (code) => fail(new Error(`edgecart exited (${code}):\n${out}`)));
      child.stdout.on('data', (d) => {
        seen += d;
        out += d;
        address ||= /^Serving (http:\/\/\S+)$/m.exec(seen)?.[1] ?? '';
        // The demo catalog loads through the API after the listener is up.
        if (address && seen.includes('Demo data loaded')) {
          clearTimeout(timer);
          ok(address);
        }
      });
    })
  );
  return {
    url,
    output: () => out,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
