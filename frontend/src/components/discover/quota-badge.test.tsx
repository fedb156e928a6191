/** The quota badge under a Request button: short text on screen, the full sentence for screen readers and the tooltip. */
import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { QuotaBadge } from './quota-badge';

describe('QuotaBadge', () => {
  it('shows how many requests of this kind are left', () => {
    const { container } = render(
      <QuotaBadge mediaType="tv" quota={{ movie: null, tv: { limit: 10, days: 30, used: 4, remaining: 6, nextFreeAt: null } }} />,
    );
    expect(screen.getByText('6 of 10 left')).toHaveAttribute('aria-hidden', 'true');
    expect(screen.getByText('6 of your 10 TV season requests left for the last 30 days.')).toHaveClass('visually-hidden');
    expect(container.querySelector('.badge')).toHaveClass('badge-muted');
    expect(container.querySelector('.badge')).toHaveAttribute('title', '6 of your 10 TV season requests left for the last 30 days.');
  });

  it('warns when the quota is used up, with when the next request frees up', () => {
    const nextFreeAt = '2026-12-09T14:00:00.000Z';
    const when = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short' }).format(new Date(nextFreeAt));
    const { container } = render(
      <QuotaBadge mediaType="movie" quota={{ movie: { limit: 5, days: 7, used: 5, remaining: 0, nextFreeAt }, tv: null }} />,
    );
    expect(screen.getByText(`Quota used · next ${when}`)).toBeInTheDocument();
    expect(
      screen.getByText(`You have used your 5 movie requests for the last 7 days; the next one frees up on ${when}.`),
    ).toBeInTheDocument();
    expect(container.querySelector('.badge')).toHaveClass('badge-warning');
  });

  it('shows nothing for a member without a quota, or before the quota is known', () => {
    const { container } = render(<QuotaBadge mediaType="movie" quota={{ movie: null, tv: null }} />);
    expect(container).toBeEmptyDOMElement();
    const { container: loading } = render(<QuotaBadge mediaType="movie" quota={undefined} />);
    expect(loading).toBeEmptyDOMElement();
  });
});
