/**
 * The ways in the sign-in page offers (GET /api/v1/auth/methods): undefined until the answer arrives
 * (no flash of a form SSO-only hides); when it cannot be had, Plex and a password as before SSO existed.
 */
import type { SignInMethods } from '@medianest/contracts';
import { api } from '../api/client';
import { useApiData } from './use-api-data';

const FALLBACK: SignInMethods = { password: true, plex: true, oidc: null };

export function useSignInMethods(): SignInMethods | undefined {
  const answer = useApiData((signal) => api.get('/api/v1/auth/methods', undefined, signal), []);
  return answer.data ?? (answer.error ? FALLBACK : undefined);
}
