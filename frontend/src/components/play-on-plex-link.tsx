/** Opens the item in Plex Web, which plays it from the household's server. */
import { useTranslation } from 'react-i18next';

export function PlayOnPlexLink({ url, title, small = false }: { url: string; title: string; small?: boolean }) {
  const { t } = useTranslation('common');
  return (
    <a
      className={`button button-plex${small ? ' button-small' : ''}`}
      href={url}
      target="_blank"
      rel="noopener noreferrer"
      aria-label={t('playOnPlexLabel', { title })}
    >
      ▶ {t('playOnPlex')}
    </a>
  );
}
