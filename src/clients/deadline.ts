// A bound on how long one operation may take, whatever the client library
// does: a frozen node can accept a connection and then never answer.

export async function withDeadline<T>(ms: number, work: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const attempt = work();
  // If the deadline wins, the attempt's later failure must not go unhandled.
  attempt.catch(() => undefined);
  try {
    return await Promise.race([
      attempt,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
