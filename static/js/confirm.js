// Plain forms whose action cannot be undone ask first; data-confirm holds the question. htmx requests
// use hx-confirm instead; these stay full-page POSTs (logging out answers with a redirect to a new page;
// releasing a scorecard re-renders the whole form, with its errors, when refused; forgetting a review
// card re-renders the reviews page, whose report and queue it changes).
document.addEventListener("click", (event) => {
  const button = event.target.closest("button[data-confirm]");
  if (button && !window.confirm(button.dataset.confirm)) event.preventDefault();
});
