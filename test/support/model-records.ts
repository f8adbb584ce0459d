import { encodeModel, expandModel, isModelChunk } from '../../src/compile/model-blob.js';
import { RECORD_KINDS } from '../../src/compile/records.js';

const MODEL_KEY = new RegExp(`^contiv\\.(${RECORD_KINDS.join('|')})(\\.|$)`);

/** Whether an external_ids key is one of the records contiv keeps in the model's chunks. */
export function isModelKey(key: string): boolean {
  return MODEL_KEY.test(key);
}

/**
 * Edits the records held in a bridge's model chunks, as a hand (or an older contiv) would see
 * them one key each, and writes them back as chunks.
 */
export function editModel(externalIds: Record<string, string>, edit: (records: Record<string, string>) => void): void {
  const expanded = expandModel(externalIds);
  const records = Object.fromEntries(Object.entries(expanded).filter(([k]) => isModelKey(k)));
  edit(records);
  for (const k of Object.keys(externalIds)) if (isModelChunk(k) || isModelKey(k)) delete externalIds[k];
  Object.assign(externalIds, encodeModel(records));
}
