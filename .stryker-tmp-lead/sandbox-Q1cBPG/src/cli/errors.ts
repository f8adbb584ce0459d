/**
 * An error the user can fix: printed as its message alone, exit status 1.
 * Anything else that escapes a command is a bug: printed with its stack and a request to report it.
 */
// @ts-nocheck

export class UserError extends Error {
  constructor(message: string, readonly exitCode = 1) {
    super(message);
    this.name = 'UserError';
  }
}
