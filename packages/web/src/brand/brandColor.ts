/**
 * `use:brandColor={colour}`: sets --brand on an element through the CSSOM.
 * A style attribute would need 'unsafe-inline' in the page's CSP; this does not.
 */
export function brandColor(node: HTMLElement, colour: string) {
  node.style.setProperty("--brand", colour);
  return {
    update(next: string) {
      node.style.setProperty("--brand", next);
    },
  };
}
