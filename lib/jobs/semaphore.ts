import "server-only";
/**
 * The worker's concurrency limits: `total` image requests in flight, of which at most `large`
 * above 2560x1440 (the brief: small concurrency for 4K). Waiters are served in arrival order.
 */
export class Semaphore {
  private active = 0;
  private activeLarge = 0;
  private readonly waiters: { large: boolean; wake: () => void }[] = [];

  constructor(
    private readonly total: number,
    private readonly large: number,
  ) {}

  async run<T>(large: boolean, task: () => Promise<T>): Promise<T> {
    await this.acquire(large);
    try {
      return await task();
    } finally {
      this.release(large);
    }
  }

  private canTake(large: boolean): boolean {
    return this.active < this.total && (!large || this.activeLarge < this.large);
  }

  private acquire(large: boolean): Promise<void> {
    if (this.waiters.length === 0 && this.canTake(large)) return Promise.resolve(this.take(large));
    return new Promise((resolve) => {
      const waiter = { large, wake: () => resolve(this.take(large)) };
      this.waiters.push(waiter);
    });
  }

  private take(large: boolean): void {
    this.active += 1;
    if (large) this.activeLarge += 1;
  }

  private release(large: boolean): void {
    this.active -= 1;
    if (large) this.activeLarge -= 1;
    const index = this.waiters.findIndex((w) => this.canTake(w.large));
    const next = index >= 0 ? this.waiters.splice(index, 1)[0] : undefined;
    next?.wake();
  }
}
