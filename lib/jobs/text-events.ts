import "server-only";

/**
 * A turn's text deltas as `text` events. A model writes a few characters at a time, often faster
 * than a statement per delta goes through the database; the first delta is written at once, and
 * those that arrive while it is being written go together in the next event, so the browser sees
 * text as soon as the database can carry it, and a long reply is tens of rows, not thousands.
 * Order is kept: `flush()` waits for every delta before an event of another kind is written.
 */
export class TextEvents {
  private pending = "";
  private writing: Promise<void> | null = null;
  private failure: { error: unknown } | null = null;

  constructor(private readonly write: (delta: string) => Promise<unknown>) {}

  push(delta: string): void {
    this.check();
    this.pending += delta;
    this.writing ??= this.drain();
  }

  /** Every delta written; throws the write's failure (a lost lease, the database) if one failed. */
  async flush(): Promise<void> {
    while (this.writing) await this.writing;
    this.check();
  }

  /** Throws at once when a write already failed: the turn stops instead of streaming on. */
  check(): void {
    if (this.failure) throw this.failure.error;
  }

  private async drain(): Promise<void> {
    try {
      while (this.pending && !this.failure) {
        const delta = this.pending;
        this.pending = "";
        await this.write(delta);
      }
    } catch (error) {
      this.failure = { error };
    } finally {
      this.writing = null;
    }
  }
}
