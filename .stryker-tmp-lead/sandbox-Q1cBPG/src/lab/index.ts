/** The local lab of namespace hosts (`contiv lab …`). */
// @ts-nocheck

export { labUp, type UpOptions, type UpResult } from './up.js';
export { labDown, type DownResult } from './down.js';
export { labStatus, listLabs, formatStatus, type LabStatus } from './status.js';
export { labRun, labRemoveContainer } from './container.js';
export { labExec, execArgv } from './exec.js';
export { planLab, DEFAULT_HOSTS, DEFAULT_MGMT_SUBNET, DEFAULT_UNDERLAY_SUBNET, type LabPlan, type LabOptions } from './plan.js';
export { DEFAULT_LAB_NAME } from './names.js';
export { labPaths, labsDir } from './paths.js';
export { readRecord, type LabRecord } from './record.js';
export { DEBIAN_PACKAGES, installCommand, missingPackages, checkPackages, checkRoot, preflight } from './preflight.js';
export { LAB_USER } from './texts.js';
