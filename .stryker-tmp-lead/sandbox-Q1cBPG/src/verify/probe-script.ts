// @ts-nocheck
import { shellQuote } from '../apply/quote.js';
import type { PlannedProbe } from './expectations.js';

/*
 * One script per source host, probing from inside the containers. TCP: a connect() answered by
 * SYN-ACK or by RST is "reachable" (no listener needed); silence is "blocked". ICMP: one echo.
 * Userspace tunnels drop the first packet while they resolve a peer (LAB-NOTES), so a silent
 * probe is tried once more before it counts as blocked. Probes run side by side, 32 at a time.
 * Output: one line per probe, `R <id> open|refused|silent`.
 */
const PROBE_FUNCTION = `
probe() {
  id=$1 ns=$2 proto=$3 ip=$4 port=$5
  for try in 1 2; do
    if [ "$proto" = icmp ]; then
      if ip netns exec "$ns" ping -n -q -c 1 -W 1 "$ip" >/dev/null 2>&1; then echo "R $id open"; return; fi
    else
      out=$(ip netns exec "$ns" timeout 1 bash -c 'exec 3<>"/dev/tcp/$0/$1"' "$ip" "$port" 2>&1); rc=$?
      if [ $rc -eq 0 ]; then echo "R $id open"; return; fi
      case "$out" in *refused*) echo "R $id refused"; return;; esac
    fi
  done
  echo "R $id silent"
}
`;

export function probeScript(probes: readonly PlannedProbe[]): string {
  const lines = ['for b in bash timeout ping; do command -v "$b" >/dev/null || { echo "contiv verify needs $b on the host" >&2; exit 3; }; done', PROBE_FUNCTION.trim(), 'n=0'];
  for (const p of probes) {
    const port = p.probe.protocol === 'tcp' ? String(p.probe.port) : '0';
    lines.push(`probe ${p.id} ${shellQuote(p.from.netns)} ${p.probe.protocol === 'icmp' ? 'icmp' : 'tcp'} ${shellQuote(p.to.ip)} ${port} &`);
    lines.push('n=$((n+1)); if [ $n -ge 32 ]; then wait; n=0; fi');
  }
  lines.push('wait', '');
  return lines.join('\n');
}

export type Observation = 'reachable' | 'blocked';

export function parseProbeOutput(stdout: string): Map<number, Observation> {
  const out = new Map<number, Observation>();
  for (const line of stdout.split('\n')) {
    const m = /^R (\d+) (open|refused|silent)$/.exec(line.trim());
    if (m) out.set(Number(m[1]), m[2] === 'silent' ? 'blocked' : 'reachable');
  }
  return out;
}
