import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import { error, type Diagnostic } from '../diagnostics/diagnostic.js';
import { KINDS, SCHEMA_FILES, type Kind } from './kinds.js';
import { locate, type DataPath } from './locate.js';
import type { ParsedDocument } from './parse-yaml.js';
import { closest } from './suggest.js';
import { AJV_OPTIONS } from './schema-options.js';

const SCHEMA_DIR = fileURLToPath(new URL('../../schemas/', import.meta.url));

let validators: Map<Kind, ValidateFunction> | undefined;

/**
 * The schemas of schemas/, compiled ahead by the build (dist/manifest/validators.cjs), else
 * compiled here once per process (tests run from src/, where there is no build).
 */
function getValidators(): Map<Kind, ValidateFunction> {
  if (validators) return validators;
  const require = createRequire(import.meta.url);
  const built = fileURLToPath(new URL('./validators.cjs', import.meta.url));
  if (existsSync(built)) {
    const compiled = require(built) as Record<Kind, ValidateFunction>;
    validators = new Map(KINDS.map((kind) => [kind, compiled[kind]]));
    return validators;
  }
  const { Ajv2020 } = require('ajv/dist/2020.js') as typeof import('ajv/dist/2020.js');
  const ajv = new Ajv2020(AJV_OPTIONS);
  validators = new Map(
    KINDS.map((kind) => {
      const schema = JSON.parse(readFileSync(SCHEMA_DIR + SCHEMA_FILES[kind], 'utf8')) as object;
      return [kind, ajv.compile(schema)];
    }),
  );
  return validators;
}

/** Friendly names for the patterns the schemas share. */
const PATTERN_MEANINGS: Array<[RegExp, string]> = [
  [/^\^\[a-z0-9\]\(\[-a-z0-9\]\{0,61\}/, "a DNS label: lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters"],
  [/\/\(\[0-9\]\|\[12\]\[0-9\]\|3\[0-2\]\)\$$/, 'an IPv4 CIDR such as 10.1.2.0/24'],
  [/\)-\(\(25\[0-5\]/, 'an IPv4 address range FIRST-LAST such as 10.1.2.100-10.1.2.150'],
  [/^\^\(\(25\[0-5\]/, 'an IPv4 address such as 10.1.2.1'],
];

/** Checks a document against its kind's schema; every problem becomes a diagnostic at the offending value. */
export function checkSchema(parsed: ParsedDocument, kind: Kind): Diagnostic[] {
  const validate = getValidators().get(kind)!;
  if (validate(parsed.value)) return [];
  return toDiagnostics(parsed, validate.errors ?? []);
}

function toDiagnostics(parsed: ParsedDocument, errors: ErrorObject[]): Diagnostic[] {
  // anyOf reports every failed branch; keep one problem per value, described by the field.
  const anyOfPaths = new Set(errors.filter((e) => e.keyword === 'anyOf').map((e) => e.instancePath));
  const seen = new Set<string>();
  const out: Diagnostic[] = [];
  for (const e of errors) {
    if (e.keyword === 'if') continue;
    // A key failing propertyNames comes with the inner error too (e.g. its pattern, reported
    // as a bad value at the mapping); the propertyNames error alone points at the key.
    if (e.propertyName !== undefined && e.keyword !== 'propertyNames') continue;
    if (e.keyword !== 'anyOf' && anyOfPaths.has(e.instancePath) && e.schemaPath.includes('/anyOf/')) continue;
    const d = toDiagnostic(parsed, e);
    const key = `${d.code}|${d.source?.line}|${d.source?.col}|${d.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(d);
  }
  return out;
}

function toDiagnostic(parsed: ParsedDocument, e: ErrorObject): Diagnostic {
  const path = pointerToPath(e.instancePath);
  const field = path.length > 0 ? path.join('.') : 'document';
  const at = (p: DataPath, key = false) => locate(parsed, p, { key });
  const description = (e.parentSchema as { description?: string } | undefined)?.description;
  switch (e.keyword) {
    case 'required': {
      const missing = (e.params as { missingProperty: string }).missingProperty;
      return error('schema-required', `${field === 'document' ? '' : `${field}: `}missing required field "${missing}"`, at(path, true));
    }
    case 'additionalProperties': {
      const extra = (e.params as { additionalProperty: string }).additionalProperty;
      const allowed = Object.keys((e.parentSchema as { properties?: object }).properties ?? {});
      const guess = closest(extra, allowed);
      return error(
        'schema-unknown-field',
        `unknown field "${extra}"${path.length ? ` in ${field}` : ''}`,
        at([...path, extra], true),
        guess ? `did you mean "${guess}"?` : allowed.length ? `allowed fields: ${allowed.join(', ')}` : undefined,
      );
    }
    case 'const':
      return error('schema-const', `${field} must be ${JSON.stringify((e.params as { allowedValue: unknown }).allowedValue)}`, at(path));
    case 'enum': {
      const allowed = (e.params as { allowedValues: unknown[] }).allowedValues;
      const guess = typeof e.data === 'string' ? closest(e.data, allowed.map(String)) : undefined;
      return error(
        'schema-enum',
        `${field}: ${JSON.stringify(e.data)} is not one of ${allowed.map((v) => JSON.stringify(v)).join(', ')}`,
        at(path),
        guess ? `did you mean ${JSON.stringify(guess)}?` : undefined,
      );
    }
    case 'pattern': {
      const pattern = (e.params as { pattern: string }).pattern;
      const meaning = PATTERN_MEANINGS.find(([re]) => re.test(pattern))?.[1];
      return error('schema-pattern', `${field}: ${JSON.stringify(e.data)} is not ${meaning ?? 'valid'}`, at(path), meaning ? undefined : description);
    }
    case 'type':
      return error('schema-type', `${field} must be ${article((e.params as { type: string | string[] }).type)}, not ${typeName(e.data)}`, at(path));
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return error('schema-range', `${field}: ${String(e.data)} ${e.message ?? 'is out of range'}`, at(path), description);
    case 'minItems':
      return error('schema-min-items', `${field} ${e.message ?? 'has too few items'}`, at(path));
    case 'uniqueItems':
      return error('schema-duplicate-item', `${field} lists the same item twice`, at(path));
    case 'maxLength':
    case 'minLength':
      return error('schema-length', `${field} ${e.message ?? 'has a bad length'}`, at(path));
    case 'propertyNames':
      return error('schema-pattern', `${field}: ${JSON.stringify((e.params as { propertyName: string }).propertyName)} is not a valid key`, at([...path, (e.params as { propertyName: string }).propertyName], true));
    case 'anyOf':
      return error('schema-invalid', `${field}: ${JSON.stringify(e.data)} is not valid`, at(path), description);
    default:
      return error(`schema-${e.keyword}`, `${field} ${e.message ?? 'is invalid'}`, at(path), description);
  }
}

function pointerToPath(pointer: string): Array<string | number> {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

function article(type: string | string[]): string {
  const types = Array.isArray(type) ? type : [type];
  return types.map((t) => (t === 'object' ? 'a mapping' : t === 'array' ? 'a list' : t === 'integer' ? 'an integer' : `a ${t}`)).join(' or ');
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'number') return Number.isInteger(value) ? 'an integer' : 'a number';
  return `a ${typeof value}`;
}
