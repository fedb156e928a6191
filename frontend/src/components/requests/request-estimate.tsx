/** When the download queue gives no ETA: how long similar requests took, labelled as the estimate it is. */
import { useTranslation } from 'react-i18next';
import { estimateText } from '../../api/estimate';
import type { MediaRequestDetail } from '../../api/types';

export function RequestEstimate({ estimate }: { estimate: NonNullable<MediaRequestDetail['estimate']> }) {
  const { t } = useTranslation('requests');
  const text = estimateText(estimate);
  return (
    <section aria-labelledby="estimate-heading" className="estimate">
      <h2 id="estimate-heading" className="section-title">
        {t('estimate.heading')}
      </h2>
      <p>
        <strong>{text.headline}</strong>
      </p>
      <p className="muted">{text.basis}</p>
    </section>
  );
}
