/** The first billed cast members, with the characters they play. */
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import type { CastMember } from '../../api/types';

export function TitleCast({ cast }: { cast: CastMember[] }) {
  const { t } = useTranslation('title');
  const headingId = useId();
  if (cast.length === 0) return null;
  return (
    <section aria-labelledby={headingId}>
      <h2 id={headingId} className="section-title">
        {t('castHeading')}
      </h2>
      <ul className="title-cast">
        {cast.map((c, i) => (
          <li key={`${c.name}-${i}`}>
            <span className="title-cast-name">{c.name}</span>
            {c.character && <span className="muted"> {t('asCharacter', { character: c.character })}</span>}
          </li>
        ))}
      </ul>
    </section>
  );
}
