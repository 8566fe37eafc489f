// Refreshes the parts of a page marked data-refresh="<seconds>" in place, from a fresh copy of
// the same page, instead of reloading it: what the reader scrolled to or typed stays. A confirm()
// dialog blocks this script while it is open, so nothing is swapped under a pending decision.
document.querySelectorAll('[data-refresh]').forEach(part => {
  setInterval(async () => {
    const response = await fetch(location.href, { credentials: 'same-origin' });
    if (!response.ok || response.redirected) {
      return; // signed out or failing: keep what is shown
    }
    const fresh = new DOMParser().parseFromString(await response.text(), 'text/html').getElementById(part.id);
    if (fresh) {
      part.innerHTML = fresh.innerHTML;
      part.dispatchEvent(new CustomEvent('switchboard:refreshed', { bubbles: true }));
    }
  }, Number(part.dataset.refresh) * 1000);
});
