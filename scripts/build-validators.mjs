#!/usr/bin/env node
/*
 * Part of `npm run build`: the JSON Schemas of schemas/ compiled ahead into
 * dist/manifest/validators.cjs (Ajv's standalone code), so a command that loads manifests does
 * not load Ajv's compiler and compile five schemas at every start (about 0.1 s). The options are
 * src/manifest/schema.ts's own (AJV_OPTIONS); when the file is missing (tests run from src/),
 * schema.ts compiles at run time, from the same schemas.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import standaloneCode from 'ajv/dist/standalone/index.js';

const { AJV_OPTIONS } = await import('../dist/manifest/schema-options.js');
const { KINDS, SCHEMA_FILES } = await import('../dist/manifest/kinds.js');

const ajv = new Ajv2020({ ...AJV_OPTIONS, code: { source: true } });
const exports = {};
for (const kind of KINDS) {
  const schema = JSON.parse(readFileSync(new URL(`../schemas/${SCHEMA_FILES[kind]}`, import.meta.url), 'utf8'));
  schema.$id = `contiv:${kind}`;
  ajv.addSchema(schema);
  exports[kind] = schema.$id;
}
writeFileSync(new URL('../dist/manifest/validators.cjs', import.meta.url), standaloneCode.default(ajv, exports));
