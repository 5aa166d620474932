export * from './queues';
export * from './model-spec';
