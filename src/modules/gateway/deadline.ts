export const TIMED_OUT: unique symbol = Symbol('timed out');

/**
 * Settles with `work`, or with TIMED_OUT after `ms`. Racing rather than only aborting also bounds
 * in-process upstreams (LocalFetch calls `app.handle`, which ignores abort signals). TIMED_OUT is
 * settled before `onTimeout` runs, so an abort it triggers can never win the race instead.
 */
export function raceTimeout<T>(work: Promise<T>, ms: number, onTimeout?: () => void): Promise<T | typeof TIMED_OUT> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => {
      resolve(TIMED_OUT);
      onTimeout?.();
    }, ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}
