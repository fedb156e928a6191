/** The system's colour scheme, followed live: a chart redraws in dark colours when the system turns dark. */
import { act, renderHook } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { useColorScheme } from './use-color-scheme';

/** A `matchMedia` whose dark-scheme answer the test switches, telling its listeners as a browser does. */
function systemScheme(dark: boolean) {
  const listeners = new Set<() => void>();
  const query = {
    get matches() {
      return dark;
    },
    addEventListener: (_: string, listener: () => void) => listeners.add(listener),
    removeEventListener: (_: string, listener: () => void) => listeners.delete(listener),
  };
  vi.stubGlobal('matchMedia', (text: string) => (text === '(prefers-color-scheme: dark)' ? query : { ...query, matches: false }));
  return {
    listeners,
    set(next: boolean) {
      dark = next;
      listeners.forEach((l) => l());
    },
  };
}

afterEach(() => vi.unstubAllGlobals());

describe('useColorScheme', () => {
  it('answers the system scheme and follows it when it changes', () => {
    const system = systemScheme(false);
    const { result, unmount } = renderHook(() => useColorScheme());
    expect(result.current).toBe('light');
    act(() => system.set(true));
    expect(result.current).toBe('dark');
    unmount();
    expect(system.listeners.size).toBe(0);
  });
});
