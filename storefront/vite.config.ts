import { defineConfig } from 'vitest/config';

// The shop's API runs on `edgecart up` (http://127.0.0.1:3000 by default);
// `npm run dev` proxies /api and /media to it so the page and the API share an origin,
// as they do when components/web serves the built files.
const api = process.env.EDGECART_API ?? 'http://127.0.0.1:3000';

export default defineConfig({
  server: {
    proxy: { '/api': api, '/media': api, '/.well-known': api },
  },
  build: {
    target: 'es2022',
    assetsInlineLimit: 0,
    rolldownOptions: {
      // Libraries' "use client" markers mean nothing in a client-only bundle.
      onLog(level, log, handler) {
        if (log.code === 'MODULE_LEVEL_DIRECTIVE') return;
        handler(level, log);
      },
      output: {
        // components/web treats `name-<8+ alphanumerics>.ext` as immutable.
        hashCharacters: 'base36',
      },
    },
  },
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
  },
});
