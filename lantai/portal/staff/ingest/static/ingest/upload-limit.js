// The upload form refuses a file over the server's limit before the browser sends it
// (lantai/portal/upload_limit.py): the form carries the limit and the message as data-*
// attributes, since the Content-Security-Policy allows no inline script.
"use strict";
document.querySelectorAll("form[data-max-bytes]").forEach(function (form) {
  var limit = Number(form.dataset.maxBytes);
  var message = form.querySelector(".upload-error");
  function tooLarge() {
    var total = 0;
    form.querySelectorAll("input[type=file]").forEach(function (input) {
      Array.prototype.forEach.call(input.files || [], function (file) {
        total += file.size;
      });
    });
    return total > limit;
  }
  function check(event) {
    var refuse = tooLarge();
    if (message) {
      message.textContent = refuse ? form.dataset.tooLarge : "";
      message.hidden = !refuse;
    }
    if (refuse && event.type === "submit") {
      event.preventDefault();
    }
  }
  form.addEventListener("change", check);
  form.addEventListener("submit", check);
});
