// A paired round's summary page reloads itself when something changes (the interviewer releases
// feedback, say), through its live poll. Not once the person has started filling in a form that is not
// autosaved (the notes are): the reload would throw away what they typed. Sending the form shows the
// page as it is now anyway.
(function () {
  "use strict";

  const live = document.getElementById("live");
  if (!live) return;
  let typing = false;
  document.querySelectorAll("form[data-not-autosaved]").forEach((form) => {
    form.addEventListener("input", () => { typing = true; });
  });
  live.addEventListener("htmx:beforeRequest", (event) => {
    if (typing) event.preventDefault();
  });
})();
