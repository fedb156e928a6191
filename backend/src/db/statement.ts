/**
 * Reads the shape of a SQL statement for metrics and logs: its operation, its
 * main table, and a version with literal values removed.
 */
export type QueryOperation = 'select' | 'insert' | 'update' | 'delete' | 'other';

const IDENT = String.raw`(?:"((?:[^"]|"")+)"|([a-zA-Z_][\w$]*))(?:\.(?:"((?:[^"]|"")+)"|([a-zA-Z_][\w$]*)))?`;
const TABLE_AFTER: Record<Exclude<QueryOperation, 'other'>, RegExp> = {
  select: new RegExp(String.raw`\bfrom\s+` + IDENT, 'i'),
  insert: new RegExp(String.raw`\binto\s+` + IDENT, 'i'),
  update: new RegExp(String.raw`^\s*(?:with\b[\s\S]*?\))?\s*update\s+` + IDENT, 'i'),
  delete: new RegExp(String.raw`\bdelete\s+from\s+` + IDENT, 'i'),
};

/** Tables a label may carry; anything else becomes "other" so labels stay bounded. */
let knownTables: ReadonlySet<string> | undefined;
export function setKnownTables(tables: Iterable<string>): void {
  knownTables = new Set(tables);
}

export function parseStatement(sql: string): { operation: QueryOperation; table: string } {
  const head = /^\s*(?:\/\*[\s\S]*?\*\/\s*)*(\w+)/.exec(sql)?.[1]?.toLowerCase();
  let operation: QueryOperation = 'other';
  if (head === 'select' || head === 'insert' || head === 'update' || head === 'delete') operation = head;
  else if (head === 'with') {
    const main = /\)\s*(select|insert|update|delete)\b/i.exec(sql)?.[1]?.toLowerCase();
    if (main) operation = main as QueryOperation;
  }
  if (operation === 'other') return { operation, table: 'none' };
  const m = TABLE_AFTER[operation].exec(sql);
  if (!m) return { operation, table: 'none' };
  const schemaOrTable = (m[1] ?? m[2] ?? '').replace(/""/g, '"');
  const tableInSchema = m[3] ?? m[4];
  const table = (tableInSchema ?? schemaOrTable).toLowerCase();
  if (knownTables && !knownTables.has(table)) return { operation, table: 'other' };
  return { operation, table };
}

/** The statement without literal values: strings, numbers and parameter lists collapsed. */
export function statementShape(sql: string, maxLength = 500): string {
  const shape = sql
    .replace(/'(?:[^']|'')*'/g, '?')
    .replace(/\b\d+(?:\.\d+)?\b/g, '?')
    .replace(/\s+/g, ' ')
    .trim();
  return shape.length > maxLength ? shape.slice(0, maxLength) + '…' : shape;
}
