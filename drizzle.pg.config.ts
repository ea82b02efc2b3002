import { defineConfig } from 'drizzle-kit';

// PostgreSQL's migrations, generated from src/db/schema-pg.ts (`npm run db:generate:pg`); SQLite's stay in migrations/.
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/db/schema-pg.ts',
  out: './migrations-pg',
});
