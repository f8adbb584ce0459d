// @ts-nocheck
import { Box, render, Text } from 'ink';
import { useEffect, useState } from 'react';
import type { ApplyEvent } from '../../apply/execute.js';
import { progressAfter, type HostProgress } from '../apply-progress.js';

const COLOR: Record<HostProgress['status'], string> = {
  waiting: 'gray',
  applying: 'yellow',
  done: 'green',
  failed: 'red',
  'rolled back': 'magenta',
  'rollback incomplete': 'red',
};

type Listener = (e: ApplyEvent) => void;

function ApplyView({ initial, subscribe }: { initial: HostProgress[]; subscribe: (l: Listener) => void }) {
  const [rows, setRows] = useState(initial);
  useEffect(() => subscribe((e) => setRows((r) => progressAfter(r, e))), [subscribe]);
  const width = Math.max(...rows.map((r) => r.host.length), 4);
  return (
    <Box flexDirection="column">
      {rows.map((r) => (
        <Box key={r.host}>
          <Text>{r.host.padEnd(width + 2)}</Text>
          <Text color={COLOR[r.status]}>{r.status.padEnd(20)}</Text>
          <Text>{`${r.changes} change${r.changes === 1 ? '' : 's'}`.padEnd(12)}</Text>
          <Text dimColor>{r.ms !== undefined ? `${(r.ms / 1000).toFixed(1)} s` : ''}</Text>
          {r.message ? <Text color="red">{`  ${r.message}`}</Text> : null}
        </Box>
      ))}
    </Box>
  );
}

/**
 * Shows apply's progress on a terminal, one live row per host, fed by the executor's events.
 * Returns the event callback and a function that waits for the last frame.
 */
export function showApplyProgress(hosts: ReadonlyArray<{ host: string; changes: number }>): { onEvent: Listener; finish: () => Promise<void> } {
  let listener: Listener | undefined;
  const pending: ApplyEvent[] = [];
  const subscribe = (l: Listener) => {
    listener = l;
    for (const e of pending.splice(0)) l(e);
  };
  const initial: HostProgress[] = hosts.map((h) => ({ host: h.host, changes: h.changes, status: 'waiting' }));
  const app = render(<ApplyView initial={initial} subscribe={subscribe} />, { patchConsole: false });
  return {
    onEvent: (e) => (listener === undefined ? pending.push(e) : listener(e)),
    finish: async () => {
      // Let the last state render before unmounting.
      await new Promise((r) => setTimeout(r, 50));
      app.unmount();
      await app.waitUntilExit();
    },
  };
}
