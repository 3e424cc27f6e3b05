// Creates a PGlite data folder in a short-lived process of its own: initdb needs ~600 MB that the
// server process would otherwise never give back. Run as `node pglite-init.js <dataDir>`.
import { PGlite } from '@electric-sql/pglite';
import { PGLITE_SETTINGS } from './pglite-settings.ts';

const db = await PGlite.create(process.argv[2]!);
for (const setting of PGLITE_SETTINGS) await db.exec(`ALTER SYSTEM SET ${setting}`);
await db.close();
