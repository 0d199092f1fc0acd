import { useEffect, useRef, useState } from 'react';

/**
 * Call `read` now and every `intervalMs` while `enabled`; keeps the last good value and the last
 * error (a VM that is not running yet answers with an error, which is shown, not thrown).
 */
export function usePolling<T>(
  read: () => Promise<T>,
  intervalMs: number,
  enabled: boolean,
  deps: readonly unknown[],
): { value: T | undefined; error: string | undefined; refresh: () => void } {
  const [value, setValue] = useState<T | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const [tick, setTick] = useState(0);
  const readRef = useRef(read);
  readRef.current = read;

  useEffect(() => {
    if (!enabled) return;
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      try {
        const next = await readRef.current();
        if (!live) return;
        setValue(next);
        setError(undefined);
      } catch (e) {
        if (live) setError(e instanceof Error ? e.message : String(e));
      }
      if (live && intervalMs > 0) timer = setTimeout(() => void poll(), intervalMs);
    };
    void poll();
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [enabled, intervalMs, tick, ...deps]);

  return { value, error, refresh: () => setTick((t) => t + 1) };
}
