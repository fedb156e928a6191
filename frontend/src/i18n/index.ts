/**
 * The web app's languages (i18next + react-i18next). Every string a member reads comes from
 * `locales/<language>/<namespace>.json`, bundled with the app (a few KB each), so a page never
 * waits for a translation. The language follows the browser until the member picks one on the
 * Account page; `setLanguage` applies a stored choice.
 *
 * Namespaces split the strings by area (`common` for what every page shares, one per feature),
 * so a translator works on one small file at a time. `locales.test.ts` fails on any key missing
 * from a language, any empty value and any placeholder a translation drops.
 */
import { languages, type Language } from '@medianest/contracts';
import i18next, { type Resource } from 'i18next';
import LanguageDetector from 'i18next-browser-languagedetector';
import { initReactI18next } from 'react-i18next';

/** The contract's languages: the server stores a member's choice among the same ones. */
export const LANGUAGES = languages;
export type { Language };
export const DEFAULT_NAMESPACE = 'common';

/** `locales/de/discover.json` → resources.de.discover; eager, so every string is in the bundle. */
const files = import.meta.glob<Record<string, unknown>>('./locales/*/*.json', { eager: true, import: 'default' });

export function bundledResources(): Resource {
  const resources: Resource = {};
  for (const [file, strings] of Object.entries(files)) {
    const match = /\.\/locales\/([a-z]{2})\/([\w-]+)\.json$/.exec(file);
    if (!match) continue;
    const [, language, namespace] = match as unknown as [string, string, string];
    resources[language] = { ...resources[language], [namespace]: strings };
  }
  return resources;
}

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

/** Starts i18next once; `lng` pins the language (tests), otherwise the browser's is detected. */
export function initI18n(lng?: Language) {
  if (i18next.isInitialized) return i18next;
  const resources = bundledResources();
  void i18next
    .use(LanguageDetector)
    .use(initReactI18next)
    .init({
      resources,
      ns: Object.keys(resources.en ?? {}),
      defaultNS: DEFAULT_NAMESPACE,
      lng,
      fallbackLng: 'en',
      supportedLngs: [...LANGUAGES],
      nonExplicitSupportedLngs: true,
      load: 'languageOnly',
      // The member's stored choice is applied by setLanguage; otherwise the browser's languages decide.
      detection: { order: ['navigator'], caches: [] },
      interpolation: { escapeValue: false },
      returnNull: false,
      initAsync: false,
    });
  // Plain modules (formatting, unit tests in Node) use i18next without a document.
  if (typeof document !== 'undefined') {
    document.documentElement.lang = currentLanguage();
    i18next.on('languageChanged', () => {
      document.documentElement.lang = currentLanguage();
    });
  }
  return i18next;
}

/** The language the web app speaks now ('en' before i18next starts): what `Intl` formats in. */
export function currentLanguage(): Language {
  const language = i18next.resolvedLanguage;
  return isLanguage(language) ? language : 'en';
}

/**
 * Applies a member's stored language (null or unset: follow the browser again). Called with the
 * session on every page load and sign-in, and by the Account page's picker.
 */
export async function setLanguage(language: Language | null | undefined) {
  // Without a language, i18next asks its detector again: the browser's languages decide.
  await i18next.changeLanguage(language ?? undefined);
}

export { i18next };
