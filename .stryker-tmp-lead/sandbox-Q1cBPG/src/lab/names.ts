// @ts-nocheck
import { UserError } from '../cli/errors.js';

/** The lab every command uses when `--name` is not given; examples/quickstart points at it. */
export const DEFAULT_LAB_NAME = 'contiv';

/**
 * Lab names: a DNS label of at most 12 characters. The limit comes from interface names
 * (15 characters at most): the lab's only interface in the root namespace is `cv-<lab>`.
 */
const LAB_NAME = /^[a-z]([a-z0-9-]{0,10}[a-z0-9])?$/;
/** Container names: a DNS label (they name a network namespace file on the host). */
const CONTAINER_NAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
/** Host names of a lab: h1 … hN. */
const HOST_NAME = /^h([1-9][0-9]{0,3})$/;

export function checkLabName(name: string): string {
  if (!LAB_NAME.test(name)) {
    throw new UserError(
      `invalid lab name ${JSON.stringify(name)}: use 1 to 12 lowercase letters, digits or '-', ` +
        `starting with a letter and not ending with '-' (it becomes part of interface names, ` +
        `which are limited to 15 characters)`,
    );
  }
  return name;
}

export function checkContainerName(name: string): string {
  if (!CONTAINER_NAME.test(name)) {
    throw new UserError(
      `invalid container name ${JSON.stringify(name)}: use a DNS label (1 to 63 lowercase ` +
        `letters, digits or '-', not starting or ending with '-')`,
    );
  }
  if (HOST_NAME.test(name)) {
    throw new UserError(`invalid container name ${JSON.stringify(name)}: h<number> names are the lab's hosts`);
  }
  return name;
}

/** The index N of a host name hN, or undefined when the name is not of that form. */
export function hostIndex(name: string): number | undefined {
  const m = HOST_NAME.exec(name);
  return m ? Number(m[1]) : undefined;
}

export function hostName(index: number): string {
  return `h${index}`;
}
