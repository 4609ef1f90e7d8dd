import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from '@specfirst/runtime';

export interface Listening {
  /** `http://localhost:3002/api`: where the service's API answers. */
  url: string;
  close(): Promise<void>;
}

/** Serves `app` on `port` (0: any free one) and says where. */
export async function listen(app: Express, port: number, host: string): Promise<Listening> {
  const server = await new Promise<Server>((resolve, reject) => {
    const listening = app.listen(port, host, (error?: Error) => (error ? reject(error) : resolve(listening)));
  });
  const shown = ['127.0.0.1', '::1', '0.0.0.0', '::', 'localhost'].includes(host) ? 'localhost' : host;
  return {
    url: `http://${shown}:${(server.address() as AddressInfo).port}/api`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
