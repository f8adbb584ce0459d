// @ts-nocheck
import { connect } from 'node:net';

/**
 * A minimal client for an OVS daemon's control socket (what `ovs-appctl` speaks: JSON-RPC 1.0,
 * objects back to back). Used to send many commands over one connection instead of one
 * `ovs-appctl` process per command.
 */
export async function unixctl(socketPath: string, commands: Array<{ method: string; params: string[] }>, timeoutMs = 10_000): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const sock = connect(socketPath);
    const results: string[] = [];
    let buf = '';
    let next = 0;
    const timer = setTimeout(() => fail(new Error(`${socketPath}: no answer within ${timeoutMs} ms`)), timeoutMs);
    const fail = (err: Error): void => {
      clearTimeout(timer);
      sock.destroy();
      reject(err);
    };
    const send = (): void => {
      const c = commands[next];
      if (!c) {
        clearTimeout(timer);
        sock.end();
        resolve(results);
        return;
      }
      sock.write(JSON.stringify({ id: next, method: c.method, params: c.params }));
    };
    sock.setEncoding('utf8');
    sock.on('connect', send);
    sock.on('error', (err) => fail(err));
    sock.on('data', (d: string) => {
      buf += d;
      for (;;) {
        const end = jsonObjectEnd(buf);
        if (end < 0) return;
        const msg = JSON.parse(buf.slice(0, end)) as { id: number; result: string | null; error: string | null };
        buf = buf.slice(end);
        if (msg.error !== null && msg.error !== undefined) {
          fail(new Error(`${commands[next]?.method ?? '?'}: ${msg.error}`));
          return;
        }
        results.push(msg.result ?? '');
        next++;
        send();
      }
    });
  });
}

/** Index just past the first complete JSON object at the start of `s`, or -1. */
export function jsonObjectEnd(s: string): number {
  let depth = 0;
  let inString = false;
  let escaped = false;
  let started = false;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (inString) {
      if (escaped) escaped = false;
      else if (ch === '\\') escaped = true;
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === '"') inString = true;
    else if (ch === '{') {
      depth++;
      started = true;
    } else if (ch === '}') {
      depth--;
      if (started && depth === 0) return i + 1;
    }
  }
  return -1;
}
