/**
 * What a member can do with a request from its page: cancel it while it is
 * pending (DELETE /api/v1/media/requests/:id, after a confirmation) and, for
 * administrators, retry it in Overseerr (POST …/retry). Each action has its
 * own busy flag and last error. Once cancelled, the focus moves to the
 * message that says so (`cancelledRef`), where the Cancel button was.
 */
import { api } from '../api/client';
import type { MediaRequest, MediaRequestDetail } from '../api/types';
import { i18next } from '../i18n';
import type { ApiData } from './use-api-data';
import { useAsyncAction } from './use-async-action';
import { confirmFrom, useFocusNext } from './use-focus-next';

export function useRequestActions(request: ApiData<MediaRequestDetail>) {
  const cancelling = useAsyncAction();
  const retrying = useAsyncAction();
  const focus = useFocusNext();

  /** `button`: the Cancel button, which keeps the focus when the member thinks better of it. */
  const cancel = async (r: MediaRequest, button: HTMLElement | null) => {
    if (!confirmFrom(button, i18next.t('requests:actions.confirmCancel', { title: r.title }))) return;
    await cancelling.run(async () => {
      const { request: cancelled } = await api.delete('/api/v1/media/requests/:id', { id: r.id });
      // The answer is the request without its history: keep the timeline shown until the page re-reads it.
      request.setData((current) => (current ? { ...current, ...cancelled } : current));
      focus.moveFocus();
    });
  };

  const retry = (r: MediaRequest) =>
    retrying.run(async () => {
      request.setData((await api.post('/api/v1/media/requests/:id/retry', undefined, { id: r.id })).request);
    });

  return {
    cancel,
    retry,
    cancelling: cancelling.busy,
    cancelError: cancelling.error,
    cancelled: cancelling.done,
    cancelledRef: focus.target,
    retrying: retrying.busy,
    retryError: retrying.error,
  };
}
