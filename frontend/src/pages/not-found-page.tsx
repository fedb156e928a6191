/** Any path that matches no page. */
import { Trans, useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { Page } from '../components/page';

export function NotFoundPage() {
  const { t } = useTranslation('nav');
  return (
    <Page title={t('notFound.title')} ready>
      <p>
        <Trans t={t} i18nKey="notFound.body" components={{ go: <Link to="/" /> }} />
      </p>
    </Page>
  );
}
