// 主题词 as tags: the text input stays the form field (separated by 、); this only shows each
// term as a removable chip and adds one on Enter or a separator. Without script the input works.
(function () {
  "use strict";
  var SEP = /[,，、;；\n]+/;
  function terms(text) {
    var seen = {};
    return text.split(SEP).map(function (t) { return t.trim(); }).filter(function (t) {
      if (!t || seen[t]) { return false; }
      seen[t] = true;
      return true;
    });
  }
  function enhance(input) {
    var box = document.createElement("span");
    box.className = "tags";
    var typing = document.createElement("input");
    typing.type = "text";
    typing.className = "tag-entry";
    typing.setAttribute("aria-label", input.labels && input.labels[0] ? input.labels[0].textContent : "");
    input.type = "hidden";
    input.parentNode.insertBefore(box, input);
    function render() {
      box.textContent = "";
      terms(input.value).forEach(function (term) {
        var chip = document.createElement("span");
        chip.className = "tag";
        chip.textContent = term;
        var remove = document.createElement("button");
        remove.type = "button";
        remove.textContent = "×";
        remove.setAttribute("aria-label", "删除 " + term);
        remove.addEventListener("click", function () {
          input.value = terms(input.value).filter(function (t) { return t !== term; }).join("、");
          render();
        });
        chip.appendChild(remove);
        box.appendChild(chip);
      });
      box.appendChild(typing);
    }
    function add() {
      var added = terms(input.value + "、" + typing.value);
      input.value = added.join("、");
      typing.value = "";
      render();
      typing.focus();
    }
    typing.addEventListener("keydown", function (event) {
      if (event.key === "Enter" || event.key === "、" || event.key === "," || event.key === "，") {
        event.preventDefault();
        add();
      }
    });
    typing.form && typing.form.addEventListener("submit", function () { if (typing.value) { add(); } });
    render();
  }
  document.querySelectorAll("input[data-tags]").forEach(enhance);
})();
