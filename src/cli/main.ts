import { Command, CommanderError } from 'commander';
import { UserError } from './errors.js';
import { registerValidate } from './commands/validate.js';
import { registerLab } from './commands/lab.js';
import { registerShow } from './commands/show.js';
import { registerPlan } from './commands/plan.js';
import { registerApply } from './commands/apply.js';
import { registerEndpointCommands } from './commands/endpoint.js';
import { registerVerify } from './commands/verify.js';

/** Runs the command line and resolves to the process exit status; never calls process.exit. */
export async function main(argv: string[]): Promise<number> {
  let status = 0;
  const setStatus = (code: number): void => {
    status = code;
  };
  const program = new Command()
    .name('contiv')
    .description('Declarative GitOps reconciler for container-host networking.')
    .version(VERSION)
    .showHelpAfterError()
    .exitOverride();

  registerValidate(program, setStatus);
  registerPlan(program, setStatus);
  registerApply(program, setStatus);
  registerShow(program, setStatus);
  registerEndpointCommands(program, setStatus);
  registerVerify(program, setStatus);
  registerLab(program, setStatus);

  try {
    await program.parseAsync(argv);
    return status;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end here with exit code 0; usage errors were already printed.
      return err.exitCode === 0 ? 0 : 1;
    }
    if (err instanceof UserError) {
      process.stderr.write(`Error: ${err.message}\n`);
      return err.exitCode;
    }
    const stack = err instanceof Error ? (err.stack ?? err.message) : String(err);
    process.stderr.write(`Internal error (a bug in contiv; please report it with this output):\n${stack}\n`);
    return 1;
  }
}

const VERSION = '0.1.0';
