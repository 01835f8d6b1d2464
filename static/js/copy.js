// "Copy link" buttons next to read-only link fields (invite and share links).
(function () {
  "use strict";
  document.querySelectorAll("button[data-copy-from]").forEach((button) => {
    const field = document.getElementById(button.dataset.copyFrom);
    if (!field) return;
    button.hidden = false; // without JavaScript the field itself can be selected and copied
    button.addEventListener("click", () => {
      field.select();
      const done = () => { button.textContent = "Copied"; setTimeout(() => { button.textContent = "Copy link"; }, 2000); };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(field.value).then(done, () => document.execCommand("copy") && done());
      } else if (document.execCommand("copy")) {
        done();
      }
    });
  });
})();
