#!/usr/bin/env node
// Logging fake Docker plugin (network driver + IPAM driver "contiv") for research only.
// Listens on /run/docker/plugins/contiv.sock (inside the research host's mount namespace),
// logs every request as one JSON line to /tmp/rsch-dock/plugin.log:
//   {t, path, body, status, answer, ms, note?}
// and answers minimally but correctly. State (pools, addresses, endpoints) is kept in
// /tmp/rsch-dock/plugin-state.json so a restarted plugin still knows them.
// /tmp/rsch-dock/plugin-control.json (read on every request) overrides answers per path:
//   { "NetworkDriver.Join": { "status": 500, "body": {...}, "raw": "text", "delayMs": 0, "once": true } }
// Veths: host side vh<eid:12>, container side vc<eid:12> (SrcName, DstPrefix "eth"), MTU 1450,
// host side enslaved to a bridge rb<nid:12> (per network) holding the gateway address.
'use strict';
const http = require('node:http');
const fs = require('node:fs');
const { execFileSync } = require('node:child_process');

const R = '/tmp/rsch-dock';
const SOCK = '/run/docker/plugins/contiv.sock';
const LOG = `${R}/plugin.log`;
const STATE = `${R}/plugin-state.json`;
const CONTROL = `${R}/plugin-control.json`;
const MTU = 1450;
const CT = 'application/vnd.docker.plugins.v1.2+json';

let state = { pools: {}, networks: {}, endpoints: {} };
try { state = JSON.parse(fs.readFileSync(STATE, 'utf8')); } catch { /* fresh */ }
const save = () => fs.writeFileSync(STATE, JSON.stringify(state, null, 2));

function ip(...args) {
  try { return { ok: true, out: execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }) }; }
  catch (e) { return { ok: false, out: String(e.stderr || e.message).trim() }; }
}
const links = () => ip('-o', 'link', 'show').out.split('\n').filter(Boolean).map((l) => l.split(':')[1].trim().split('@')[0]);

// --- IPv4 helpers
const toInt = (a) => a.split('.').reduce((n, o) => n * 256 + Number(o), 0);
const toIp = (n) => [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
function cidr(pool) { const [a, l] = pool.split('/'); const len = Number(l); const base = toInt(a) - (toInt(a) % 2 ** (32 - len)); return { base, len, size: 2 ** (32 - len) }; }

class Refusal extends Error {}

const handlers = {
  'Plugin.Activate': () => ({ Implements: ['NetworkDriver', 'IpamDriver'] }),
  'NetworkDriver.GetCapabilities': () => ({ Scope: 'local', ConnectivityScope: 'local' }),
  'IpamDriver.GetCapabilities': () => ({ RequiresMACAddress: false }),
  'IpamDriver.GetDefaultAddressSpaces': () => ({ LocalDefaultAddressSpace: 'contiv', GlobalDefaultAddressSpace: 'contiv-global' }),
  'IpamDriver.RequestPool': (b) => {
    if (!b.Pool) throw new Refusal('contiv: a contiv network needs --subnet');
    const o = b.Options || {};
    const id = o['contiv.tenant'] && o['contiv.network'] ? ['contiv', o['contiv.tenant'], o['contiv.network'], ...(o['contiv.group'] ? [o['contiv.group']] : [])].join('/') : `contiv/pool/${b.Pool}`;
    const p = state.pools[id] || { pool: b.Pool, used: [], refs: 0 };
    if (p.pool !== b.Pool) throw new Refusal(`contiv: pool ${id} is ${p.pool}, not ${b.Pool}`);
    p.refs += 1; state.pools[id] = p; save();
    return { PoolID: id, Pool: b.Pool, Data: {} };
  },
  'IpamDriver.ReleasePool': (b) => {
    const p = state.pools[b.PoolID];
    if (p && --p.refs <= 0) delete state.pools[b.PoolID];
    save(); return {};
  },
  'IpamDriver.RequestAddress': (b) => {
    const p = state.pools[b.PoolID];
    if (!p) throw new Refusal(`contiv: unknown pool ${b.PoolID}`);
    const { base, len, size } = cidr(p.pool);
    const gw = (b.Options || {}).RequestAddressType === 'com.docker.network.gateway';
    let a = b.Address;
    if (a) {
      if (p.used.includes(a)) throw new Refusal(`contiv: ${a} is already in use in ${b.PoolID}`);
    } else {
      for (let n = base + 1; n < base + size - 1; n++) if (!p.used.includes(toIp(n))) { a = toIp(n); break; }
      if (!a) throw new Refusal(`contiv: no free address in ${b.PoolID}`);
    }
    p.used.push(a); save();
    return { Address: `${a}/${len}`, Data: gw ? {} : {} };
  },
  'IpamDriver.ReleaseAddress': (b) => {
    const p = state.pools[b.PoolID];
    if (p) { p.used = p.used.filter((x) => x !== b.Address); save(); }
    return {};
  },
  'NetworkDriver.CreateNetwork': (b) => {
    const v4 = (b.IPv4Data || [])[0] || {};
    const br = `rb${b.NetworkID.slice(0, 12)}`;
    const gw = v4.Gateway || '';
    state.networks[b.NetworkID] = { bridge: br, gateway: gw, pool: v4.Pool }; save();
    ensureBridge(b.NetworkID);
    return {};
  },
  'NetworkDriver.DeleteNetwork': (b) => {
    const n = state.networks[b.NetworkID];
    if (n) ip('link', 'del', n.bridge);
    delete state.networks[b.NetworkID]; save();
    return {};
  },
  'NetworkDriver.CreateEndpoint': (b, note, c) => {
    const i = b.Interface || {};
    const answer = {};
    if (c.echo) { answer.Address = i.Address; answer.MacAddress = i.MacAddress || '0e:c1:00:00:00:01'; }
    else if (!i.MacAddress) {
      const a = (i.Address || '0.0.0.0/0').split('/')[0].split('.').map((o) => Number(o).toString(16).padStart(2, '0'));
      answer.MacAddress = `0e:c1:${a.join(':')}`;
    }
    state.endpoints[b.EndpointID] = { net: b.NetworkID, address: i.Address, mac: i.MacAddress || answer.MacAddress }; save();
    return { Interface: answer };
  },
  'NetworkDriver.EndpointOperInfo': () => ({ Value: {} }),
  'NetworkDriver.DeleteEndpoint': (b, note) => {
    const h = `vh${b.EndpointID.slice(0, 12)}`;
    const c = `vc${b.EndpointID.slice(0, 12)}`;
    const l = links();
    note.linksBefore = l.filter((x) => x === h || x === c);
    if (l.includes(h)) ip('link', 'del', h);
    else if (l.includes(c)) ip('link', 'del', c);
    delete state.endpoints[b.EndpointID]; save();
    return {};
  },
  'NetworkDriver.Join': (b, note, ctl) => {
    const n = state.networks[b.NetworkID];
    if (!n) throw new Refusal(`contiv: network ${b.NetworkID.slice(0, 12)} unknown to the plugin`);
    ensureBridge(b.NetworkID);
    const h = `vh${b.EndpointID.slice(0, 12)}`;
    const c = `vc${b.EndpointID.slice(0, 12)}`;
    if (links().includes(h)) ip('link', 'del', h);
    const r = ip('link', 'add', h, 'mtu', String(MTU), 'type', 'veth', 'peer', 'name', c, 'mtu', String(MTU));
    if (!r.ok) throw new Error(`ip link add: ${r.out}`);
    ip('link', 'set', h, 'master', n.bridge);
    ip('link', 'set', h, 'up');
    note.containerSideMac = (ip('-o', 'link', 'show', c).out.match(/link\/ether ([0-9a-f:]+)/) || [])[1];
    return { InterfaceName: { SrcName: c, DstPrefix: 'eth' }, ...(ctl.omitGateway ? {} : { Gateway: n.gateway.split('/')[0] }) };
  },
  'NetworkDriver.Leave': (b, note) => {
    const h = `vh${b.EndpointID.slice(0, 12)}`;
    const c = `vc${b.EndpointID.slice(0, 12)}`;
    const l = links();
    note.linksBefore = l.filter((x) => x === h || x === c);
    if (l.includes(h)) ip('link', 'del', h);
    return {};
  },
  'NetworkDriver.ProgramExternalConnectivity': () => ({}),
  'NetworkDriver.RevokeExternalConnectivity': () => ({}),
  'NetworkDriver.DiscoverNew': () => ({}),
  'NetworkDriver.DiscoverDelete': () => ({}),
};

function ensureBridge(nid) {
  const n = state.networks[nid];
  if (!n || links().includes(n.bridge)) return;
  ip('link', 'add', n.bridge, 'type', 'bridge');
  if (n.gateway && n.pool) ip('addr', 'add', `${n.gateway.split('/')[0]}/${n.pool.split('/')[1]}`, 'dev', n.bridge);
  ip('link', 'set', n.bridge, 'up');
}

function control(path) {
  let c;
  try { c = JSON.parse(fs.readFileSync(CONTROL, 'utf8')); } catch { return undefined; }
  const e = c[path];
  if (e && e.once) { delete c[path]; fs.writeFileSync(CONTROL, JSON.stringify(c, null, 2)); }
  return e;
}

const server = http.createServer((req, res) => {
  const t = new Date().toISOString();
  const t0 = process.hrtime.bigint();
  const chunks = [];
  req.on('data', (d) => chunks.push(d));
  req.on('end', async () => {
    const path = req.url.replace(/^\//, '');
    const raw = Buffer.concat(chunks).toString('utf8');
    let body; try { body = raw.trim() ? JSON.parse(raw) : null; } catch { body = raw; }
    const note = {};
    let status = 200; let answer; let text;
    const api = path.split('.')[0];
    const c = control(path);
    if (c && c.delayMs) await new Promise((r) => setTimeout(r, c.delayMs));
    if (c && (c.status || c.body || c.raw !== undefined)) {
      status = c.status || 200; answer = c.body; text = c.raw !== undefined ? c.raw : JSON.stringify(c.body || {});
      note.override = true;
    } else if (!handlers[path]) {
      status = 404; answer = { Err: `${path} not implemented` };
    } else {
      try { answer = handlers[path](body || {}, note, c || {}); }
      catch (e) { answer = api === 'IpamDriver' ? { Error: e.message } : { Err: e.message }; if (!(e instanceof Refusal)) note.failure = true; }
    }
    if (text === undefined) text = JSON.stringify(answer);
    res.writeHead(status, { 'Content-Type': CT, 'Content-Length': Buffer.byteLength(text) });
    res.end(text);
    const entry = { t, method: req.method, path, body, status, answer: answer !== undefined ? answer : text, ms: Number(process.hrtime.bigint() - t0) / 1e6 };
    if (raw.length < 64) entry.raw = raw;
    if (Object.keys(note).length) entry.note = note;
    if (req.headers['content-type'] || req.headers.accept) entry.headers = { 'content-type': req.headers['content-type'], accept: req.headers.accept, 'user-agent': req.headers['user-agent'] };
    fs.appendFileSync(LOG, JSON.stringify(entry) + '\n');
  });
});

fs.mkdirSync('/run/docker/plugins', { recursive: true });
fs.rmSync(SOCK, { force: true });
server.listen(SOCK, () => {
  fs.appendFileSync(LOG, JSON.stringify({ t: new Date().toISOString(), event: 'listening', pid: process.pid }) + '\n');
});
