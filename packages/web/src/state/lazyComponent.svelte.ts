/**
 * A component fetched on demand (SPEC WB16): its code is a dynamic import(),
 * a chunk of its own that the page's first load does not carry. `load()`
 * fetches it once and waits until it is on screen, so the caller can then
 * use what the mounted component exports (a dialog's `open()`).
 */
import { tick } from "svelte";

export class LazyComponent<C> {
  component = $state<C | undefined>();
  private loading: Promise<void> | undefined;

  constructor(private readonly fetch: () => Promise<{ default: C }>) {}

  load(): Promise<void> {
    return (this.loading ??= this.fetch().then(async ({ default: component }) => {
      this.component = component;
      await tick();
    }));
  }
}
