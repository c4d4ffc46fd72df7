import "server-only";
/**
 * Runs `task` every `ms`, counted from the end of the previous run: never two at once, however
 * slow one is (a heartbeat against a stalled database must not stack up behind itself). Timers
 * do not keep the process alive; `stop()` waits for a run in progress.
 */
export function everyAfter(ms: number, task: () => Promise<unknown>, firstDelayMs = ms): { stop: () => Promise<void> } {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | null = null;
  let stopped = false;
  const schedule = (delay: number) => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = Promise.resolve()
        .then(task)
        .catch(() => undefined)
        .finally(() => {
          running = null;
          schedule(ms);
        });
    }, delay);
    timer.unref();
  };
  schedule(firstDelayMs);
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
