export * from './config.js';
export * from './child-process.js';
export * from './embedded-postgres.js';
export * from './free-port.js';
export * from './mail-catcher.js';
export * from './temporal-dev-server.js';
export * from './services.js';
export * from './shutdown.js';
