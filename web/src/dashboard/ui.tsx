import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Loading } from '../ui/auth-layout.js';
import { ErrorMessage } from '../ui/error-message.js';

/** The title block of a dashboard page. */
export function PageHeader({ title, intro, actions }: { title: string; intro?: string; actions?: ReactNode }) {
  return (
    <div className="page-header">
      <div>
        <h1>{title}</h1>
        {intro && <p className="lead">{intro}</p>}
      </div>
      {actions && <div className="page-actions">{actions}</div>}
    </div>
  );
}

/** What a page shows while nothing is there yet: what it is for, and what to do next. */
export function Empty({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="empty">
      <p className="empty-title">{title}</p>
      {children}
    </div>
  );
}

export function Success({ children }: { children: ReactNode }) {
  return (
    <p className="message success" role="status">
      {children}
    </p>
  );
}

/**
 * Data a page loads: the value (null while loading), the error, a reload, and a setter for
 * changes the page made itself. A load that finishes after the page left is dropped.
 */
export function useLoad<T>(load: () => Promise<T>, deps: readonly unknown[]) {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [round, setRound] = useState(0);
  const loader = useCallback(load, deps);
  useEffect(() => {
    let live = true;
    setError(null);
    loader().then(
      (value) => live && setData(value),
      (caught: unknown) => live && setError(caught),
    );
    return () => {
      live = false;
    };
  }, [loader, round]);
  return { data, error, setData, reload: () => setRound((n) => n + 1) };
}

/** Loading, or the error in words, or the content. */
export function Loaded<T>({ state, children }: { state: { data: T | null; error: unknown }; children: (data: T) => ReactNode }) {
  if (state.error) return <ErrorMessage error={state.error} />;
  if (state.data === null) return <Loading />;
  return <>{children(state.data)}</>;
}

/** A button that copies a text, saying so when done (the clipboard API needs a secure page; else the old way). */
export function CopyButton({ text, label }: { text: string; label: string }) {
  const { t } = useTranslation();
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
    } catch {
      const area = document.createElement('textarea');
      area.value = text;
      document.body.append(area);
      area.select();
      document.execCommand('copy');
      area.remove();
    }
    setCopied(true);
    window.setTimeout(() => setCopied(false), 2500);
  };
  return (
    <button type="button" className="button small" onClick={() => void copy()} aria-live="polite">
      {copied ? t('dash.copied') : label}
    </button>
  );
}
