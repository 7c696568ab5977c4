/**
 * A byte count for people, in decimal SI units as browsers and file managers show sizes:
 * "512 B", "1.80 kB", "12.1 MB", "2.15 GB". Three significant digits at most, so a figure that
 * changes during a download does not make the text around it jump.
 */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return '? B';
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  const digits = unit === 0 ? 0 : value < 10 ? 2 : value < 100 ? 1 : 0;
  return `${value.toFixed(digits)} ${units[unit]}`;
}
