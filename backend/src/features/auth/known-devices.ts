/**
 * "Known device" cookies: after a successful sign-in the browser gets a signed
 * cookie naming the account and a random device id. A browser that shows one
 * for the account it signs in to keeps its access while someone else hammers
 * that account (it is limited on its own, by device). The signing key is
 * generated once and kept in the `settings` table, so replicas share it.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Database } from '../../db/client';
import { SettingsRepository } from '../../db/settings.repository';

export const DEVICE_COOKIE = 'medianest_device';
export const DEVICE_COOKIE_MAX_AGE_MS = 365 * 86_400_000;
const KEY_SETTING = 'auth.device_key';

export async function loadDeviceKey(database: Database): Promise<Buffer> {
  const stored = await new SettingsRepository(database).getOrCreate(KEY_SETTING, randomBytes(32).toString('base64url'));
  return Buffer.from(stored, 'base64url');
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

export class KnownDevices {
  constructor(private readonly key: Buffer) {}

  private sign(payload: string): string {
    return createHmac('sha256', this.key).update(payload).digest('base64url');
  }

  /** A cookie value for this user on a new (or the same) device. */
  issue(userId: string, deviceId: string = randomBytes(12).toString('base64url')): string {
    const payload = `${userId}.${deviceId}`;
    return `${payload}.${this.sign(payload)}`;
  }

  /** The account and device a genuine device cookie names (checked without the database), else undefined. */
  claim(cookie: string | undefined): { userId: string; deviceId: string } | undefined {
    if (!cookie || cookie.length > 300) return undefined;
    const parts = cookie.split('.');
    if (parts.length !== 3) return undefined;
    const [userId, deviceId, mac] = parts as [string, string, string];
    // Compared as digests, so neither the content nor the length of the expected MAC leaks through timing.
    const valid = timingSafeEqual(digest(mac), digest(this.sign(`${userId}.${deviceId}`)));
    return valid && userId && deviceId ? { userId, deviceId } : undefined;
  }

  /** The device id when `cookie` is a valid device cookie for `userId`, else undefined. */
  deviceFor(cookie: string | undefined, userId: string): string | undefined {
    const claimed = this.claim(cookie);
    return claimed?.userId === userId ? claimed.deviceId : undefined;
  }
}
