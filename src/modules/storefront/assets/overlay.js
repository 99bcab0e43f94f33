// The stream overlay's script: keeps stock, the urgency message and the Buy link current by
// polling the public offer API every two seconds while the overlay is visible.
(() => {
  const tile = document.getElementById('overlay');
  if (!tile) return;
  const offerId = tile.dataset.offerId;
  const labels = {
    upcoming: 'Starts soon',
    live: 'Live now',
    paused: 'Paused',
    sold_out: 'Sold out',
    closed: 'Ended',
  };

  async function poll() {
    if (document.hidden) return;
    try {
      const response = await fetch(`/api/v1/public/offers/${offerId}`);
      if (!response.ok) return;
      const offer = await response.json();
      document.getElementById('stock').textContent = String(offer.stockLeft);
      document.getElementById('message').textContent = offer.messages[0] || labels[offer.state];
      const buy = document.getElementById('buy');
      if (offer.state === 'live') buy.removeAttribute('aria-disabled');
      else buy.setAttribute('aria-disabled', 'true');
    } catch {
      // A dropped poll keeps the last state on screen; the next one tries again.
    }
  }

  poll();
  setInterval(poll, 2000);
})();
