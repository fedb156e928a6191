/** When the download queue gives no ETA: how long similar requests took, labelled as the estimate it is. */
import { estimateText } from '../../api/estimate';
import type { MediaRequestDetail } from '../../api/types';

export function RequestEstimate({ estimate }: { estimate: NonNullable<MediaRequestDetail['estimate']> }) {
  const text = estimateText(estimate);
  return (
    <section aria-labelledby="estimate-heading" className="estimate">
      <h2 id="estimate-heading" className="section-title">
        When to expect it
      </h2>
      <p>
        <strong>{text.headline}</strong>
      </p>
      <p className="muted">{text.basis}</p>
    </section>
  );
}
