/**
 * `task` at most once per `ms` however often asked (SPEC WB22): the first ask
 * runs it at once, and asks in the next `ms` fold into one run at its end.
 * For lists re-read from the SDK's store on every arriving message: a busy
 * chat asks dozens of times a second, and each re-read costs transactions
 * and decryptions.
 */
export function atMostEvery(ms: number, task: () => void): () => void {
  let cooling = false;
  let asked = false;
  const run = () => {
    cooling = true;
    task();
    setTimeout(() => {
      cooling = false;
      if (asked) {
        asked = false;
        run();
      }
    }, ms);
  };
  return () => {
    if (cooling) asked = true;
    else run();
  };
}
