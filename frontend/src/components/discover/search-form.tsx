/** The search box of /discover: submitting puts the query in the address (`?q=`), so back, forward and reload keep it. */
import { useEffect, useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router-dom';
import './search-form.css';

export function SearchForm({ initial }: { initial: string }) {
  const { t } = useTranslation('search');
  const [, setParams] = useSearchParams();
  const [text, setText] = useState(initial);
  const inputId = useId();
  useEffect(() => setText(initial), [initial]);
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const q = text.trim();
    if (q) setParams({ q });
  };
  return (
    <form role="search" className="search-form" onSubmit={onSubmit}>
      <label htmlFor={inputId}>{t('form.label')}</label>
      <div className="search-row">
        <input
          id={inputId}
          type="search"
          name="q"
          value={text}
          onChange={(e) => setText(e.target.value)}
          placeholder={t('form.placeholder')}
          autoComplete="off"
          maxLength={200}
        />
        <button type="submit" className="button button-primary" disabled={!text.trim()}>
          {t('form.submit')}
        </button>
      </div>
    </form>
  );
}
