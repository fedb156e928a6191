/**
 * What a build step was made from, as one hash: `scripts/build.mjs` (the web app) and
 * `backend/scripts/bundle.mjs` (the server bundle) keep it beside their output and skip
 * the step when it has not changed.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** The files under `relative` (a folder, or a single file), relative to `root`; none if it is missing. */
export function filesUnder(root, relative) {
  const full = path.join(root, relative);
  if (!fs.existsSync(full)) return [];
  if (!fs.statSync(full).isDirectory()) return [relative];
  return fs
    .readdirSync(full, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)));
}

/** SHA-256 over the names and contents of `files` (relative to `root`), in a stable order. */
export function filesHash(root, files) {
  const hash = createHash('sha256');
  for (const file of [...files].sort()) {
    hash
      .update(file)
      .update('\0')
      .update(fs.readFileSync(path.join(root, file)))
      .update('\0');
  }
  return hash.digest('hex');
}
