/**
 * Encryption at rest for notification channel secrets (tokens, webhook URLs,
 * SMTP passwords): AES-256-GCM with a random 96-bit nonce per value, sealed as
 * `v1.<nonce>.<tag>.<ciphertext>` (base64url). The key comes from
 * NOTIFICATIONS_SECRET_KEY, or is generated once into DATA_DIR/notifications.key
 * (mode 0600) — replicas sharing one database must share the key, so they set
 * the variable.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const KEY_FILE = 'notifications.key';

export function parseKey(value: string): Buffer {
  const key = /^[\da-f]{64}$/i.test(value) ? Buffer.from(value, 'hex') : Buffer.from(value, 'base64');
  if (key.length !== 32) throw new Error('NOTIFICATIONS_SECRET_KEY must be 32 bytes');
  return key;
}

/** The configured key, or the one in DATA_DIR (created with mode 0600 on first use). */
export function loadOrCreateKey(configured: string | undefined, dataDir: string): Buffer {
  if (configured) return parseKey(configured);
  const file = path.join(dataDir, KEY_FILE);
  try {
    return parseKey(fs.readFileSync(file, 'utf8').trim());
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  fs.mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(32);
  try {
    // 'wx': two processes starting together must not overwrite each other's key.
    fs.writeFileSync(file, key.toString('hex') + '\n', { mode: 0o600, flag: 'wx' });
    return key;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return parseKey(fs.readFileSync(file, 'utf8').trim());
    throw err;
  }
}

export class SecretBox {
  constructor(private readonly key: Buffer) {}

  seal(plain: string): string {
    const nonce = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, nonce);
    const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return ['v1', nonce.toString('base64url'), cipher.getAuthTag().toString('base64url'), data.toString('base64url')].join('.');
  }

  /** Throws when the value was sealed with another key or altered. */
  open(sealed: string): string {
    const [version, nonce, tag, data] = sealed.split('.');
    if (version !== 'v1' || !nonce || !tag || data === undefined) throw new Error('not a sealed secret');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(nonce, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
  }
}
