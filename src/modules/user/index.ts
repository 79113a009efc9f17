export { createUserModule, userMigrationsFolder, type UserModuleDeps } from './module';
export * from './contracts/events';
export * from './contracts/http';
