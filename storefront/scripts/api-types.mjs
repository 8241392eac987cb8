// Generates src/api/schema.d.ts from docs/api/openapi.yaml with openapi-typescript.
// `--check` fails instead of writing when the committed file is out of date, so
// the client's types cannot drift from the API contract.
import openapiTS, { astToString } from 'openapi-typescript';
import { readFile, writeFile } from 'node:fs/promises';

const spec = new URL('../../docs/api/openapi.yaml', import.meta.url);
const out = new URL('../src/api/schema.d.ts', import.meta.url);
const header =
  '// Generated from docs/api/openapi.yaml by scripts/api-types.mjs (npm run api:types).\n// Do not edit: change the OpenAPI document and regenerate.\n\n';

const generated = header + astToString(await openapiTS(spec));
if (process.argv.includes('--check')) {
  const current = await readFile(out, 'utf8').catch(() => '');
  if (current !== generated) {
    console.error('src/api/schema.d.ts is out of date with docs/api/openapi.yaml: run `npm run api:types`');
    process.exit(1);
  }
  console.log('API types match docs/api/openapi.yaml');
} else {
  await writeFile(out, generated);
  console.log('wrote src/api/schema.d.ts');
}
