// Housekeeping while the user reads. After a large document's analysis, once its diagnostics are out, the
// server does what the next keystroke would otherwise pay for (see `settle` in connection.ts). Any new change
// cancels what has not started.
export class IdleWork {
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly delayMs = 300) {}

  /** Runs `work` once `delayMs` pass without `cancel()`. */
  schedule(work: () => void): void {
    this.cancel();
    this.timer = setTimeout(() => {
      this.timer = undefined;
      work();
    }, this.delayMs);
    this.timer.unref?.();
  }

  cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
