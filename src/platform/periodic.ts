export interface Periodic {
  /** Stops the timer and waits for a pass under way. */
  stop(): Promise<void>;
}

/**
 * Runs `pass` every `seconds` (0: never), one pass at a time; a failed pass goes to `onError`
 * and the next one tries again. The timer never keeps the process alive. `pass` may ask
 * `stopped()` to end early.
 */
export function startPeriodic(seconds: number, pass: (stopped: () => boolean) => Promise<unknown>, onError: (error: unknown) => void): Periodic {
  if (seconds <= 0) return { stop: async () => {} };
  let stopped = false;
  let running: Promise<unknown> | null = null;
  const timer = setInterval(() => {
    if (running || stopped) return;
    running = pass(() => stopped)
      .catch(onError)
      .finally(() => {
        running = null;
      });
  }, seconds * 1000);
  timer.unref();
  return {
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
