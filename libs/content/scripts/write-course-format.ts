// Rewrites the JSON Schema block of docs/COURSE-FORMAT.md from the zod schemas (run after changing them).
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { courseFormatSchemaBlock, SCHEMA_BEGIN, SCHEMA_END } from '../src/format/json-schema';

const doc = fileURLToPath(new URL('../../../docs/COURSE-FORMAT.md', import.meta.url));
const text = readFileSync(doc, 'utf8');
const start = text.indexOf(SCHEMA_BEGIN);
const end = text.indexOf(SCHEMA_END);
if (start < 0 || end < start) throw new Error(`${doc}: the schema markers are missing`);
writeFileSync(doc, `${text.slice(0, start)}${courseFormatSchemaBlock()}${text.slice(end + SCHEMA_END.length)}`);
process.stdout.write(`updated ${doc}\n`);
