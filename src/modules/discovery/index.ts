export { createDiscoveryModule, type DiscoveryModuleDeps } from './module';
// The HTTP contract lives in platform (every module's registration client speaks it).
export type { Instance, Registration } from '../../platform/discovery/registry-contract';
