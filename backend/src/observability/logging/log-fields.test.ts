/**
 * One spelling for ids of users in log lines: `user_id` (and `<service>_user_id`
 * for an upstream's user), as the request context writes it — so one Loki query
 * (`| json | user_id="…"`) finds every line about a member. Checked over every
 * logger call in the source, and on a line the analytics write.
 */
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger, logger, setLogger } from './logger';
import { analytics } from '../metrics/analytics';

const SRC = path.resolve(__dirname, '../..');
const LOG_METHODS = new Set(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'child']);

function sourceFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.endsWith('.d.ts'))
    .map((f) => path.join(dir, f));
}

/** Field names of object literals passed first to a pino method (`logger().info({ … }, …)`, `log.child({ … })`). */
function logFieldNames(file: string): { name: string; line: number }[] {
  const source = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const found: { name: string; line: number }[] = [];
  const collect = (obj: ts.ObjectLiteralExpression) => {
    for (const prop of obj.properties) {
      if ((ts.isPropertyAssignment(prop) || ts.isShorthandPropertyAssignment(prop)) && prop.name && !ts.isComputedPropertyName(prop.name)) {
        found.push({ name: prop.name.text, line: source.getLineAndCharacterOfPosition(prop.getStart()).line + 1 });
      }
      if (ts.isPropertyAssignment(prop) && ts.isObjectLiteralExpression(prop.initializer)) collect(prop.initializer);
    }
  };
  const visit = (node: ts.Node) => {
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && LOG_METHODS.has(node.expression.name.text)) {
      const first = node.arguments[0];
      if (first && ts.isObjectLiteralExpression(first)) collect(first);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe('user ids in log lines', () => {
  afterEach(() => setLogger(createLogger({ level: 'silent', version: 'test', environment: 'test' })));

  it('are spelled user_id in every logger call of the backend', () => {
    const wrong: string[] = [];
    for (const file of sourceFiles(SRC)) {
      for (const { name, line } of logFieldNames(file)) {
        if (/user_?id/i.test(name) && !/^([a-z]+_)?user_id$/.test(name)) wrong.push(`${path.relative(SRC, file)}:${line} ${name}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('finds logger calls at all (the scan above is not vacuous)', () => {
    const names = sourceFiles(SRC).flatMap((f) => logFieldNames(f).map((x) => x.name));
    expect(names).toContain('event');
    expect(names.length).toBeGreaterThan(100);
  });

  it('carry user_id on the sign-in line', () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const previous = logger();
    setLogger(createLogger({ level: 'info', version: 'test', environment: 'test', destination }));
    try {
      analytics.trackLogin('local', 'success', 'user-42');
    } finally {
      setLogger(previous);
    }
    const line = JSON.parse(lines.find((l) => l.includes('user.login.success'))!) as Record<string, unknown>;
    expect(line.user_id).toBe('user-42');
    expect(line).not.toHaveProperty('userId');
  });
});
