import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { courseFormatJsonSchemas, courseFormatSchemaBlock, SCHEMA_BEGIN, SCHEMA_END } from './json-schema';

const doc = readFileSync(fileURLToPath(new URL('../../../../docs/COURSE-FORMAT.md', import.meta.url)), 'utf8');

describe('docs/COURSE-FORMAT.md', () => {
  it('holds the JSON Schema generated from the zod schemas the loader uses (run scripts/write-course-format.ts after changing them)', () => {
    const block = doc.slice(doc.indexOf(SCHEMA_BEGIN), doc.indexOf(SCHEMA_END) + SCHEMA_END.length);
    expect(block).toBe(courseFormatSchemaBlock());
  });

  it('describes what the loader takes: required fields, the policy and no unknown keys', () => {
    const { 'course.yaml': course, 'exercise.yaml': exercise } = courseFormatJsonSchemas() as Record<
      string,
      { required: string[]; additionalProperties: unknown }
    >;
    expect(course.required).toEqual(['slug', 'title', 'description', 'lessons', 'exercises']);
    expect(course.additionalProperties).toBe(false);
    expect(exercise.required).toEqual(expect.arrayContaining(['slug', 'title', 'instructions', 'policy']));
  });
});
