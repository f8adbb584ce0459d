/** Version of every JSON document contiv prints; bumped on any incompatible change. */
// @ts-nocheck

export const FORMAT_VERSION = '1.0';

export function toJson(kind: string, body: Record<string, unknown>): string {
  return JSON.stringify({ format_version: FORMAT_VERSION, kind, ...body }, null, 2);
}
