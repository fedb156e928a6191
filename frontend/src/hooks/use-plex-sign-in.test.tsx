/** The Plex PIN flow against a mocked API client, with fake timers standing in for the 2 s between checks. */
import { act, renderHook } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import { ApiError, api, callRoute } from '../api/client';
import type { User } from '../api/types';
import { plexExpiredMessage, PLEX_POLL_INTERVAL_MS, usePlexSignIn } from './use-plex-sign-in';

vi.mock(import('../api/client'), async (original) => ({
  ...(await original()),
  api: { ...(await original()).api, post: vi.fn() },
  callRoute: vi.fn(),
}));

const post = vi.mocked(api.post);
const verify = vi.mocked(callRoute);
const ALICE = { id: 'u1', username: 'alice', role: 'user' } as User;
const NOW = Date.parse('2026-12-06T12:00:00Z');

function pin(expiresInMs = 15 * 60_000) {
  return { id: 42, code: 'abcd', authUrl: 'https://app.plex.tv/auth#?code=abcd', expiresAt: new Date(NOW + expiresInMs).toISOString() };
}
type VerifyAnswer = Awaited<ReturnType<typeof callRoute<'POST', '/api/v1/auth/plex/verify'>>>;
const stillWaiting = () => ({ status: 202, data: { status: 'pending' } }) as unknown as VerifyAnswer;
const signedIn = () => ({ status: 200, data: { user: ALICE } }) as unknown as VerifyAnswer;

let popup: { closed: boolean; location: { href: string }; close: ReturnType<typeof vi.fn> };
let open: MockInstance<Window['open']>;

beforeEach(() => {
  vi.useFakeTimers({ now: NOW });
  popup = { closed: false, location: { href: 'about:blank' }, close: vi.fn() };
  open = vi.spyOn(window, 'open').mockReturnValue(popup as unknown as Window);
});

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
  post.mockReset();
  verify.mockReset();
});

async function start(onSignedIn = vi.fn()) {
  const hook = renderHook(() => usePlexSignIn(onSignedIn));
  await act(() => hook.result.current.start());
  return { hook, onSignedIn };
}

const nextCheck = () => act(() => vi.advanceTimersByTimeAsync(PLEX_POLL_INTERVAL_MS));

describe('usePlexSignIn', () => {
  it('sends the popup to Plex, checks every 2 s, and signs in once Plex says yes', async () => {
    post.mockResolvedValue(pin());
    verify.mockResolvedValueOnce(stillWaiting()).mockResolvedValueOnce(signedIn());
    const { hook, onSignedIn } = await start();

    expect(popup.location.href).toBe('https://app.plex.tv/auth#?code=abcd');
    expect(hook.result.current.plex).toEqual({ phase: 'waiting', authUrl: 'https://app.plex.tv/auth#?code=abcd', popupBlocked: false });
    expect(verify).not.toHaveBeenCalled();

    await nextCheck();
    expect(verify).toHaveBeenCalledWith('POST', '/api/v1/auth/plex/verify', { id: 42 });
    expect(onSignedIn).not.toHaveBeenCalled();

    await nextCheck();
    expect(verify).toHaveBeenCalledTimes(2);
    expect(onSignedIn).toHaveBeenCalledWith(ALICE);
  });

  it('offers a link when the browser blocked the popup', async () => {
    open.mockReturnValue(null);
    post.mockResolvedValue(pin());
    const { hook } = await start();
    expect(hook.result.current.plex).toMatchObject({ phase: 'waiting', popupBlocked: true });
  });

  it('gives up when the PIN expires while Plex is still waiting', async () => {
    post.mockResolvedValue(pin(3_000));
    verify.mockResolvedValue(stillWaiting());
    const { hook, onSignedIn } = await start();
    await nextCheck();
    expect(hook.result.current.plex.phase).toBe('waiting');
    await nextCheck();
    expect(hook.result.current.plex).toEqual({ phase: 'failed', message: plexExpiredMessage() });
    await nextCheck();
    expect(verify).toHaveBeenCalledTimes(2);
    expect(onSignedIn).not.toHaveBeenCalled();
  });

  it('says the sign-in expired when the server answers 410', async () => {
    post.mockResolvedValue(pin());
    verify.mockRejectedValue(new ApiError(410, 'PIN_EXPIRED', 'gone'));
    const { hook } = await start();
    await nextCheck();
    expect(hook.result.current.plex).toEqual({ phase: 'failed', message: plexExpiredMessage() });
  });

  it("says why, in the member's language, when the Plex account has no access (403 PLEX_NO_ACCESS)", async () => {
    post.mockResolvedValue(pin());
    verify.mockRejectedValue(
      new ApiError(403, 'FORBIDDEN', 'The Plex account alice has no access to this Plex server', { reason: 'PLEX_NO_ACCESS' }),
    );
    const { hook } = await start();
    await nextCheck();
    expect(hook.result.current.plex).toEqual({
      phase: 'failed',
      message: 'Your Plex account has no access to this Plex server. Ask the owner to share the server with you.',
    });
  });

  it('closes the popup and shows the error when no PIN could be created', async () => {
    post.mockRejectedValue(new ApiError(503, 'UPSTREAM_UNAVAILABLE', 'plex.tv is unavailable right now', { service: 'plex-tv' }));
    const { hook } = await start();
    expect(popup.close).toHaveBeenCalled();
    expect(hook.result.current.plex).toEqual({ phase: 'failed', message: 'plex.tv is unavailable right now. Try again in a moment.' });
  });

  it('refuses a sign-in link that is not http(s)', async () => {
    post.mockResolvedValue({ ...pin(), authUrl: 'javascript:alert(1)' });
    const { hook } = await start();
    expect(popup.location.href).toBe('about:blank');
    expect(hook.result.current.plex).toEqual({
      phase: 'failed',
      message: 'The server did not return a Plex sign-in link. Please try again.',
    });
  });

  it('stops checking after Cancel, and when the page goes away', async () => {
    post.mockResolvedValue(pin());
    verify.mockResolvedValue(stillWaiting());
    const { hook } = await start();
    act(() => hook.result.current.cancel());
    expect(hook.result.current.plex).toEqual({ phase: 'idle' });
    await nextCheck();
    expect(verify).not.toHaveBeenCalled();

    await act(() => hook.result.current.start());
    hook.unmount();
    await nextCheck();
    expect(verify).not.toHaveBeenCalled();
  });
});
