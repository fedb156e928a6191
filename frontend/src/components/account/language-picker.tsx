/**
 * The member's language (PATCH /api/v1/auth/account): one of the languages MediaNest speaks, each
 * named in itself, or "Browser default". Stored with the account, so it follows the member to every
 * browser; applied at once.
 */
import { languages, type Language } from '@medianest/contracts';
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { useSession, useUser } from '../../app/session';
import { useAsyncAction } from '../../hooks/use-async-action';
import { ErrorMessage, Notice } from '../feedback';

/** A language's own name ("Deutsch", "Français"), so a member finds theirs whatever the page speaks now. */
export function nativeName(language: Language): string {
  const name = new Intl.DisplayNames([language], { type: 'language' }).of(language) ?? language;
  return name.charAt(0).toLocaleUpperCase(language) + name.slice(1);
}

export function LanguagePicker() {
  const { t } = useTranslation('account');
  const user = useUser();
  const { updateUser } = useSession();
  const save = useAsyncAction();
  const id = useId();

  const choose = (value: string) =>
    save.run(async () => {
      const language = languages.find((l) => l === value) ?? null;
      updateUser((await api.patch('/api/v1/auth/account', { language })).user);
    });

  return (
    <section className="account-form" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>{t('language.heading')}</h2>
      <div className="field">
        <label htmlFor={id}>{t('language.label')}</label>
        <select id={id} value={user.language ?? ''} disabled={save.busy} onChange={(e) => void choose(e.target.value)}>
          <option value="">{t('language.browser')}</option>
          {languages.map((l) => (
            <option key={l} value={l} lang={l}>
              {nativeName(l)}
            </option>
          ))}
        </select>
        <span className="muted">{t('language.hint')}</span>
      </div>
      {save.error && <ErrorMessage message={save.error} />}
      {save.done && <Notice tone="success">{t('language.saved')}</Notice>}
    </section>
  );
}
