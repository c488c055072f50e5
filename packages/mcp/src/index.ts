export type { McpConfig } from './config.js';
export { loadConfig, McpConfigError } from './config.js';
export type { HttpOptions } from './http-server.js';
export { startHttpServer } from './http-server.js';
export type { Contro1McpOptions } from './server.js';
export { createContro1McpServer } from './server.js';
