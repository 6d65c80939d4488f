/** A body that grew past the cap: reading stopped there and the connection was dropped. */
export class BodyTooLarge extends Error {}

interface BodyStream {
  on(event: 'data', listener: (chunk: Buffer) => void): unknown;
  on(event: 'end', listener: () => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  destroy(error?: Error): unknown;
}

/**
 * The body's bytes, at most `maxBytes`: past them it stops reading and destroys the stream (the
 * connection goes with it), so a huge or endless body costs at most the cap in memory.
 * Events rather than `for await`: the async iterator destroys undici's body stream before its
 * end is marked, and undici then builds an abort error, stack trace and all, for every response.
 */
export function readCapped(body: BodyStream, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    body.on('data', (chunk) => {
      size += chunk.length;
      if (size > maxBytes) {
        reject(new BodyTooLarge());
        body.destroy();
      } else {
        chunks.push(chunk);
      }
    });
    body.on('end', () => resolve(Buffer.concat(chunks, size)));
    body.on('error', reject);
  });
}
