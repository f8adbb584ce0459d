/**
 * Teardown shared by the lab tests that run contiv itself: detach what a test attached, remove
 * its containers, and take contiv's bridge off every host, so the next file starts from hosts
 * as the lab made them. Each step ignores what is already gone (a failed test leaves any state).
 */
// @ts-nocheck

import { labRemoveContainer } from '../../src/lab/container.js';
import { labPaths } from '../../src/lab/paths.js';
import { contiv } from '../support/cli.js';
import { CTEST, ctestPlan, execIn } from './lab.js';

export const ctestFabric = labPaths(CTEST.name).fabric;

export async function removeEndpoints(dir: string, endpoints: ReadonlyArray<readonly [host: string, netns: string]>): Promise<void> {
  for (const [host, netns] of endpoints) {
    contiv(['detach', dir, '--fabric', ctestFabric, '--host', host, '--netns', netns]);
    await labRemoveContainer(CTEST.name, netns);
  }
}

export async function removeContivBridges(): Promise<void> {
  for (const h of ctestPlan.hosts) await execIn(h.name, ['ovs-vsctl', '--if-exists', 'del-br', 'contiv0']);
}
