export * from './queues';
export * from './model-spec';
export * from './grading-policy';
export * from './course-content';
export * from './api-courses';
