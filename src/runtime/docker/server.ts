import { chmodSync, mkdirSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { dirname } from 'node:path';
import { CONTENT_TYPE, parseCall, refusalBody, type Call } from './protocol.js';

/*
 * The plugin's HTTP server on a unix socket (Docker finds /run/docker/plugins/contiv.sock by its
 * name). It only moves bytes: each POST is parsed (protocol.ts), answered by the driver, and a
 * refusal or a failure goes back as `{"Err": …}` / `{"Error": …}` with status 200, the shape
 * Docker shows its user (`docker: Error response from daemon: …`).
 */

/** A refusal the user should read as it is (no free address, a network not applied …). */
export class DriverRefusal extends Error {}

/** Answers one call; throws DriverRefusal to refuse it, anything else for a failure. */
export type Driver = (call: Call) => Promise<object>;

const MAX_BODY = 1 << 20;

export function serve(socketPath: string, driver: Driver, log: (line: string) => void = () => undefined): Promise<Server> {
  const server = createServer((req, res) => {
    const answer = (status: number, body: object): void => {
      const text = JSON.stringify(body);
      res.writeHead(status, { 'Content-Type': CONTENT_TYPE, 'Content-Length': Buffer.byteLength(text) });
      res.end(text);
    };
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY) chunks.push(c);
    });
    req.on('end', () => {
      const path = (req.url ?? '/').split('?')[0]!;
      if (req.method !== 'POST') return answer(405, { Err: `${req.method ?? ''} ${path}: Docker plugins take POST only` });
      if (size > MAX_BODY) return answer(413, { Err: `${path}: request body over ${MAX_BODY} bytes` });
      const parsed = parseCall(path, Buffer.concat(chunks).toString('utf8'));
      if ('bad' in parsed) {
        log(`${path}: ${parsed.bad.message}`);
        // Not 200: Docker reads `Err` whatever the API (an IPAM `Error` would reach the user as raw JSON).
        return answer(parsed.bad.status, { Err: parsed.bad.message });
      }
      const { call } = parsed;
      driver(call).then(
        (body) => answer(200, body),
        (e: unknown) => {
          const message = e instanceof Error ? e.message : String(e);
          log(`${call.api}.${call.op}: ${message}`);
          answer(200, refusalBody(call.api, e instanceof DriverRefusal ? message : `contiv: ${message}`));
        },
      );
    });
  });
  mkdirSync(dirname(socketPath), { recursive: true });
  // A socket left by a plugin that was killed: nobody listens on it any more.
  rmSync(socketPath, { force: true });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => {
      chmodSync(socketPath, 0o600);
      server.off('error', reject);
      resolve(server);
    });
  });
}
