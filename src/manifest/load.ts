import { error, hasErrors, sortDiagnostics, type Diagnostic } from '../diagnostics/diagnostic.js';
import type { Model, Tenant } from '../model/types.js';
import { DEFAULT_TENANT } from '../model/types.js';
import { API_VERSION, isKind, KINDS, type Kind } from './kinds.js';
import { locate } from './locate.js';
import { normalizeFabric, normalizeGroup, normalizeNetwork, normalizePolicy, normalizeTenant } from './normalize.js';
import { parseYamlFiles, type ParsedDocument } from './parse-yaml.js';
import { checkPolicyDocument, SEMANTIC_RULES } from './rules/index.js';
import { objectKey, type RuleContext } from './rules/context.js';
import { checkSchema } from './schema.js';
import type { SourceFile } from './source-file.js';
import { closest } from './suggest.js';

export interface LoadInput {
  /** The manifest set (working tree or a Git commit). */
  files: readonly SourceFile[];
  /** `--fabric FILE`: this Fabric replaces any Fabric in `files`. */
  fabricFile?: SourceFile;
  /** The user's home directory, for `~` in Fabric paths. */
  home: string;
  /**
   * The Fabric comes from the manifest set, which a pull request may have written: its key and
   * known_hosts files must lie in ~/.ssh or ~/.contiv (rule fabricPathsConfined). Not set when
   * the Fabric comes from --fabric or --fabric-ref, which the operator chose.
   */
  confineFabricPaths?: boolean;
}

export interface LoadResult {
  /** Present only when there is no error. */
  model?: Model;
  diagnostics: Diagnostic[];
}

/**
 * Manifest files → Model. Pure: every input is a parameter. All problems are collected (YAML,
 * schema, semantic) and returned sorted; the model is returned only when there is none.
 */
export function loadManifests(input: LoadInput): LoadResult {
  const diagnostics: Diagnostic[] = [];
  const parsedSet = parseYamlFiles(input.files);
  diagnostics.push(...parsedSet.diagnostics);
  let documents: Array<ParsedDocument & { fromFabricFile?: true }> = parsedSet.documents;
  // Where the Fabric must come from: --fabric when given, else the set. A Fabric lost to a YAML,
  // envelope or schema error there was reported already, so it is not also called missing.
  let fabricLost = parsedSet.diagnostics.length > 0;
  if (input.fabricFile) {
    const parsedFabric = parseYamlFiles([input.fabricFile]);
    diagnostics.push(...parsedFabric.diagnostics);
    fabricLost = parsedFabric.diagnostics.length > 0;
    // The Fabric of the set is replaced, not merged: --fabric points the same manifests at other hosts.
    documents = [...documents.filter((d) => kindOf(d) !== 'Fabric'), ...parsedFabric.documents.map((d) => ({ ...d, fromFabricFile: true as const }))];
  }
  const fabricSource = (parsed: { fromFabricFile?: true }) => (parsed.fromFabricFile === true) === (input.fabricFile !== undefined);

  const ctx: RuleContext = { fabrics: [], tenants: [], networks: [], groups: [], policies: [], broken: new Set(), expectFabric: true };
  if (input.fabricFile) ctx.fabricFile = input.fabricFile.path;
  if (input.confineFabricPaths) ctx.confineTo = [`${input.home}/.ssh`, `${input.home}/.contiv`];
  for (const parsed of documents) {
    const kind = checkEnvelope(parsed, diagnostics);
    if (!kind) {
      if (fabricSource(parsed)) fabricLost = true;
      continue;
    }
    if (parsed.fromFabricFile && kind !== 'Fabric') {
      diagnostics.push(error('fabric-file-kind', `--fabric file holds a ${kind}; it may hold only the Fabric`, locate(parsed, ['kind'])));
      fabricLost = true;
      continue;
    }
    const schemaProblems = checkSchema(parsed, kind);
    if (schemaProblems.length > 0) {
      diagnostics.push(...schemaProblems);
      ctx.broken.add(brokenKey(parsed, kind));
      if (kind === 'Fabric') fabricLost = true;
      continue;
    }
    switch (kind) {
      case 'Fabric':
        ctx.fabrics.push(normalizeFabric(parsed, input.home));
        break;
      case 'Tenant':
        ctx.tenants.push(normalizeTenant(parsed));
        break;
      case 'Network':
        ctx.networks.push(normalizeNetwork(parsed));
        break;
      case 'EndpointGroup':
        ctx.groups.push(normalizeGroup(parsed));
        break;
      case 'Policy':
        diagnostics.push(...checkPolicyDocument(parsed));
        ctx.policies.push(normalizePolicy(parsed));
        break;
      default:
        assertNever(kind);
    }
  }
  if (!ctx.tenants.some((t) => t.name === DEFAULT_TENANT)) ctx.tenants.unshift(implicitDefaultTenant());
  ctx.expectFabric = !fabricLost;

  for (const rule of SEMANTIC_RULES) diagnostics.push(...rule(ctx));

  const sorted = sortDiagnostics(diagnostics);
  if (hasErrors(sorted)) return { diagnostics: sorted };
  return {
    model: { fabric: ctx.fabrics[0]!, tenants: ctx.tenants, networks: ctx.networks, groups: ctx.groups, policies: ctx.policies },
    diagnostics: sorted,
  };
}

function kindOf(parsed: ParsedDocument): unknown {
  const v = parsed.value;
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as { kind?: unknown }).kind : undefined;
}

/** A document is a mapping with a known `kind` and our apiVersion; otherwise nothing else is checked. */
function checkEnvelope(parsed: ParsedDocument, diagnostics: Diagnostic[]): Kind | undefined {
  const v = parsed.value;
  if (v === null || typeof v !== 'object' || Array.isArray(v)) {
    diagnostics.push(error('document-not-mapping', 'a manifest document must be a mapping with apiVersion, kind, metadata and spec', locate(parsed, [])));
    return undefined;
  }
  const { kind, apiVersion } = v as { kind?: unknown; apiVersion?: unknown };
  if (kind === undefined) {
    diagnostics.push(error('kind-missing', `document has no "kind" (one of ${KINDS.join(', ')})`, locate(parsed, [])));
    return undefined;
  }
  if (!isKind(kind)) {
    const guess = typeof kind === 'string' ? closest(kind, KINDS) : undefined;
    diagnostics.push(error('kind-unknown', `unknown kind ${JSON.stringify(kind)}; the kinds are ${KINDS.join(', ')}`, locate(parsed, ['kind']), guess ? `did you mean "${guess}"?` : undefined));
    return undefined;
  }
  if (apiVersion !== API_VERSION) {
    diagnostics.push(
      error('api-version', apiVersion === undefined ? `document has no apiVersion (expected ${API_VERSION})` : `apiVersion ${JSON.stringify(apiVersion)} is not supported (expected ${API_VERSION})`, locate(parsed, apiVersion === undefined ? [] : ['apiVersion'])),
    );
    return undefined;
  }
  return kind;
}

function brokenKey(parsed: ParsedDocument, kind: Kind): string {
  const meta = (parsed.value as { metadata?: { name?: unknown; tenant?: unknown } }).metadata;
  const name = typeof meta?.name === 'string' ? meta.name : '?';
  const tenant = kind === 'Tenant' || kind === 'Fabric' ? '' : typeof meta?.tenant === 'string' ? meta.tenant : DEFAULT_TENANT;
  return objectKey(kind, tenant, name);
}

function implicitDefaultTenant(): Tenant {
  return { name: DEFAULT_TENANT, description: 'The default tenant', implicit: true, source: { file: '', line: 0, col: 0 }, at: {} };
}

function assertNever(x: never): never {
  throw new Error(`unhandled kind ${String(x)}`);
}
