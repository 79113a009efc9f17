export { createUserModule, userMigrationsFolder, type UserModuleDeps } from './module';
export * from './contracts/events';
export * from './contracts/http';
export { readUserSettings, type UserSettings } from './settings';
export { importMasterKey, masterKeyTextInDataDir } from './personal-data/master-key';
