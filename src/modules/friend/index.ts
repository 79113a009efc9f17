export { createFriendModule, friendMigrationsFolder, type FriendModuleDeps } from './module';
export * from './contracts/events';
export * from './contracts/http';
