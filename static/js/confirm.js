// Buttons whose action cannot be undone ask first; data-confirm holds the question.
// (Forms on the round page have their own data-confirm, handled with the save-first logic in round.js.)
document.addEventListener("click", (event) => {
  const button = event.target.closest("button[data-confirm]");
  if (button && !window.confirm(button.dataset.confirm)) event.preventDefault();
});
