import { PLAN_FORMAT_VERSION, type Plan } from './types.js';

/** A saved plan, as JSON. */
export function serializePlan(plan: Plan): string {
  return `${JSON.stringify(plan, null, 2)}\n`;
}

/** Reads a saved plan back; a file that is not one gives a message saying why. */
export function parsePlan(text: string): { plan?: Plan; problem?: string } {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return { problem: 'not a contiv plan (not JSON)' };
  }
  const p = data as Partial<Plan>;
  if (typeof p !== 'object' || p === null || !Array.isArray(p.hosts) || !Array.isArray(p.connections)) return { problem: 'not a contiv plan' };
  if (p.format_version !== PLAN_FORMAT_VERSION) return { problem: `plan format ${String(p.format_version)} is not supported (this contiv writes ${PLAN_FORMAT_VERSION}); make a new plan` };
  return { plan: p as Plan };
}
