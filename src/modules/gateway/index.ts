export { createGatewayModule, type GatewayModuleDeps } from './module';
export { defaultRoutes, type GatewayRoute } from './routes';
