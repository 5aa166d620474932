// Builders of course archives for tests: well-formed ones from a folder, and hostile ones (path traversal, links,
// bombs) that no ordinary archiver would write.
export { courseTree, tarGz, zip, type TArchiveEntry } from './archives';
