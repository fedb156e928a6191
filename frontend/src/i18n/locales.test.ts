/**
 * Translations are complete: every language has every key of English (and no key English lacks),
 * no value is empty, every {{placeholder}} of the English string is kept, and every key the source
 * asks for with `t('…')` or `<Trans i18nKey="…">` exists in English, and so does the word for every
 * value the contract can send (statuses, error codes and reasons), which pages look up by value. A
 * missing translation fails here, not in front of a member.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  availabilities,
  errorCodes,
  errorReasons,
  issueStatuses,
  issueTypes,
  notificationChannelKinds,
  notificationEvents,
  requestStatuses,
  seasonStates,
  serviceStatuses,
  timelineSteps,
} from '@medianest/contracts';
import { describe, expect, it } from 'vitest';
import { LANGUAGES } from './index';

const here = path.dirname(fileURLToPath(import.meta.url));
const src = path.resolve(here, '..');

type Strings = { [key: string]: string | Strings };

function flatten(strings: Strings, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(strings)) {
    const full = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'string') out.set(full, value);
    else for (const [k, v] of flatten(value, full)) out.set(k, v);
  }
  return out;
}

function load(language: string) {
  const dir = path.join(here, 'locales', language);
  const namespaces = new Map<string, Map<string, string>>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
    namespaces.set(file.replace(/\.json$/, ''), flatten(JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as Strings));
  }
  return namespaces;
}

/** A plural key (`count_one`, `count_other`…) is asked for by its base name. */
function baseKey(key: string) {
  return key.replace(/_(zero|one|two|few|many|other)$/, '');
}

/** The {{placeholders}} and <tags> (the links and emphasis `<Trans>` fills in) a string uses. */
const placeholders = (text: string) => [...text.matchAll(/\{\{\s*(\w+)|<(\w+)>/g)].map((m) => m[1] ?? `<${m[2]}>`).sort();

const english = load('en');

describe('translations', () => {
  for (const language of LANGUAGES.filter((l) => l !== 'en')) {
    it(`${language} has every English key, none empty, and keeps every placeholder`, () => {
      const other = load(language);
      expect([...other.keys()].sort()).toEqual([...english.keys()].sort());
      const problems: string[] = [];
      for (const [ns, keys] of english) {
        const translated = other.get(ns) ?? new Map<string, string>();
        const englishBases = new Set([...keys.keys()].map(baseKey));
        const otherBases = new Set([...translated.keys()].map(baseKey));
        for (const base of englishBases) if (!otherBases.has(base)) problems.push(`${ns}:${base} missing`);
        for (const base of otherBases) if (!englishBases.has(base)) problems.push(`${ns}:${base} not in English`);
        for (const [key, value] of translated) {
          if (!value.trim()) problems.push(`${ns}:${key} is empty`);
          const source = keys.get(key) ?? keys.get(`${baseKey(key)}_other`);
          if (source !== undefined && placeholders(value).join() !== placeholders(source).join()) {
            problems.push(`${ns}:${key} placeholders ${placeholders(value).join()} ≠ ${placeholders(source).join()}`);
          }
        }
      }
      expect(problems).toEqual([]);
    });
  }

  it('every key the source asks for exists in English', () => {
    const problems: string[] = [];
    const walk = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
        e.isDirectory()
          ? walk(path.join(dir, e.name))
          : /\.tsx?$/.test(e.name) && !/\.test\.tsx?$/.test(e.name)
            ? [path.join(dir, e.name)]
            : [],
      );
    for (const file of walk(src)) {
      const code = readFileSync(file, 'utf8');
      const ns = /useTranslation\(\s*'([\w-]+)'/.exec(code)?.[1] ?? 'common';
      for (const match of code.matchAll(/\bt\(\s*'([\w.:-]+)'|\bi18nKey="([\w.:-]+)"/g)) {
        const asked = (match[1] ?? match[2])!;
        const [namespace, key] = asked.includes(':') ? asked.split(':') : [ns, asked];
        const keys = english.get(namespace!);
        const known = keys && (keys.has(key!) || [...keys.keys()].some((k) => baseKey(k) === key));
        if (!known) problems.push(`${path.relative(src, file)}: ${namespace}:${key}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('names <Trans> tags so the HTML parser keeps their text (a void element such as <link> swallows it)', () => {
    const voids = /<(area|base|br|col|embed|hr|img|input|link|meta|param|source|track|wbr)>/;
    const offenders = [...english].flatMap(([ns, keys]) => [...keys].filter(([, v]) => voids.test(v)).map(([k]) => `${ns}:${k}`));
    expect(offenders).toEqual([]);
  });

  it('has words for every value the contract sends that pages look up by value', () => {
    const wanted = [
      ...requestStatuses.map((v) => `common:requestStatus.${v}`),
      ...[...serviceStatuses, 'unknown'].map((v) => `common:serviceState.${v}`),
      ...availabilities.map((v) => `common:availability.${v}`),
      ...issueStatuses.map((v) => `common:issueStatus.${v}`),
      ...seasonStates.map((v) => `requests:seasonState.${v}`),
      ...timelineSteps.map((v) => `requests:timeline.step.${v}`),
      ...requestStatuses.map((v) => `requests:live.${v}`),
      ...issueTypes.flatMap((v) => [`problems:kind.${v}`, `problems:form.types.${v}`]),
      ...notificationEvents.map((v) => `notifications:events.${v}`),
      ...notificationChannelKinds.map((v) => `notifications:kinds.${v}`),
      ...errorCodes.map((v) => `errors:code.${v}`),
      ...errorReasons.map((v) => `errors:reason.${v}`),
      'errors:status.client',
      'errors:status.server',
    ];
    const missing = wanted.filter((k) => {
      const [ns, key] = k.split(':') as [string, string];
      return !english.get(ns)?.has(key);
    });
    expect(missing).toEqual([]);
  });
});
