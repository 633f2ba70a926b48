/** Wait for work still in flight before reporting a failure, so nothing keeps running unseen. */
export async function settleAll(promises: Iterable<Promise<unknown>>): Promise<void> {
  await Promise.allSettled([...promises]);
}
