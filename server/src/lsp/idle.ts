// Housekeeping while the user reads. After a large document's analysis, once nothing has happened for a
// moment, the server does what the next keystroke would otherwise pay for: the text's line offsets, which
// the text-document library computes on the first edit (a character loop: ~25 ms for 4 MB, measured in
// the first keystroke's profile). Any new change cancels what has not started.
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
