// A terminal progress bar on stderr (so stdout stays clean JSON). Draws only on a TTY; elsewhere it is silent.
export interface ProgressBar {
  update(fraction: number, label?: string): void;
  done(): void;
}

export function createProgressBar(stream: NodeJS.WritableStream & { isTTY?: boolean; columns?: number }, title: string): ProgressBar {
  if (!stream.isTTY) return { update() {}, done() {} };
  let last = 0;
  let lastFraction = -1;
  const draw = (fraction: number, label = '') => {
    const width = Math.max(10, Math.min(40, (stream.columns ?? 80) - title.length - label.length - 12));
    const f = Math.min(1, Math.max(0, fraction));
    const filled = Math.round(f * width);
    stream.write(`\r${title} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${(f * 100).toFixed(0).padStart(3)}% ${label}\x1b[K`);
  };
  return {
    update(fraction, label) {
      const now = Date.now();
      if (now - last < 50 && fraction < 1 && Math.abs(fraction - lastFraction) < 0.01) return;
      last = now;
      lastFraction = fraction;
      draw(fraction, label);
    },
    done() {
      draw(1);
      stream.write('\n');
    },
  };
}
