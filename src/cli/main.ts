import { Command, CommanderError } from 'commander';
import { UserError } from './errors.js';

type Register = (program: Command, setStatus: (code: number) => void) => void;

/**
 * Each command's module, loaded only when that command runs (or for the full help): `contiv
 * attach` never loads ink, the JSON Schemas' compiler or the plan renderer.
 */
const COMMANDS: ReadonlyArray<[names: string[], load: () => Promise<Register>]> = [
  [['validate'], async () => (await import('./commands/validate.js')).registerValidate],
  [['plan'], async () => (await import('./commands/plan.js')).registerPlan],
  [['apply'], async () => (await import('./commands/apply.js')).registerApply],
  [['show'], async () => (await import('./commands/show.js')).registerShow],
  [['attach', 'detach'], async () => (await import('./commands/endpoint.js')).registerEndpointCommands],
  [['verify'], async () => (await import('./commands/verify.js')).registerVerify],
  [['lab'], async () => (await import('./commands/lab.js')).registerLab],
  [['force-unlock'], async () => (await import('./commands/force-unlock.js')).registerForceUnlock],
];

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

  const named = COMMANDS.find(([names]) => names.includes(argv[2] ?? ''));
  for (const [, load] of named ? [named] : COMMANDS) (await load())(program, setStatus);

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
