import type { SemanticRule } from './context.js';
import { exactlyOneFabric, fabricPathsConfined, hostAddressWellFormed, proxyJumpWellFormed, uniqueHosts, vniRangeWellFormed, vtepIsAddress } from './fabric.js';
import { networkGroupNamesDistinct, uniqueNames } from './names.js';
import { ipPoolsValid } from './pools.js';
import { principalKeysDistinct, principalKeysWellFormed } from './principals.js';
import { groupReferences, rulePeerReferences, tenantsExist } from './references.js';
import { blockSizeFitsSubnet, gatewayInsideSubnet, subnetsDisjointPerTenant, subnetWellFormed } from './subnets.js';
import { explicitVnis, vniRangeLargeEnough } from './vni.js';

export { checkPolicyDocument } from './policy-rules.js';

/** Rules over the whole manifest set; each returns its own diagnostics, all of them run. */
export const SEMANTIC_RULES: readonly SemanticRule[] = [
  exactlyOneFabric,
  fabricPathsConfined,
  proxyJumpWellFormed,
  uniqueHosts,
  hostAddressWellFormed,
  vtepIsAddress,
  vniRangeWellFormed,
  uniqueNames,
  networkGroupNamesDistinct,
  tenantsExist,
  groupReferences,
  rulePeerReferences,
  subnetWellFormed,
  subnetsDisjointPerTenant,
  gatewayInsideSubnet,
  blockSizeFitsSubnet,
  ipPoolsValid,
  explicitVnis,
  vniRangeLargeEnough,
  principalKeysWellFormed,
  principalKeysDistinct,
];
