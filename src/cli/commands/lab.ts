import { type Command, InvalidArgumentError, Option } from 'commander';
import {
  DEFAULT_HOSTS,
  DEFAULT_LAB_NAME,
  DEFAULT_MGMT_SUBNET,
  DEFAULT_UNDERLAY_SUBNET,
  formatStatus,
  labDown,
  labExec,
  labPaths,
  labRun,
  labStatus,
  labUp,
  listLabs,
  checkRoot,
} from '../../lab/index.js';
import { checkLabName } from '../../lab/names.js';
import { tildePath } from '../../lab/paths.js';
import { LAB_IMAGE, LAB_RUNTIMES, type LabRuntime, parseRuntime } from '../../lab/runtimes.js';

/** `contiv lab …`: the local fabric of namespace hosts. */
export function registerLab(program: Command, setStatus: (code: number) => void): void {
  const lab = program
    .command('lab')
    .description('A local fabric of hosts on network namespaces, each with its own sshd and Open vSwitch.')
    .enablePositionalOptions();
  const nameOption = (): Option =>
    new Option('--name <lab>', 'lab name (labs with different names coexist)').default(DEFAULT_LAB_NAME).argParser((v) => {
      try {
        return checkLabName(v);
      } catch (err) {
        throw new InvalidArgumentError((err as Error).message);
      }
    });
  const log = (line: string): void => {
    process.stderr.write(`${line}\n`);
  };

  lab
    .command('up')
    .description('Create the lab (or say it is up; a stale lab is rebuilt).')
    .addOption(nameOption())
    .option('--hosts <n>', 'number of hosts', positiveInt, DEFAULT_HOSTS)
    .option('--mgmt-subnet <cidr>', 'management network (the machine is .1, host hN is .(10+N))', DEFAULT_MGMT_SUBNET)
    .option('--underlay-subnet <cidr>', 'underlay network for VXLAN (host hN\'s VTEP is .(10+N))', DEFAULT_UNDERLAY_SUBNET)
    .option('--parallelism <n>', 'hosts set up at once', positiveInt, 8)
    .addOption(
      new Option('--runtime <name>', `a container runtime in every host, with its own storage (repeatable; valid: ${LAB_RUNTIMES.join(', ')})`)
        .argParser(runtimeList)
        .default([] as LabRuntime[], 'none'),
    )
    .action(async (o: { name: string; hosts: number; mgmtSubnet: string; underlaySubnet: string; parallelism: number; runtime: LabRuntime[] }) => {
      checkRoot();
      const failAt = process.env.CONTIV_LAB_FAIL_AT;
      const res = await labUp(
        {
          name: o.name,
          hosts: o.hosts,
          mgmtSubnet: o.mgmtSubnet,
          underlaySubnet: o.underlaySubnet,
          parallelism: o.parallelism,
          ...(o.runtime.length ? { runtimes: o.runtime } : {}),
          ...(failAt ? { failAt } : {}),
        },
        log,
      );
      const p = labPaths(o.name);
      const first = res.plan.hosts[0]!;
      const nameArg = o.name === DEFAULT_LAB_NAME ? '' : ` --name ${o.name}`;
      if (res.outcome === 'already-up') {
        process.stdout.write(`Lab ${o.name} is already up (${o.hosts} hosts). Fabric: ${tildePath(p.fabric)}\n`);
        return;
      }
      process.stdout.write(
        [
          `Lab ${o.name} is up: ${res.plan.hosts.length} hosts in ${(res.ms / 1000).toFixed(1)} s.`,
          `  Fabric:      ${tildePath(p.fabric)}  (use it with --fabric)`,
          `  SSH:         ssh -i ${tildePath(p.key)} -o UserKnownHostsFile=${tildePath(p.knownHosts)} root@${first.mgmtIp}`,
          `  Containers:  contiv lab run h1 NAME${nameArg}`,
          ...(res.plan.runtimes.includes('podman')
            ? [`  podman:      contiv lab exec${nameArg} h1 -- podman run --rm --network none ${LAB_IMAGE} ip addr`]
            : []),
          ...(res.plan.runtimes.includes('docker')
            ? [`  docker:      contiv lab exec${nameArg} h1 -- docker run --rm --net none ${LAB_IMAGE} ip addr`]
            : []),
          `  Remove:      contiv lab down${nameArg}`,
          '',
        ].join('\n'),
      );
    });

  lab
    .command('down')
    .description('Remove everything the lab made (by its record), also after a failed up.')
    .addOption(nameOption())
    .action(async (o: { name: string }) => {
      checkRoot();
      const res = await labDown(o.name, log);
      if (!res.found) {
        process.stdout.write(`No lab named ${o.name}.\n`);
        return;
      }
      process.stdout.write(
        `Lab ${o.name} removed: ${res.namespaces} namespaces, ${res.links} root links, ${res.processes} processes` +
          `${res.extra.length ? `, ${res.extra.join(', ')}` : ''}.\n`,
      );
      if (res.warnings.length) setStatus(1);
    });

  lab
    .command('status')
    .description('List the hosts and containers of the lab and whether each is healthy.')
    .addOption(nameOption())
    .option('--all', 'every lab on this machine')
    .option('--json', 'print JSON')
    .action(async (o: { name: string; all?: boolean; json?: boolean }) => {
      const names = o.all ? listLabs() : [o.name];
      const out = [];
      for (const n of names) {
        const s = await labStatus(n);
        if (s) out.push(s);
      }
      if (o.json) process.stdout.write(JSON.stringify(o.all ? out : (out[0] ?? null), null, 2) + '\n');
      else if (out.length === 0) process.stdout.write(o.all ? 'No labs.\n' : `No lab named ${o.name}. Start it with \`contiv lab up\`.\n`);
      else process.stdout.write(out.map(formatStatus).join('\n'));
      if (out.length === 0 || out.some((s) => !s.healthy)) setStatus(1);
    });

  lab
    .command('run')
    .description('Make a bare container on HOST: a network namespace with only loopback (like docker run --net none).')
    .argument('<host>', 'host name, e.g. h1')
    .argument('<name>', 'container name (a DNS label, unique in the lab)')
    .addOption(nameOption())
    .action(async (host: string, name: string, o: { name: string }) => {
      checkRoot();
      await labRun(o.name, host, name);
      process.stdout.write(`Container ${name} is on ${host}: \`ip netns exec ${name} …\` on that host, or \`contiv lab exec ${name} -- CMD\`.\n`);
    });

  lab
    .command('exec')
    .description('Run a command in a host or a container; exits with its status.')
    .argument('<target>', 'host (h1…) or container name')
    .argument('<cmd...>', 'the command, after --')
    .addOption(nameOption())
    .passThroughOptions()
    .action(async (target: string, cmd: string[], o: { name: string }) => {
      checkRoot();
      // `exec --name L T -- CMD` keeps the `--` among the pass-through arguments.
      setStatus(await labExec(o.name, target, cmd[0] === '--' ? cmd.slice(1) : cmd));
    });
}

/** Each --runtime adds one; a value the lab does not offer is the user's mistake, said as such. */
function runtimeList(v: string, previous: LabRuntime[]): LabRuntime[] {
  let r: LabRuntime;
  try {
    r = parseRuntime(v);
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
  return previous.includes(r) ? previous : [...previous, r];
}

function positiveInt(v: string): number {
  const n = Number(v);
  if (!/^\d+$/.test(v) || n < 1) throw new InvalidArgumentError('expected a whole number ≥ 1');
  return n;
}
