// Dates and durations in words. Every judgement takes an explicit "now".

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export const DAY_MS = DAY;

/** "3 years 8 months", "12 days", "5 hours" — the two largest units that matter. */
export function duration(ms: number): string {
  const abs = Math.abs(ms);
  if (abs < HOUR) return plural(Math.max(1, Math.round(abs / MINUTE)), 'minute');
  if (abs < DAY) return plural(Math.round(abs / HOUR), 'hour');
  const days = Math.floor(abs / DAY);
  if (days < 60) return plural(days, 'day');
  const months = Math.floor(days / 30.4375);
  if (months < 12) {
    const restDays = Math.round(days - months * 30.4375);
    return restDays > 0 ? `${plural(months, 'month')} ${plural(restDays, 'day')}` : plural(months, 'month');
  }
  const years = Math.floor(months / 12);
  const restMonths = months - years * 12;
  return restMonths > 0 ? `${plural(years, 'year')} ${plural(restMonths, 'month')}` : plural(years, 'year');
}

/** "in 12 days" / "3 years ago". */
export function relative(when: number, now: number): string {
  return when >= now ? `in ${duration(when - now)}` : `${duration(now - when)} ago`;
}

/** Compact residual time for tables: "1y 3mo", "12d", "expired". */
export function residual(notAfter: number, now: number): string {
  const ms = notAfter - now;
  if (ms <= 0) return 'expired';
  const days = Math.floor(ms / DAY);
  if (days < 1) return `${Math.max(1, Math.floor(ms / HOUR))}h`;
  if (days < 60) return `${days}d`;
  const months = Math.floor(days / 30.4375);
  if (months < 12) return `${months}mo`;
  const years = Math.floor(months / 12);
  return months % 12 ? `${years}y ${months % 12}mo` : `${years}y`;
}

/** 2023-03-11 05:26 UTC */
export function formatDate(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

export function isoDate(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

function plural(n: number, unit: string): string {
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}
