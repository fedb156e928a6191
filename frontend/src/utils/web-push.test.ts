import { describe, expect, it } from 'vitest';
import { base64UrlToBytes, deviceLabel, pushSupport, type PushEnvironment } from './web-push';

const desktopChrome = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const iphoneSafari =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';
const env = (over: Partial<PushEnvironment>): PushEnvironment => ({
  isSecureContext: true,
  hasServiceWorker: true,
  hasPushManager: true,
  hasNotification: true,
  userAgent: desktopChrome,
  standalone: false,
  ...over,
});

describe('push support', () => {
  it('needs a secure context before anything else', () => {
    expect(pushSupport(env({ isSecureContext: false }))).toBe('insecure');
    expect(pushSupport(env({}))).toBe('supported');
  });

  it('tells an iPhone user to add the app to the Home Screen, and other browsers without push that they cannot', () => {
    expect(pushSupport(env({ userAgent: iphoneSafari, hasPushManager: false, hasNotification: false }))).toBe('ios-not-installed');
    expect(pushSupport(env({ userAgent: iphoneSafari, standalone: true }))).toBe('supported');
    expect(pushSupport(env({ hasPushManager: false }))).toBe('unsupported');
  });
});

describe('device names and keys', () => {
  it('names a device by browser and system', () => {
    expect(deviceLabel(desktopChrome)).toBe('Chrome on Linux');
    expect(deviceLabel(iphoneSafari)).toBe('Safari on iOS');
    expect(deviceLabel('Mozilla/5.0 (Android 14; Mobile; rv:132.0) Gecko/132.0 Firefox/132.0')).toBe('Firefox on Android');
    expect(deviceLabel('curl/8.0')).toBe('Browser');
  });

  it('decodes a base64url VAPID key to its 65 bytes', () => {
    const key = 'BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM';
    const bytes = base64UrlToBytes(key);
    expect(bytes).toHaveLength(65);
    expect(bytes[0]).toBe(4);
    expect(Buffer.from(bytes).toString('base64url')).toBe(key);
  });
});
