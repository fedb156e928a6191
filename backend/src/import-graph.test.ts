/**
 * The shape of the house, checked over the import graph of the production
 * source (tests left out; type-only imports count): feature folders never
 * import each other in a loop, and the layers under features/ (observability,
 * db, cache, redis, jobs, resilience, integrations, http, realtime) import no
 * feature and no composition root. docs/architecture.md draws the layers.
 */
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const SRC = __dirname;
const LOWER_LAYERS = ['observability', 'db', 'cache', 'redis', 'jobs', 'resilience', 'integrations', 'http', 'realtime'];
/**
 * Top-level modules any layer may use: the error type, the settings, start-up failures, DATA_DIR, secret
 * comparison, the program's own paths and the V8 flags it runs with (constants only).
 */
const SHARED = ['errors', 'config', 'startup-error', 'data-dir', 'secret-compare', 'paths', 'launch-flags'];

/** features/<name> for a feature's file, the top folder for any other, the file itself at the top level. */
function folderOf(file: string): string {
  const parts = path.relative(SRC, file).split(path.sep);
  if (parts[0] === 'features' && parts.length > 2) return `features/${parts[1]}`;
  return parts.length > 1 ? parts[0]! : parts[0]!.replace(/\.ts$/, '');
}

function resolve(from: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const base = path.resolve(path.dirname(from), specifier);
  return [`${base}.ts`, path.join(base, 'index.ts')].find((candidate) => fs.existsSync(candidate));
}

/** Folder → the folders its production files import (relative imports inside src only). */
function folderGraph(): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  const files = fs
    .readdirSync(SRC, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.endsWith('.d.ts'))
    .map((f) => path.join(SRC, f));
  for (const file of files) {
    const from = folderOf(file);
    const edges = graph.get(from) ?? new Set<string>();
    graph.set(from, edges);
    for (const { fileName } of ts.preProcessFile(fs.readFileSync(file, 'utf8'), true, true).importedFiles) {
      const target = resolve(file, fileName);
      if (target && folderOf(target) !== from) edges.add(folderOf(target));
    }
  }
  return graph;
}

/** Every elementary loop through the given folders, each named once from its smallest folder: "a → b → a". */
function loops(graph: Map<string, Set<string>>, within: (folder: string) => boolean): string[] {
  const found = new Set<string>();
  const walk = (start: string, at: string, trail: string[]) => {
    for (const next of graph.get(at) ?? []) {
      if (!within(next) || next < start) continue;
      if (next === start) found.add([...trail, start].join(' → '));
      else if (!trail.includes(next)) walk(start, next, [...trail, next]);
    }
  };
  for (const folder of [...graph.keys()].filter(within)) walk(folder, folder, [folder]);
  return [...found].sort();
}

describe('the import graph', () => {
  const graph = folderGraph();

  it('has no loop between feature folders', () => {
    expect(graph.size).toBeGreaterThan(10);
    expect(loops(graph, (folder) => folder.startsWith('features/'))).toEqual([]);
  });

  it('finds a loop when there is one', () => {
    const looped = new Map([
      ['features/a', new Set(['features/b', 'http'])],
      ['features/b', new Set(['features/c'])],
      ['features/c', new Set(['features/a'])],
    ]);
    expect(loops(looped, (folder) => folder.startsWith('features/'))).toEqual(['features/a → features/b → features/c → features/a']);
  });

  it('has the layers under features/ import no feature and no composition root', () => {
    const allowed = new Set([...LOWER_LAYERS, ...SHARED]);
    const upward = LOWER_LAYERS.flatMap((layer) =>
      [...(graph.get(layer) ?? [])].filter((target) => !allowed.has(target)).map((target) => `${layer} → ${target}`),
    );
    expect(upward).toEqual([]);
  });
});
