/**
 * What MediaNest says to a member outside the web app (notification messages on every channel),
 * in the member's stored language — English when they chose none. One i18next instance with the
 * strings of `locales/<language>/<namespace>.json`, loaded at start-up (a few KB); `locales.test.ts`
 * fails on a missing key in any language, an empty value or a dropped placeholder, as the web app's does.
 */
import { languages, type Language } from '@medianest/contracts';
import i18next, { type TFunction } from 'i18next';
import deNotifications from './locales/de/notifications.json';
import enNotifications from './locales/en/notifications.json';
import esNotifications from './locales/es/notifications.json';
import frNotifications from './locales/fr/notifications.json';

export const SERVER_LOCALES = {
  en: { notifications: enNotifications },
  de: { notifications: deNotifications },
  fr: { notifications: frNotifications },
  es: { notifications: esNotifications },
} satisfies Record<Language, Record<string, unknown>>;

const instance = i18next.createInstance();
void instance.init({
  resources: SERVER_LOCALES,
  lng: 'en',
  fallbackLng: 'en',
  supportedLngs: [...languages],
  ns: ['notifications'],
  defaultNS: 'notifications',
  // Messages are plain text (e-mail, chat, push): nothing is HTML-escaped here; each channel escapes its own markup.
  interpolation: { escapeValue: false },
  initAsync: false,
});

/** A stored language when MediaNest speaks it; anything else (null, unknown) is English. */
export function languageOr(language: string | null | undefined): Language {
  return languages.find((l) => l === language) ?? 'en';
}

/** The translate function for one member's language (English when unset). */
export function translatorFor(language: string | null | undefined): { t: TFunction; language: Language } {
  const lng = languageOr(language);
  return { t: instance.getFixedT(lng, 'notifications'), language: lng };
}
