import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import { StartupError } from '../startup-error';

/**
 * Listens on `host:port` and resolves with the bound port, or rejects with one line naming the
 * setting: `PORT: 127.0.0.1:4000 cannot be used (EADDRINUSE)`.
 */
export function listen(server: http.Server, port: number, host: string, setting: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      reject(new StartupError(setting, `${host}:${port} cannot be used (${err.code ?? err.message})`));
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}
