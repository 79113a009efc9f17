export { createDiscoveryModule, type DiscoveryModuleDeps } from './module';
// The registry's HTTP protocol lives in platform (every module's registration client speaks it).
export type { Instance, Registration } from '../../platform/discovery/registry-protocol';
