/**
 * A member's linked SSO identities on /admin/users (GET|POST /api/v1/admin/users/:id/identities,
 * DELETE …/:identityId). `linkable` turns false once the server says OpenID Connect is not set up
 * (409 NOT_CONFIGURED), so the page stops offering to link.
 */
import type { LinkedIdentity } from '@medianest/contracts';
import { useState } from 'react';
import { api, ApiError } from '../api/client';
import { useApiData } from './use-api-data';
import { useAsyncAction } from './use-async-action';

export function useIdentities(userId: string) {
  const list = useApiData(
    async (signal) => (await api.get('/api/v1/admin/users/:id/identities', { id: userId }, signal)).identities,
    [userId],
  );
  const action = useAsyncAction();
  const [linkable, setLinkable] = useState(true);
  const set = list.setData;

  /** Resolves true once linked (the form then empties), false when refused (the refusal is in `error`). */
  const link = async (subject: string) => {
    let linked = false;
    await action.run(async () => {
      try {
        const { identity } = await api.post('/api/v1/admin/users/:id/identities', { subject }, { id: userId });
        set((xs) => [...(xs ?? []), identity]);
        linked = true;
      } catch (err) {
        if (err instanceof ApiError && err.code === 'NOT_CONFIGURED') setLinkable(false);
        else throw err;
      }
    });
    return linked;
  };
  const unlink = (identity: LinkedIdentity) =>
    action.run(async () => {
      await api.delete('/api/v1/admin/users/:id/identities/:identityId', { id: userId, identityId: identity.id });
      set((xs) => xs?.filter((x) => x.id !== identity.id));
    });

  return { identities: list.data, loaded: !list.loading && !list.error, linkable, link, unlink, busy: action.busy, error: action.error };
}
