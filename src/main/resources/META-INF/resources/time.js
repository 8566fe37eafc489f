// The server writes every time as <time datetime="ISO, UTC">: shown here in the reader's terms,
// "3 min ago", with the exact local time on hover. Runs again when refresh.js swaps a part of the
// page, and every 30 s so that "just now" does not stay just now.
const words = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto', style: 'short' });
const steps = [[60, 'second'], [60, 'minute'], [24, 'hour'], [30, 'day'], [12, 'month'], [Infinity, 'year']];

function ago(at) {
  let amount = (at.getTime() - Date.now()) / 1000;
  for (const [size, unit] of steps) {
    if (Math.abs(amount) < size) {
      return words.format(Math.round(amount), unit);
    }
    amount /= size;
  }
}

function showTimes(root) {
  root.querySelectorAll('time[datetime]').forEach(element => {
    const at = new Date(element.dateTime);
    if (!Number.isNaN(at.getTime())) {
      element.title = at.toLocaleString();
      element.textContent = ago(at);
    }
  });
}

showTimes(document);
document.addEventListener('switchboard:refreshed', event => showTimes(event.target));
setInterval(() => showTimes(document), 30000);
