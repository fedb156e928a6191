/** Signing out: an SSO session ends at the provider too (the browser goes to its end-session page); others sign out here only. */
import { act, renderHook, waitFor } from '@testing-library/react';
import type { ReactNode } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import { api } from '../api/client';
import { SessionProvider, useSession } from './session';

vi.mock(import('../api/client'), async (original) => ({
  ...(await original()),
  api: { ...(await original()).api, get: vi.fn(), post: vi.fn() },
}));
vi.mock(import('../realtime/socket'), () => ({ connectRealtime: vi.fn(), disconnectRealtime: vi.fn(), reconnectRealtime: vi.fn() }));

const get = vi.mocked(api.get);
const post = vi.mocked(api.post);
const ALICE = { id: 'u1', username: 'alice', role: 'user' };
let assign: MockInstance<(url: string | URL) => void>;

beforeEach(() => {
  assign = vi.fn();
  vi.stubGlobal('location', { ...window.location, assign });
});
afterEach(() => {
  vi.unstubAllGlobals();
  get.mockReset();
  post.mockReset();
});

async function signedInWith(method: string | null) {
  get.mockResolvedValue({ user: ALICE, method } as Awaited<ReturnType<typeof api.get>>);
  const wrapper = ({ children }: { children: ReactNode }) => <SessionProvider>{children}</SessionProvider>;
  const hook = renderHook(() => useSession(), { wrapper });
  await waitFor(() => expect(hook.result.current.session.status).toBe('signed-in'));
  return hook;
}

describe('signOut', () => {
  it('ends an SSO session here and sends the browser to the provider to end it there', async () => {
    post.mockResolvedValue({ endSessionUrl: 'http://127.0.0.1:9/session/end?id_token_hint=x' } as Awaited<ReturnType<typeof api.post>>);
    const hook = await signedInWith('oidc');
    await act(() => hook.result.current.signOut());
    expect(post).toHaveBeenCalledWith('/api/v1/auth/oidc/logout', undefined);
    expect(post).not.toHaveBeenCalledWith('/api/v1/auth/logout', undefined);
    expect(hook.result.current.session).toEqual({ status: 'anonymous', expired: false });
    expect(assign).toHaveBeenCalledWith('http://127.0.0.1:9/session/end?id_token_hint=x');
  });

  it('stays on this site when the provider offers no end-session page', async () => {
    post.mockResolvedValue({ endSessionUrl: null } as Awaited<ReturnType<typeof api.post>>);
    const hook = await signedInWith('oidc');
    await act(() => hook.result.current.signOut());
    expect(hook.result.current.session.status).toBe('anonymous');
    expect(assign).not.toHaveBeenCalled();
  });

  it.each(['local', 'plex', null])('signs a %s session out here only', async (method) => {
    post.mockResolvedValue(undefined);
    const hook = await signedInWith(method);
    await act(() => hook.result.current.signOut());
    expect(post).toHaveBeenCalledWith('/api/v1/auth/logout', undefined);
    expect(post).toHaveBeenCalledTimes(1);
    expect(hook.result.current.session.status).toBe('anonymous');
    expect(assign).not.toHaveBeenCalled();
  });
});
