/** The sign-in page's methods: nothing until the server answers, its answer, or Plex and a password when it cannot say. */
import { renderHook, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, api } from '../api/client';
import { useSignInMethods } from './use-sign-in-methods';

vi.mock(import('../api/client'), async (original) => ({ ...(await original()), api: { ...(await original()).api, get: vi.fn() } }));
const get = vi.mocked(api.get);
afterEach(() => get.mockReset());

describe('useSignInMethods', () => {
  it("is the server's answer, and nothing before it", async () => {
    const answer = { password: false, plex: false, oidc: { label: 'Sign in with Authelia', startUrl: '/api/v1/auth/oidc/start' } };
    get.mockResolvedValue(answer);
    const hook = renderHook(() => useSignInMethods());
    expect(hook.result.current).toBeUndefined();
    await waitFor(() => expect(hook.result.current).toEqual(answer));
    expect(get).toHaveBeenCalledWith('/api/v1/auth/methods', undefined, expect.any(AbortSignal));
  });

  it('falls back to Plex and a password when the server cannot say', async () => {
    get.mockRejectedValue(new ApiError(0, 'NETWORK', 'offline'));
    const hook = renderHook(() => useSignInMethods());
    await waitFor(() => expect(hook.result.current).toEqual({ password: true, plex: true, oidc: null }));
  });
});
