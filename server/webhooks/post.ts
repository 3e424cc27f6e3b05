import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isPrivateHost, PrivateAddressError, publicOnlyLookup, type Resolve } from './address.ts';

export interface PostOptions {
  headers: Record<string, string>;
  body: string;
  signal: AbortSignal;
  /** WEBHOOK_ALLOW_PRIVATE: private and loopback addresses may be connected to as well. */
  allowPrivate: boolean;
  resolve: Resolve;
}

/**
 * One POST to a receiver, settled with the answer's status code as soon as it arrives (its body is
 * never read, and a redirect is not followed). node:http rather than fetch for its `lookup` hook:
 * unless private receivers are allowed, a name is checked as it resolves, and an IP literal (which is
 * never looked up) here, so only a public address is ever connected to.
 */
export function postWebhook(url: URL, { headers, body, signal, allowPrivate, resolve }: PostOptions): Promise<number> {
  if (!allowPrivate && isPrivateHost(url.hostname)) return Promise.reject(new PrivateAddressError(url.hostname, 'is'));
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((settle, fail) => {
    const outgoing = request(
      url,
      {
        method: 'POST',
        headers: { ...headers, 'Content-Length': String(Buffer.byteLength(body)) },
        signal,
        // A fresh connection each time, checked as it connects: a pooled one may have been opened without `lookup`.
        agent: false,
        ...(allowPrivate ? {} : { lookup: publicOnlyLookup(resolve) }),
      },
      (response) => {
        response.destroy();
        settle(response.statusCode!);
      },
    );
    outgoing.on('error', fail);
    outgoing.end(body);
  });
}
