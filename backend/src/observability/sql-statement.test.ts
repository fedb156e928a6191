import { describe, expect, it } from 'vitest';
import { parseStatement, setKnownTables, statementShape } from './sql-statement';

setKnownTables(['users', 'sessions', 'media_requests']);

describe('parseStatement', () => {
  it.each([
    ['select "id", "username" from "users" where "users"."id" = $1 limit $2', 'select', 'users'],
    ['insert into "sessions" ("id", "user_id") values ($1, $2) returning "id"', 'insert', 'sessions'],
    ['update "media_requests" set "status" = $1 where "media_requests"."id" = $2', 'update', 'media_requests'],
    ['delete from "sessions" where ("sessions"."expires_at" < $1)', 'delete', 'sessions'],
    ['SELECT count(*)::int FROM public.users', 'select', 'users'],
    ['/* drizzle */ select 1 from "users"', 'select', 'users'],
    ['with recent as (select * from "sessions") select * from recent', 'select', 'sessions'],
  ])('reads %s as %s on %s', (sql, operation, table) => {
    expect(parseStatement(sql)).toEqual({ operation, table });
  });

  it('labels tables outside the schema "other", so a query cannot mint label values', () => {
    expect(parseStatement('select * from "drizzle"."__drizzle_migrations"')).toEqual({ operation: 'select', table: 'other' });
    expect(parseStatement(`select * from tmp_${Date.now()}`)).toEqual({ operation: 'select', table: 'other' });
  });

  it('answers repeated statements consistently, and re-reads them when the known tables change', () => {
    const sql = 'select * from "late_table" where "id" = $1';
    expect(parseStatement(sql)).toEqual({ operation: 'select', table: 'other' });
    expect(parseStatement(sql)).toEqual({ operation: 'select', table: 'other' });
    setKnownTables(['users', 'sessions', 'media_requests', 'late_table']);
    expect(parseStatement(sql)).toEqual({ operation: 'select', table: 'late_table' });
    setKnownTables(['users', 'sessions', 'media_requests']);
    expect(parseStatement(sql)).toEqual({ operation: 'select', table: 'other' });
  });

  it('stays correct past its memo bound (many distinct statements)', () => {
    for (let i = 0; i < 2000; i++) expect(parseStatement(`delete from "sessions" where "id" = '${i}'`).operation).toBe('delete');
    expect(parseStatement('update "users" set "role" = $1')).toEqual({ operation: 'update', table: 'users' });
  });

  it('reads statements without a table, and non-DML, as bounded values', () => {
    expect(parseStatement('SELECT 1')).toEqual({ operation: 'select', table: 'none' });
    expect(parseStatement('SELECT pg_sleep(1.1)')).toEqual({ operation: 'select', table: 'none' });
    expect(parseStatement('BEGIN')).toEqual({ operation: 'other', table: 'none' });
    expect(parseStatement('CREATE TABLE x (id int)')).toEqual({ operation: 'other', table: 'none' });
  });
});

describe('statementShape', () => {
  it('removes string and number literals but keeps placeholders and identifiers', () => {
    expect(statementShape(`select * from "users" where "username" = 'alice' and "age" > 42 and "id" = $1`)).toBe(
      'select * from "users" where "username" = ? and "age" > ? and "id" = $1',
    );
  });

  it('removes escaped, E-prefixed and dollar-quoted strings whole', () => {
    const shape = statementShape(`select 'it''s secret', E'hunter\\'2', $$dollar secret$$, $tag$tagged secret$tag$ from "t1"`);
    expect(shape).toBe('select ?, ?, ?, ? from "t1"');
    expect(shape).not.toMatch(/secret|hunter/);
  });

  it('drops comments, which may carry values', () => {
    expect(statementShape(`select 1 -- token abc123\nfrom x /* password=hunter2 */ where y = 'a--b'`)).toBe('select ? from x where y = ?');
  });

  it('collapses lists of values and placeholders', () => {
    expect(statementShape('select * from "users" where "id" in ($1, $2, $3)')).toBe('select * from "users" where "id" in (…)');
    expect(statementShape("insert into t values (1, 'a', 2.5)")).toBe('insert into t values (…)');
  });

  it('keeps digits that are part of identifiers', () => {
    expect(statementShape('select col1 from "table2" where v3 = 7')).toBe('select col1 from "table2" where v3 = ?');
  });

  it('bounds the length', () => {
    const long = statementShape(`select ${'"a", '.repeat(500)}"b" from t`, 100);
    expect(long.length).toBe(101);
    expect(long.endsWith('…')).toBe(true);
  });
});
