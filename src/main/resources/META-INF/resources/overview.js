// The overview's charts: hourly bars for all events and runs, and one small chart per source and
// per port. The data comes from the elements' data-hours attributes (JSON), never from the page's
// own script, so that no name or value can be read as code.
const activity = (canvas, hours) => new Chart(canvas, {
  type: 'bar',
  data: {
    labels: hours.map(h => h.hour),
    datasets: [
      { label: 'received', data: hours.map(h => h.received), backgroundColor: '#6c8ebf' },
      { label: 'succeeded', data: hours.map(h => h.succeeded), backgroundColor: '#82b366' },
      { label: 'failed attempts', data: hours.map(h => h.failed), backgroundColor: '#d6b656' },
      { label: 'dead', data: hours.map(h => h.dead), backgroundColor: '#b85450' }
    ]
  },
  options: { animation: false, maintainAspectRatio: false }
});
// One small chart per source or port, built here so that names need no escaping into ids.
const small = (container, byLabel) => Object.entries(byLabel).forEach(([label, hours]) => {
  const figure = document.createElement('figure');
  const caption = document.createElement('figcaption');
  const box = document.createElement('div');
  const canvas = document.createElement('canvas');
  caption.textContent = label;
  box.className = 'chart small';
  canvas.dataset.label = label;
  box.append(canvas);
  figure.append(caption, box);
  container.append(figure);
  activity(canvas, hours);
});
const hoursOf = element => JSON.parse(element.dataset.hours);
const all = document.getElementById('activity');
if (all) {
  activity(all, hoursOf(all));
  ['by-source', 'by-port'].forEach(id => {
    const container = document.getElementById(id);
    small(container, hoursOf(container));
  });
}
