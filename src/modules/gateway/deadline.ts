export const TIMED_OUT: unique symbol = Symbol('timed out');

/**
 * Settles with `work`, or with TIMED_OUT after `ms`. Racing rather than only aborting also bounds
 * in-process upstreams (LocalFetch calls `app.handle`, which ignores abort signals). TIMED_OUT is
 * settled before `onTimeout` runs, so an abort it triggers can never win the race instead.
 * Hand-rolled rather than Promise.race + finally: it runs on every forwarded request.
 */
export function raceTimeout<T>(work: Promise<T>, ms: number, onTimeout?: () => void): Promise<T | typeof TIMED_OUT> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      resolve(TIMED_OUT);
      onTimeout?.();
    }, ms);
    work.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
