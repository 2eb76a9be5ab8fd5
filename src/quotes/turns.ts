/**
 * Taking turns with the event loop: CPU-bound work (pricing a request takes about 0.4 ms, all of it
 * synchronous) started one piece per turn, so that I/O that became ready meanwhile (a database
 * reply) is handled between two pieces rather than after all of them.
 */
export class EventLoopTurns {
  readonly #waiting: (() => void)[] = [];
  #scheduled = false;

  /**
   * Resolves when it is the caller's turn, first come first served. The caller's work then runs
   * (up to its next await of I/O) before the next caller's turn, which comes only after the event
   * loop has polled for I/O again: an immediate queued by an immediate runs on the next turn.
   */
  next(): Promise<void> {
    return new Promise((resolve) => {
      this.#waiting.push(resolve);
      if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(this.#giveTurn);
      }
    });
  }

  readonly #giveTurn = (): void => {
    const resolve = this.#waiting.shift();
    if (this.#waiting.length > 0) setImmediate(this.#giveTurn);
    else this.#scheduled = false;
    resolve?.();
  };
}
