import QRCode from 'qrcode';
import { inTenant, type Db } from '../platform/db.js';
import { AppError } from '../platform/errors.js';
import { findLink } from './queries.js';

/**
 * The URL a QR code carries: the short URL with `s=1`, so the redirect records a scan rather
 * than a click. (Someone who copies the scanned URL and shares it passes the marker on; that
 * is rare enough to accept.)
 */
export function scanUrl(publicUrl: string, slug: string): string {
  return `${publicUrl}/l/${slug}?s=1`;
}

export interface QrOptions {
  size: number;
  margin: number;
  ecc: 'M' | 'Q' | 'H';
}

export type QrImage = { type: 'png'; body: Buffer } | { type: 'svg'; body: string };

/** The link's QR code as PNG (exactly `size` pixels square) or SVG (scales without loss, for print). */
export async function linkQr(db: Db, publicUrl: string, merchantId: string, linkId: string, format: 'png' | 'svg', options: QrOptions): Promise<QrImage & { slug: string }> {
  const link = await inTenant(db, merchantId, (tx) => findLink(merchantId, tx, linkId));
  if (!link) throw new AppError('not_found');
  const text = scanUrl(publicUrl, link.slug);
  const common = { errorCorrectionLevel: options.ecc, margin: options.margin, width: options.size, color: { dark: '#000000ff', light: '#ffffffff' } };
  if (format === 'png') return { type: 'png', body: await QRCode.toBuffer(text, { ...common, type: 'png' }), slug: link.slug };
  return { type: 'svg', body: await QRCode.toString(text, { ...common, type: 'svg' }), slug: link.slug };
}
