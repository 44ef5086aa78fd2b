export * from './api-keys/api-key.repository.js';
export * from './api-keys/api-key.service.js';
export * from './automation/workflow-contracts.js';
export * from './database/data-source-options.js';
export * from './errors/domain-error.js';
export * from './groups/group.entity.js';
export * from './groups/group.repository.js';
export * from './groups/group-tree.service.js';
