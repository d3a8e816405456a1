import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { codeFromScan } from './code.js';

interface Detector {
  detect(source: HTMLVideoElement): Promise<{ rawValue: string }[]>;
}
type DetectorClass = new (options: { formats: string[] }) => Detector;
type JsQR = (data: Uint8ClampedArray, width: number, height: number, options: { inversionAttempts: 'dontInvert' }) => { data: string } | null;

/** jsQR is CommonJS with an `exports.default`: how deep the function sits depends on the bundler's interop. */
function callableOf<F>(module: unknown): F {
  let value = module;
  for (let depth = 0; depth < 3 && typeof value !== 'function'; depth++) value = (value as { default?: unknown } | null)?.default;
  if (typeof value !== 'function') throw new Error('jsqr did not load');
  return value as F;
}

/** Whether this browser can open a camera at all (only on https or localhost). */
export const canScan = () => typeof navigator !== 'undefined' && typeof navigator.mediaDevices?.getUserMedia === 'function';

/**
 * The camera, read until it shows a coupon's QR code. The browser's own BarcodeDetector where
 * there is one (Chrome on Android); else jsQR on a frame every few hundred milliseconds,
 * downloaded only when a clerk first scans.
 */
export function Scanner({ onCode, onFail }: { onCode: (code: string) => void; onFail: () => void }) {
  const { t } = useTranslation();
  const video = useRef<HTMLVideoElement>(null);
  const [ready, setReady] = useState(false);

  useEffect(() => {
    let stream: MediaStream | null = null;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;

    const start = async () => {
      try {
        stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false });
      } catch {
        if (!stopped) onFail();
        return;
      }
      const element = video.current;
      if (stopped || !element) return;
      element.srcObject = stream;
      await element.play().catch(() => undefined);
      setReady(true);
      const read = await reader();
      const tick = async () => {
        if (stopped) return;
        const text = await read(element).catch(() => null);
        const code = text ? codeFromScan(text) : null;
        if (code) onCode(code);
        else timer = setTimeout(() => void tick(), 250);
      };
      void tick();
    };
    void start();
    return () => {
      stopped = true;
      clearTimeout(timer);
      for (const track of stream?.getTracks() ?? []) track.stop();
    };
  }, [onCode, onFail]);

  return (
    <div className="scanner">
      <video ref={video} muted playsInline aria-label={t('counter.scanHint')} />
      {ready && <p className="hint">{t('counter.scanHint')}</p>}
    </div>
  );
}

async function reader(): Promise<(video: HTMLVideoElement) => Promise<string | null>> {
  const Native = (globalThis as { BarcodeDetector?: DetectorClass }).BarcodeDetector;
  if (Native) {
    const detector = new Native({ formats: ['qr_code'] });
    return async (video) => (await detector.detect(video))[0]?.rawValue ?? null;
  }
  const jsQR = callableOf<JsQR>(await import('jsqr'));
  const canvas = document.createElement('canvas');
  const context = canvas.getContext('2d', { willReadFrequently: true });
  return async (video) => {
    if (!context || video.videoWidth === 0) return null;
    // A smaller frame reads faster and a phone's QR code still fills enough of it.
    const scale = Math.min(1, 640 / video.videoWidth);
    canvas.width = Math.round(video.videoWidth * scale);
    canvas.height = Math.round(video.videoHeight * scale);
    context.drawImage(video, 0, 0, canvas.width, canvas.height);
    const frame = context.getImageData(0, 0, canvas.width, canvas.height);
    return jsQR(frame.data, frame.width, frame.height, { inversionAttempts: 'dontInvert' })?.data ?? null;
  };
}
