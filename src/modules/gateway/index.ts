export { createGatewayModule, type GatewayModuleDeps } from './module';
export { defaultRoutes, type GatewayRoute } from './routes';
export type { GatewayAuth } from './auth/verifier';
export { readGatewaySettings, type GatewaySettings } from './settings';
