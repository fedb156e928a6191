/** Any path that matches no page. */
import { Link } from 'react-router-dom';
import { Page } from '../components/page';

export function NotFoundPage() {
  return (
    <Page title="Page not found" ready>
      <p>
        There is nothing at this address. <Link to="/">Go to the dashboard</Link>.
      </p>
    </Page>
  );
}
