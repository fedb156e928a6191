/** Live status changes on a list of requests, with the socket's event hook mocked so a test can deliver 'request.updated'. */
import { act, render, screen } from '@testing-library/react';
import { useState } from 'react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { MediaRequest } from '../api/types';
import type { RealtimeEvents } from '../realtime/socket';
import { useLiveRequestUpdates } from './use-live-request-updates';

type Handler = (payload: RealtimeEvents['request.updated']) => void;
const handlers = new Set<Handler>();

vi.mock(import('../realtime/socket'), async (original) => ({
  ...(await original()),
  useRealtimeEvent: ((_event: string, handler: Handler) => {
    handlers.add(handler);
  }) as typeof import('../realtime/socket').useRealtimeEvent,
}));

function emit(event: Partial<RealtimeEvents['request.updated']> & { requestId: number }) {
  const payload = {
    userId: 'u1',
    mediaType: 'movie',
    tmdbId: 1,
    title: 'Dune',
    status: 'approved',
    previousStatus: 'pending',
    ...event,
  } as const;
  act(() => {
    // Only the latest render's handler is live, as in the real hook.
    [...handlers].at(-1)?.(payload);
  });
}

function request(id: number, title: string, status: MediaRequest['status']): MediaRequest {
  return {
    id,
    title,
    status,
    mediaType: 'movie',
    tmdbId: id,
    posterPath: null,
    seasons: null,
    overseerrId: null,
    requestedBy: { id: 'u1', username: 'alice' },
    createdAt: '2026-12-01T10:00:00.000Z',
    updatedAt: '2026-12-01T10:00:00.000Z',
    download: null,
    stalled: false,
  };
}

function RequestList({ initial, only }: { initial: MediaRequest[]; only?: number }) {
  const [list, setList] = useState<MediaRequest[] | undefined>(initial);
  const announcement = useLiveRequestUpdates<MediaRequest>(setList, only);
  return (
    <>
      <p aria-live="polite" data-testid="announcement">
        {announcement}
      </p>
      <ul>
        {list?.map((r) => (
          <li key={r.id}>
            {r.title}: {r.status}
            {r.stalled ? ' (stalled)' : ''}
          </li>
        ))}
      </ul>
    </>
  );
}

beforeEach(() => handlers.clear());

describe('useLiveRequestUpdates', () => {
  it('changes the status in place and announces it', () => {
    render(<RequestList initial={[request(1, 'Dune', 'pending'), request(2, 'Arrival', 'pending')]} />);
    emit({ requestId: 1, title: 'Dune', status: 'approved', previousStatus: 'pending' });
    expect(screen.getByText('Dune: approved')).toBeInTheDocument();
    expect(screen.getByText('Arrival: pending')).toBeInTheDocument();
    expect(screen.getByTestId('announcement')).toHaveTextContent('“Dune” is now approved.');
  });

  it('marks a stalled request without announcing progress that changed no status', () => {
    render(<RequestList initial={[request(1, 'Dune', 'approved')]} />);
    emit({ requestId: 1, status: 'approved', previousStatus: 'approved', stalled: true });
    expect(screen.getByText('Dune: approved (stalled)')).toBeInTheDocument();
    expect(screen.getByTestId('announcement')).toBeEmptyDOMElement();
  });

  it('on a page about one request, ignores the others', () => {
    render(<RequestList initial={[request(1, 'Dune', 'pending')]} only={1} />);
    emit({ requestId: 7, title: 'Someone else’s film', status: 'available', previousStatus: 'processing' });
    expect(screen.getByText('Dune: pending')).toBeInTheDocument();
    expect(screen.getByTestId('announcement')).toBeEmptyDOMElement();
  });
});
