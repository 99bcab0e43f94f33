// Puts the live offer over a stream player:
//   <script src="https://host/o/embed.js" data-offer="<offer id>" async></script>
// inside the player's container (or data-target="<CSS selector>"). It inserts an iframe of
// /o/<id>/overlay at the container's bottom-left; the overlay page allows being framed.
(() => {
  const script = document.currentScript;
  if (!script) return;
  const offerId = script.dataset.offer || '';
  if (!/^[0-9a-f-]{36}$/i.test(offerId)) return;
  const origin = new URL(script.src, location.href).origin;
  const target = script.dataset.target ? document.querySelector(script.dataset.target) : null;
  const parent = script.parentElement;
  const container = target || (parent && parent !== document.head ? parent : document.body);
  if (getComputedStyle(container).position === 'static') container.style.position = 'relative';
  const frame = document.createElement('iframe');
  frame.src = `${origin}/o/${offerId}/overlay`;
  frame.title = 'Live offer';
  frame.setAttribute('allowtransparency', 'true');
  frame.style.cssText =
    'position:absolute;left:12px;bottom:12px;width:320px;max-width:calc(100% - 24px);height:84px;border:0;background:transparent;color-scheme:normal;z-index:2147483000';
  container.appendChild(frame);
})();
