/** A body that grew past the cap: reading stopped there and the connection was dropped. */
export class BodyTooLarge extends Error {}

interface Readable extends AsyncIterable<Buffer> {
  destroy(error?: Error): unknown;
}

/**
 * The body's bytes, at most `maxBytes`: past them it stops reading and destroys the stream (the
 * connection goes with it), so a huge or endless body costs at most the cap in memory.
 */
export async function readCapped(body: Readable, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > maxBytes) {
      body.destroy();
      throw new BodyTooLarge();
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
}
