/**
 * What a member can do with a request from its page: cancel it while it is
 * pending (DELETE /api/v1/media/requests/:id, after a confirmation) and, for
 * administrators, retry it in Overseerr (POST …/retry). Each action has its
 * own busy flag and last error.
 */
import { api } from '../api/client';
import type { MediaRequest, MediaRequestDetail } from '../api/types';
import { i18next } from '../i18n';
import type { ApiData } from './use-api-data';
import { useAsyncAction } from './use-async-action';

export function useRequestActions(request: ApiData<MediaRequestDetail>) {
  const cancelling = useAsyncAction();
  const retrying = useAsyncAction();

  const cancel = async (r: MediaRequest) => {
    if (!window.confirm(i18next.t('requests:actions.confirmCancel', { title: r.title }))) return;
    await cancelling.run(async () => {
      const { request: cancelled } = await api.delete('/api/v1/media/requests/:id', { id: r.id });
      // The answer is the request without its history: keep the timeline shown until the page re-reads it.
      request.setData((current) => (current ? { ...current, ...cancelled } : current));
    });
  };

  const retry = (r: MediaRequest) =>
    retrying.run(async () => {
      request.setData((await api.post('/api/v1/media/requests/:id/retry', undefined, { id: r.id })).request);
    });

  return { cancel, retry, cancelling: cancelling.busy, cancelError: cancelling.error, retrying: retrying.busy, retryError: retrying.error };
}
