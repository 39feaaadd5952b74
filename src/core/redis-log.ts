// Redis's own log lines (`7:S 07 Dec 2026 12:51:59.485 # message`), as
// Redis servers and Sentinels write them: the time of each line and its
// message. Sentinel's and Redis Cluster's event parsers read these.

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** `pid:role day month year hh:mm:ss.mmm level message`; a `docker logs -t` prefix before it is ignored. */
const LINE = /(\d{1,2}) (\w{3}) (\d{4}) (\d{2}):(\d{2}):(\d{2})\.(\d{3}) [#*.-] (.*)$/;

export interface RedisLogLine {
  /** Epoch ms: the containers' clocks are in UTC. */
  at: number;
  message: string;
}

export function redisLogLines(text: string): RedisLogLine[] {
  const lines: RedisLogLine[] = [];
  for (const line of text.split('\n')) {
    const m = LINE.exec(line);
    if (!m) continue;
    const month = MONTHS.indexOf(m[2] as string);
    if (month < 0) continue;
    lines.push({ at: Date.UTC(Number(m[3]), month, Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6]), Number(m[7])), message: m[8] as string });
  }
  return lines;
}
