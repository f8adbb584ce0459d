import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { KINDS, SCHEMA_FILES } from '../../../src/manifest/kinds.js';
import { loadManifests } from '../../../src/manifest/load.js';
import { readManifestDir } from '../../../src/manifest/read-sources.js';

/*
 * The JSON Schemas are user-facing (editors show their descriptions on hover through the
 * yaml-language-server modeline), so every field is described and no object accepts unknown
 * fields. And every example validates: users copy them.
 */

type Schema = Record<string, unknown>;

const SCHEMA_DIR = 'schemas';
const schemaFiles = readdirSync(SCHEMA_DIR).filter((f) => f.endsWith('.schema.json')).sort();

/**
 * Every sub-schema of `schema` that describes a field or a list item, with its JSON pointer:
 * property values, `items`, an `additionalProperties` schema and `$defs` entries. anyOf/oneOf
 * branches are alternatives of one described field, so they are walked but need no text of their own.
 */
function fieldSchemas(schema: Schema, pointer = ''): Array<{ pointer: string; schema: Schema; describedField: boolean }> {
  const out: Array<{ pointer: string; schema: Schema; describedField: boolean }> = [];
  const visit = (node: unknown, at: string, describedField: boolean): void => {
    if (node === null || typeof node !== 'object' || Array.isArray(node)) return;
    const s = node as Schema;
    out.push({ pointer: at, schema: s, describedField });
    for (const [name, sub] of Object.entries((s['properties'] as Schema | undefined) ?? {})) visit(sub, `${at}/properties/${name}`, true);
    for (const [name, sub] of Object.entries((s['$defs'] as Schema | undefined) ?? {})) visit(sub, `${at}/$defs/${name}`, true);
    if (s['items'] !== undefined) visit(s['items'], `${at}/items`, true);
    if (typeof s['additionalProperties'] === 'object') visit(s['additionalProperties'], `${at}/additionalProperties`, true);
    if (typeof s['propertyNames'] === 'object') visit(s['propertyNames'], `${at}/propertyNames`, false);
    for (const keyword of ['anyOf', 'oneOf', 'allOf'] as const) {
      const branches = s[keyword];
      if (Array.isArray(branches)) branches.forEach((b, i) => visit(b, `${at}/${keyword}/${i}`, false));
    }
  };
  visit(schema, pointer, true);
  return out;
}

function isObjectSchema(s: Schema): boolean {
  return s['type'] === 'object' || s['properties'] !== undefined;
}

describe('schemas/*.schema.json', () => {
  it('has one schema per kind', () => {
    expect(schemaFiles).toEqual(Object.values(SCHEMA_FILES).sort());
    expect(KINDS.length).toBe(schemaFiles.length);
  });

  for (const file of schemaFiles) {
    const schema = JSON.parse(readFileSync(join(SCHEMA_DIR, file), 'utf8')) as Schema;
    const nodes = fieldSchemas(schema);

    describe(file, () => {
      it('is a draft 2020-12 schema with a title and a description', () => {
        expect(schema['$schema']).toBe('https://json-schema.org/draft/2020-12/schema');
        expect(typeof schema['title']).toBe('string');
        expect(typeof schema['description']).toBe('string');
      });

      it('describes every property, list item and definition', () => {
        const undescribed = nodes
          .filter((n) => n.describedField)
          .filter((n) => typeof n.schema['description'] !== 'string' || (n.schema['description'] as string).trim() === '')
          .map((n) => n.pointer || '(root)');
        expect(undescribed).toEqual([]);
      });

      it('closes every object: additionalProperties false, or a map with constrained keys and values', () => {
        const open = nodes
          .filter((n) => isObjectSchema(n.schema))
          .filter((n) => {
            const s = n.schema;
            if (s['additionalProperties'] === false) return false;
            // A map (host labels): no fixed properties, keys and values both constrained.
            const isMap = s['properties'] === undefined && typeof s['propertyNames'] === 'object' && typeof s['additionalProperties'] === 'object';
            return !isMap;
          })
          .map((n) => n.pointer || '(root)');
        expect(open).toEqual([]);
      });

      it('requires apiVersion, kind and metadata.name, and pins apiVersion and kind', () => {
        const props = schema['properties'] as Record<string, Schema>;
        expect(schema['required']).toEqual(expect.arrayContaining(['apiVersion', 'kind', 'metadata']));
        expect(props['apiVersion']?.['const']).toBe('contiv.io/v1');
        expect(KINDS as readonly unknown[]).toContain(props['kind']?.['const']);
        expect(SCHEMA_FILES[props['kind']?.['const'] as (typeof KINDS)[number]]).toBe(file);
        expect(props['metadata']?.['required']).toEqual(['name']);
      });

      it('uses the DNS-label pattern (at most 63 characters) for every name', () => {
        const label = '^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$';
        const names = nodes.filter((n) => /\/(name|tenant|network|group)$/.test(n.pointer) || /\/policies\/items$/.test(n.pointer) || n.pointer.endsWith('/$defs/name'));
        expect(names.length).toBeGreaterThan(0);
        for (const n of names) {
          const pattern = n.schema['pattern'] ?? (n.schema['$ref'] === '#/$defs/name' ? label : undefined);
          expect({ at: n.pointer, pattern }).toEqual({ at: n.pointer, pattern: label });
        }
        const re = new RegExp(label);
        expect(re.test('a'.repeat(63))).toBe(true);
        expect(re.test('a'.repeat(64))).toBe(false);
      });
    });
  }
});

describe('examples/', () => {
  const examples = readdirSync('examples')
    // examples/ci holds CI pipelines, not manifests (test/unit/cli/ci-examples.test.ts).
    .filter((name) => statSync(join('examples', name)).isDirectory() && name !== 'ci')
    .sort();

  it('has the examples', () => {
    expect(examples).toEqual(expect.arrayContaining(['quickstart', 'multi-tenant']));
  });

  for (const name of examples) {
    const dir = join('examples', name);

    it(`${name} validates with no diagnostic`, async () => {
      const files = await readManifestDir(dir);
      expect(files.length).toBeGreaterThan(0);
      const result = loadManifests({ files, home: '/home/user' });
      expect(result.diagnostics).toEqual([]);
      expect(result.model?.networks.length).toBeGreaterThan(0);
    });

    it(`${name}: every file starts with the yaml-language-server modeline of its kind's schema`, async () => {
      for (const file of await readManifestDir(dir)) {
        const first = file.text.split('\n')[0] ?? '';
        const match = /^# yaml-language-server: \$schema=\.\.\/\.\.\/schemas\/([a-z]+\.schema\.json)$/.exec(first);
        expect(match, `${file.path}: first line ${JSON.stringify(first)}`).not.toBeNull();
        const kinds = new Set(parseAllDocuments(file.text).flatMap((d) => (Array.isArray(d) ? [] : [(d.toJS() as { kind?: string } | null)?.kind])));
        for (const kind of kinds) {
          if (kind === undefined) continue;
          expect(`${file.path}: ${SCHEMA_FILES[kind as (typeof KINDS)[number]]}`).toBe(`${file.path}: ${match![1]}`);
        }
      }
    });
  }
});
