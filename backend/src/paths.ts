/**
 * Where the program's files are, the same whether it runs from `dist/` file by
 * file, from the bundle (`dist/main.bundle.js`, one file built by scripts/bundle.mjs) or
 * from `src/` under the tests: this module sits at the top of the code folder,
 * like the entry points, so its `__dirname` is the code folder in all three.
 * Modules deeper down must not use their own `__dirname`: in the bundle it is
 * the bundle's folder, not theirs.
 */
import path from 'node:path';

/** `backend/dist` (or `backend/src` under the tests). */
export const CODE_DIR = __dirname;
/** `backend/`: package.json and the SQL migrations (`drizzle/`). */
export const BACKEND_DIR = path.resolve(__dirname, '..');
