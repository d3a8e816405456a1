import QRCode from 'qrcode';
import { formatCode } from './codes.js';

/**
 * A coupon code as a QR code. It carries the code as the customer would read it aloud
 * (`K7QM-3XV9-TDA2`); a scanner at the till types exactly that, and the counter accepts it.
 */
export async function couponQrSvg(canonical: string, options: { margin: number } = { margin: 2 }): Promise<string> {
  return QRCode.toString(formatCode(canonical), { type: 'svg', errorCorrectionLevel: 'M', margin: options.margin });
}

export async function couponQrPng(canonical: string, options: { size: number; margin: number }): Promise<Buffer> {
  return QRCode.toBuffer(formatCode(canonical), { type: 'png', errorCorrectionLevel: 'M', margin: options.margin, width: options.size });
}
