/**
 * The server's translations are complete, as the web app's are: every language has every key of
 * English (and none English lacks), no value is empty, and every {{placeholder}} of the English
 * string is kept — a missing word fails here, not in a member's notification.
 */
import { languages } from '@medianest/contracts';
import { describe, expect, it } from 'vitest';
import { SERVER_LOCALES, translatorFor } from './index';

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

const placeholders = (text: string) => [...text.matchAll(/\{\{\s*(\w+)/g)].map((m) => m[1]).sort();

describe('server translations', () => {
  const english = SERVER_LOCALES.en as Record<string, Strings>;

  for (const language of languages.filter((l) => l !== 'en')) {
    it(`${language} has every English key, none empty, and keeps every placeholder`, () => {
      const other = SERVER_LOCALES[language] as Record<string, Strings>;
      expect(Object.keys(other).sort()).toEqual(Object.keys(english).sort());
      const problems: string[] = [];
      for (const [ns, strings] of Object.entries(english)) {
        const source = flatten(strings);
        const translated = flatten(other[ns] ?? {});
        for (const key of source.keys()) if (!translated.has(key)) problems.push(`${ns}:${key} missing`);
        for (const [key, value] of translated) {
          if (!source.has(key)) problems.push(`${ns}:${key} not in English`);
          if (!value.trim()) problems.push(`${ns}:${key} is empty`);
          const from = source.get(key);
          if (from !== undefined && placeholders(value).join() !== placeholders(from).join()) problems.push(`${ns}:${key} placeholders`);
        }
      }
      expect(problems).toEqual([]);
    });
  }

  it('falls back to English for a member without a language, or with one MediaNest does not speak', () => {
    expect(translatorFor(null).t('test.title')).toBe('MediaNest test notification');
    expect(translatorFor('tlh').language).toBe('en');
    expect(translatorFor('de').t('test.title')).toBe('MediaNest-Testbenachrichtigung');
  });
});
