/**
 * The 409 bodies of refusals without a fallback, serialised once per offer and code: in a drop
 * nearly every answer is the same sold_out, and JSON.stringify of each was about 3% of the
 * server's CPU (--cpu-prof under bench:drop).
 */
export class RefusalBodies {
  private readonly byOffer = new Map<string, Map<string, { message: string; body: string }>>();

  body(offerId: string, code: string, message: string): string {
    let bodies = this.byOffer.get(offerId);
    if (!bodies) {
      // Offers come and go over the life of the process; a drop needs only its own.
      if (this.byOffer.size >= 1000) this.byOffer.clear();
      bodies = new Map();
      this.byOffer.set(offerId, bodies);
    }
    let known = bodies.get(code);
    if (known?.message !== message) {
      const body = JSON.stringify({ error: { code, message, details: { offerId } } });
      known = { message, body };
      bodies.set(code, known);
    }
    return known.body;
  }
}
