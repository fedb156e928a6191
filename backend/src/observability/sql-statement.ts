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

/**
 * Every query is parsed for its metric labels (and its span), and Drizzle sends
 * the same few statement texts over and over: results are memoized per text,
 * a bounded number of (not too long) texts, oldest dropped first.
 */
const MEMO_ENTRIES = 500;
const MEMO_MAX_SQL_LENGTH = 4000;

function memoized<T>(compute: (sql: string) => T): ((sql: string) => T) & { clear(): void } {
  const memo = new Map<string, T>();
  const lookup = (sql: string): T => {
    const known = memo.get(sql);
    if (known !== undefined) return known;
    const value = compute(sql);
    if (sql.length <= MEMO_MAX_SQL_LENGTH) {
      if (memo.size >= MEMO_ENTRIES) memo.delete(memo.keys().next().value as string);
      memo.set(sql, value);
    }
    return value;
  };
  return Object.assign(lookup, { clear: () => memo.clear() });
}

/** Tables a label may carry; anything else becomes "other" so labels stay bounded. */
let knownTables: ReadonlySet<string> | undefined;
export function setKnownTables(tables: Iterable<string>): void {
  knownTables = new Set(tables);
  parseMemo.clear();
}

export type ParsedStatement = Readonly<{ operation: QueryOperation; table: string }>;

const parseMemo = memoized((sql): ParsedStatement => Object.freeze(parse(sql)));

/** The operation and main table of a statement, for metric labels and span names. */
export function parseStatement(sql: string): ParsedStatement {
  return parseMemo(sql);
}

function parse(sql: string): { operation: QueryOperation; table: string } {
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

/**
 * Literals and comments in one pass, so a quote inside a comment or a `--`
 * inside a string is read the way PostgreSQL reads it. Double-quoted
 * identifiers are matched (and kept) so their contents are not mistaken for
 * literals.
 */
const LEXEMES =
  /("(?:[^"]|"")*")|\b[eE]'(?:[^'\\]|\\[\s\S]|'')*'|'(?:[^']|'')*'|\$([A-Za-z_]\w*)?\$[\s\S]*?\$\2\$|(--[^\n]*|\/\*[\s\S]*?\*\/)|(?<![\w$])\d+(?:\.\d+)?(?:e[+-]?\d+)?\b/gi;

/**
 * The statement without literal values or comments: strings (plain, E'' and
 * dollar-quoted) and numbers become `?`, lists of placeholders collapse to
 * `(…)`; `$n` placeholders stay (they are not values).
 */
export function statementShape(sql: string, maxLength = SHAPE_MAX_LENGTH): string {
  return maxLength === SHAPE_MAX_LENGTH ? shapeMemo(sql) : shapeOf(sql, maxLength);
}

const SHAPE_MAX_LENGTH = 500;
const shapeMemo = memoized((sql) => shapeOf(sql, SHAPE_MAX_LENGTH));

function shapeOf(sql: string, maxLength: number): string {
  const shape = sql
    .replace(LEXEMES, (_match: string, identifier?: string, _tag?: string, comment?: string) =>
      identifier !== undefined ? identifier : comment !== undefined ? ' ' : '?',
    )
    .replace(/\(\s*(?:\?|\$\d+)(?:\s*,\s*(?:\?|\$\d+))+\s*\)/g, '(…)')
    .replace(/\s+/g, ' ')
    .trim();
  return shape.length > maxLength ? shape.slice(0, maxLength) + '…' : shape;
}
