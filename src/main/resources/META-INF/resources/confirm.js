// Asks before a form marked data-confirm="<question>" is sent (replay, discard). The question is
// an attribute, HTML-escaped like any text, rather than JavaScript in an onsubmit handler, where
// HTML escaping does not protect a name that contains a quote.
document.addEventListener('submit', event => {
  const question = event.target.dataset.confirm;
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});
