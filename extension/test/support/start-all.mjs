/**
 * Start several resources at once; every one that started is handed to `keep` (so an `after` hook can stop
 * it) even when another fails, and then the first failure is thrown. A plain Promise.all would drop the
 * started ones on the floor and their open sockets would keep the test process alive.
 * @param {Record<string, Promise<any>>} starting
 * @param {(name: string, value: any) => void} keep
 */
export async function startAll(starting, keep) {
  const names = Object.keys(starting);
  const results = await Promise.allSettled(Object.values(starting));
  results.forEach((result, i) => result.status === 'fulfilled' && keep(names[i], result.value));
  const failed = results.find((result) => result.status === 'rejected');
  if (failed) throw failed.reason;
}
