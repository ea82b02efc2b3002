// Which end-to-end files are about SQLite itself (its file, its locks, its backups) and so run on SQLite only.
// Every other end-to-end file runs on SQLite, on PGlite (`npm test`) and on a PostgreSQL server
// (`npm run test:postgres`).
export const SQLITE_ONLY = [
  'test/e2e/backup.test.ts',
  'test/e2e/busy-database.test.ts',
  'test/e2e/database-file.test.ts',
  'test/e2e/disk-full.test.ts',
];
