import { PassThrough, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { FastifyRequest } from 'fastify';
import { AppError } from '../platform/errors.js';

/** The decompressed stream, with what Fastify needs to check the body limit and Content-Length. */
type CountedStream = PassThrough & { receivedEncodedLength: number };

/**
 * preParsing hook of the tracking API: a gzip body (Segment's clients may send one) becomes the
 * decompressed stream. The route's body limit then applies to the decompressed bytes, so a
 * small "zip bomb" is cut off at the limit, and Content-Length is checked against the bytes
 * that arrived on the wire (`receivedEncodedLength`).
 */
export async function gunzipBody(request: FastifyRequest, _reply: unknown, payload: Readable): Promise<Readable> {
  const encoding = (request.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  if (encoding === 'identity') return payload;
  if (encoding !== 'gzip' && encoding !== 'x-gzip') {
    throw new AppError('unsupported_media_type', `Content-Encoding ${encoding} is not accepted; send gzip or an uncompressed body.`);
  }
  const gunzip = createGunzip();
  const out = new PassThrough() as CountedStream;
  out.receivedEncodedLength = 0;
  payload.on('data', (chunk: Buffer) => {
    out.receivedEncodedLength += chunk.length;
  });
  payload.on('error', (error) => out.destroy(error));
  gunzip.on('error', () => out.destroy(new AppError('malformed_json', 'The body is marked gzip but is not valid gzip data.')));
  payload.pipe(gunzip).pipe(out);
  return out;
}
