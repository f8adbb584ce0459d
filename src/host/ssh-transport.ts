import { createPrivateKey, sign } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import ssh2, { Client, type ClientChannel, type ConnectConfig, type ParsedKey, type PublicKeyAuthMethod } from 'ssh2';
import { acceptKey, appendKnownHost, knownKeyTypes, lookupName, readKnownHosts, verifyHostKey, type KnownHostEntry } from './known-hosts.js';
import { holdUntilReady, HostError, type ExecOptions, type ExecResult, type Held, type HostTarget, type RunningScript, type Transport } from './transport.js';

export interface SshTransportOptions {
  /** Record keys of hosts never seen before (never a changed key). */
  acceptNewHostKeys?: boolean;
  connectTimeoutMs?: number;
  commandTimeoutMs?: number;
  /** ssh-agent socket; defaults to SSH_AUTH_SOCK. */
  agentSocket?: string;
}

// curve25519 first: the cheapest key exchange on these machines (LAB-NOTES), then the usual.
const KEX = ['curve25519-sha256', 'curve25519-sha256@libssh.org', 'ecdh-sha2-nistp256', 'ecdh-sha2-nistp384', 'diffie-hellman-group14-sha256'];
const HOST_KEY_TYPES = ['ssh-ed25519', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521', 'rsa-sha2-512', 'rsa-sha2-256'];

/**
 * The ssh2 transport: one connection per host for the whole command run (gather, then apply),
 * strict host-key checking against each host's knownHostsFile, key auth from identityFile or
 * ssh-agent. The only module that imports ssh2.
 */
export class SshTransport implements Transport {
  private readonly connections = new Map<string, Promise<Client>>();
  private readonly knownHosts = new Map<string, Promise<KnownHostEntry[]>>();
  /** Each identity file read and parsed once per run (a Fabric names one key for every host). */
  private readonly identities = new Map<string, Promise<ParsedKey | Error>>();
  private appendQueue: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(private readonly options: SshTransportOptions = {}) {}

  async exec(host: HostTarget, script: string, options: ExecOptions = {}): Promise<ExecResult> {
    if (this.closed) throw new Error('transport is closed');
    if (options.fresh) {
      const own = await this.connectRetrying(host);
      try {
        return await this.execOn(own, host, script, options);
      } finally {
        own.end();
      }
    }
    return this.execOn(await this.connection(host), host, script, options);
  }

  private async execOn(client: Client, host: HostTarget, script: string, options: ExecOptions): Promise<ExecResult> {
    const timeoutMs = options.timeoutMs ?? this.options.commandTimeoutMs ?? 120_000;
    // Root runs the script directly; other users through sudo, which must not ask for a password.
    const command = host.ssh.user === 'root' ? 'sh -s' : 'sudo -n sh -s';
    const result = await new Promise<ExecResult>((resolve, reject) => {
      client.exec(command, (err, stream) => {
        if (err) return reject(new HostError(host.name, 'unreachable', `cannot start a command: ${err.message}`));
        const stdout: Buffer[] = [];
        const stderr: Buffer[] = [];
        const timer = setTimeout(() => {
          this.drop(host, client, options.fresh === true);
          reject(new HostError(host.name, 'timeout', `command timed out after ${Math.round(timeoutMs / 1000)} s`));
        }, timeoutMs);
        stream.on('data', (d: Buffer) => stdout.push(d));
        stream.stderr.on('data', (d: Buffer) => stderr.push(d));
        stream.on('close', (code: number | null, signal?: string) => {
          clearTimeout(timer);
          resolve({ code: code ?? (signal ? 128 : 255), stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8') });
        });
        stream.end(script);
      });
    });
    if (host.ssh.user !== 'root') checkSudo(host, result);
    return result;
  }

  async hold(host: HostTarget, script: string, ready: string, options: ExecOptions = {}): Promise<Held> {
    if (this.closed) throw new Error('transport is closed');
    const client = await this.connection(host);
    const timeoutMs = options.timeoutMs ?? 60_000;
    const command = host.ssh.user === 'root' ? 'sh -s' : 'sudo -n sh -s';
    const stream = await new Promise<ClientChannel>((resolve, reject) =>
      client.exec(command, (err, channel) => (err ? reject(new HostError(host.name, 'unreachable', `cannot start a command: ${err.message}`)) : resolve(channel))),
    );
    const running: RunningScript = {
      stdout: stream,
      stderr: stream.stderr,
      closed: new Promise<number>((done) => stream.on('close', (code: number | null) => done(code ?? 255))),
      write: (text) => stream.write(text),
      end: () => stream.end(),
      abort: () => stream.close(),
    };
    return holdUntilReady(host, running, script, ready, timeoutMs, (result) => {
      try {
        if (host.ssh.user !== 'root') checkSudo(host, result);
        return new HostError(host.name, 'command', `exit ${result.code}: ${result.stderr.trim().split('\n')[0] ?? ''}`);
      } catch (e) {
        return e as Error;
      }
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    const all = [...this.connections.values()];
    this.connections.clear();
    await Promise.all(all.map((p) => p.then((c) => c.end(), () => undefined)));
  }

  private drop(host: HostTarget, client: Client, fresh: boolean): void {
    if (!fresh) this.connections.delete(host.name);
    client.destroy();
  }

  private connection(host: HostTarget): Promise<Client> {
    let pending = this.connections.get(host.name);
    if (!pending) {
      const made = this.connectRetrying(host);
      pending = made;
      this.connections.set(host.name, made);
      // A connection that fails or closes later is forgotten, so the next exec reconnects (only
      // this one: a connection made for one command closes without touching the shared one).
      const forget = (): void => {
        if (this.connections.get(host.name) === made) this.connections.delete(host.name);
      };
      made.then((client) => (client.on('error', forget), client.on('close', forget)), forget);
    }
    return pending;
  }

  /**
   * A channel to the host through its jump host (OpenSSH's ProxyJump): one connection per jump
   * host for the run, made and checked as any host's (its key against the same known_hosts, the
   * same login key), then a direct-tcpip channel to the host's SSH port.
   */
  private async throughJump(host: HostTarget, jump: NonNullable<HostTarget['ssh']['proxyJump']>): Promise<ClientChannel> {
    const { proxyJump: _, ...ssh } = host.ssh;
    const target: HostTarget = { name: `jump host ${jump.user}@${jump.address}:${jump.port}`, address: jump.address, ssh: { ...ssh, user: jump.user, port: jump.port } };
    let via: Client;
    try {
      via = await this.connection(target);
    } catch (e) {
      const why = e instanceof HostError ? e : undefined;
      throw new HostError(host.name, why?.kind ?? 'unreachable', `through ${e instanceof Error ? e.message : String(e)}`, why?.hint);
    }
    return new Promise<ClientChannel>((resolve, reject) =>
      via.forwardOut('127.0.0.1', 0, host.address, host.ssh.port, (err, channel) =>
        err ? reject(new HostError(host.name, 'unreachable', `${target.name} could not reach ${host.address}:${host.ssh.port}: ${err.message}`)) : resolve(channel),
      ),
    );
  }

  private identity(path: string): Promise<ParsedKey | Error> {
    let pending = this.identities.get(path);
    if (!pending) {
      pending = readFile(path).then(loginKey);
      this.identities.set(path, pending);
      // A file that could not be read is read again by the next connection that needs it.
      pending.catch(() => this.identities.delete(path));
    }
    return pending;
  }

  private entries(path: string): Promise<KnownHostEntry[]> {
    let pending = this.knownHosts.get(path);
    if (!pending) {
      pending = readKnownHosts(path);
      this.knownHosts.set(path, pending);
    }
    return pending;
  }

  /**
   * sshd drops new connections at random while many are still authenticating (MaxStartups,
   * 10 by default): many contiv runs reaching one host at once see a reset before the
   * handshake. That, and only that, is tried again, after a random pause.
   */
  private async connectRetrying(host: HostTarget): Promise<Client> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.connect(host);
      } catch (e) {
        const dropped = e instanceof HostError && e.kind === 'unreachable' && /ECONNRESET|before handshake|EPIPE/.test(e.message);
        if (!dropped || attempt >= CONNECT_ATTEMPTS) throw e;
        await new Promise((r) => setTimeout(r, 50 + Math.random() * 250 * attempt));
      }
    }
  }

  private async connect(host: HostTarget): Promise<Client> {
    const name = lookupName(host.address, host.ssh.port);
    let entries: KnownHostEntry[];
    try {
      entries = await this.entries(host.ssh.knownHostsFile);
    } catch (e) {
      throw new HostError(host.name, 'config', `cannot read known_hosts ${host.ssh.knownHostsFile}: ${(e as Error).message}`);
    }
    const config: ConnectConfig = {
      host: host.address,
      port: host.ssh.port,
      username: host.ssh.user,
      readyTimeout: this.options.connectTimeoutMs ?? 10_000,
      keepaliveInterval: 15_000,
      algorithms: {
        kex: KEX as NonNullable<ConnectConfig['algorithms']>['kex'],
        serverHostKey: orderHostKeyTypes(knownKeyTypes(entries, name)) as NonNullable<ConnectConfig['algorithms']>['serverHostKey'],
      },
    };
    if (host.ssh.identityFile) {
      let key: ParsedKey | Error;
      try {
        key = await this.identity(host.ssh.identityFile);
      } catch (e) {
        throw new HostError(host.name, 'config', `cannot read identityFile ${host.ssh.identityFile}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      }
      if (key instanceof Error) throw classifyConnectError(host, key);
      // The key at once: no `none` attempt first (a round trip per host to learn the methods).
      const login: PublicKeyAuthMethod = { type: 'publickey', username: host.ssh.user, key };
      config.authHandler = [login];
    } else {
      const agent = this.options.agentSocket ?? process.env['SSH_AUTH_SOCK'];
      if (!agent) throw new HostError(host.name, 'config', 'no identityFile in the Fabric and no ssh-agent (SSH_AUTH_SOCK is not set)');
      config.agent = agent;
    }

    if (host.ssh.proxyJump) config.sock = await this.throughJump(host, host.ssh.proxyJump);

    let keyProblem: HostError | undefined;
    config.hostVerifier = (key: Buffer, verify: (ok: boolean) => void) => {
      const verdict = verifyHostKey(entries, name, key);
      switch (verdict.status) {
        case 'match':
          return verify(true);
        case 'unknown':
          if (this.options.acceptNewHostKeys) {
            // Known at once to every connection of this run (the entries are shared per file),
            // so another key for the same name later in the run is refused as changed.
            acceptKey(entries, name, key);
            // One failed write must not fail every later one: the queue only orders them.
            this.appendQueue = this.appendQueue.catch(() => undefined).then(() => appendKnownHost(host.ssh.knownHostsFile, name, key));
            this.appendQueue.then(() => verify(true), (e: Error) => {
              keyProblem = new HostError(host.name, 'config', `cannot record its host key in ${host.ssh.knownHostsFile}: ${e.message}`);
              verify(false);
            });
            return;
          }
          keyProblem = new HostError(host.name, 'host-key-unknown', `host key ${verdict.presented} of ${name} is not in ${host.ssh.knownHostsFile}`, 'check the fingerprint, then run again with --accept-new-host-keys to record it');
          return verify(false);
        case 'changed':
          keyProblem = new HostError(host.name, 'host-key-changed', `HOST KEY CHANGED for ${name}: it presented ${verdict.presented}, ${host.ssh.knownHostsFile} expects ${verdict.expected.join(' or ')}`, 'someone may be intercepting the connection, or the host was reinstalled: verify, then edit the known_hosts file');
          return verify(false);
        case 'revoked':
          keyProblem = new HostError(host.name, 'host-key-changed', `host key ${verdict.presented} of ${name} is marked @revoked in ${host.ssh.knownHostsFile}`);
          return verify(false);
      }
    };

    return new Promise<Client>((resolve, reject) => {
      const client = new Client();
      client.once('ready', () => {
        client.removeAllListeners('error');
        // A later error is the connection's end (its 'close' follows); the caller sees it as its command failing.
        client.on('error', () => undefined);
        resolve(client);
      });
      client.once('error', (err: Error & { level?: string; code?: string }) => {
        client.destroy();
        reject(keyProblem ?? classifyConnectError(host, err));
      });
      try {
        client.connect(config);
      } catch (e) {
        // ssh2 throws synchronously for a key it cannot parse.
        client.destroy();
        reject(classifyConnectError(host, e as Error));
      }
    });
  }
}

const CONNECT_ATTEMPTS = 4;

/**
 * The login key parsed (or why it cannot be used). ssh2 signs from the key's PEM text, which
 * OpenSSL parses again for every host (0.35 ms each, 350 ms at 1,000 hosts): an ed25519 key,
 * whose signature takes no hash choice, signs through a KeyObject made once.
 */
function loginKey(data: Buffer): ParsedKey | Error {
  const parsed = ssh2.utils.parseKey(data);
  if (parsed instanceof Error) return parsed;
  const key = Array.isArray(parsed) ? parsed[0]! : parsed;
  if (!key.isPrivateKey()) return new Error('not a private key');
  if (key.type !== 'ssh-ed25519') return key;
  const signer = createPrivateKey(key.getPrivatePEM());
  return Object.create(key, { sign: { value: (payload: Buffer) => sign(null, payload, signer) } }) as ParsedKey;
}

function orderHostKeyTypes(known: string[]): string[] {
  // ssh-rsa keys in known_hosts are verified with the rsa-sha2 signature algorithms.
  const preferred = known.flatMap((t) => (t === 'ssh-rsa' ? ['rsa-sha2-512', 'rsa-sha2-256'] : [t]));
  return [...new Set([...preferred.filter((t) => HOST_KEY_TYPES.includes(t)), ...HOST_KEY_TYPES])];
}

function classifyConnectError(host: HostTarget, err: Error & { level?: string; code?: string }): HostError {
  const target = `${host.ssh.user}@${host.address}:${host.ssh.port}`;
  if (err.level === 'client-authentication') {
    return new HostError(host.name, 'auth', `authentication failed for ${target} (${host.ssh.identityFile ? `key ${host.ssh.identityFile}` : 'ssh-agent keys'})`, 'check the user and that its authorized_keys holds the public key');
  }
  if (err.level === 'client-timeout' || /timed out/i.test(err.message)) {
    return new HostError(host.name, 'unreachable', `no SSH answer from ${target} (timed out)`);
  }
  if (err.code && ['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNRESET'].includes(err.code)) {
    return new HostError(host.name, 'unreachable', `cannot connect to ${target}: ${err.code}`);
  }
  if (/privatekey|private key|passphrase|unsupported key/i.test(err.message)) {
    return new HostError(host.name, 'config', `cannot use identityFile ${host.ssh.identityFile}: ${err.message}`);
  }
  return new HostError(host.name, 'unreachable', `SSH to ${target} failed: ${err.message}`);
}

function checkSudo(host: HostTarget, result: ExecResult): void {
  if (result.code === 0) return;
  if (/a password is required|a terminal is required/.test(result.stderr)) {
    throw new HostError(host.name, 'sudo', `user ${host.ssh.user} needs a password for sudo`, 'allow it passwordless sudo (NOPASSWD) for contiv, or connect as root');
  }
  if (/sudo: (command )?not found/.test(result.stderr) || (result.code === 127 && /sudo/.test(result.stderr))) {
    throw new HostError(host.name, 'permission', `user ${host.ssh.user} is not root and sudo is not installed`);
  }
  if (/is not in the sudoers file|not allowed to execute/.test(result.stderr)) {
    throw new HostError(host.name, 'permission', `user ${host.ssh.user} may not use sudo: ${result.stderr.trim().split('\n')[0]}`);
  }
}
