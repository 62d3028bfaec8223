// 区域遮蔽 on the review workbench: drag a rectangle over a page image and its line
// "页码 左 上 宽 高" (percent of the page) is added to the file's regions field, which travels
// with the decision. The drawn rectangle stays on the image, dashed, until the decision is
// recorded. Without script the reviewer types the lines; the server checks them either way.
(function () {
  "use strict";
  var SVG = "http://www.w3.org/2000/svg";
  var MIN = 0.5; // percent: a click without a drag draws nothing
  function clamp(v) { return Math.min(100, Math.max(0, v)); }
  function fixed(v) { return (Math.round(v * 100) / 100).toString(); }
  function enhance(editor) {
    var svg = editor.querySelector("svg");
    var field = document.getElementById(editor.dataset.target);
    if (!svg || !field) { return; }
    var page = editor.dataset.page || "1";
    var start = null;
    var rect = null;
    function at(event) {
      var box = editor.getBoundingClientRect();
      return {
        x: clamp((event.clientX - box.left) / box.width * 100),
        y: clamp((event.clientY - box.top) / box.height * 100)
      };
    }
    function shape(a, b) {
      return { x: Math.min(a.x, b.x), y: Math.min(a.y, b.y), w: Math.abs(a.x - b.x), h: Math.abs(a.y - b.y) };
    }
    function place(r) {
      rect.setAttribute("x", r.x);
      rect.setAttribute("y", r.y);
      rect.setAttribute("width", r.w);
      rect.setAttribute("height", r.h);
    }
    editor.addEventListener("pointerdown", function (event) {
      if (event.button !== 0) { return; }
      event.preventDefault();
      editor.setPointerCapture(event.pointerId);
      start = at(event);
      rect = document.createElementNS(SVG, "rect");
      rect.setAttribute("class", "pending");
      svg.appendChild(rect);
      place({ x: start.x, y: start.y, w: 0, h: 0 });
    });
    editor.addEventListener("pointermove", function (event) {
      if (start) { place(shape(start, at(event))); }
    });
    function finish(event, keep) {
      if (!start) { return; }
      var r = shape(start, at(event));
      start = null;
      if (!keep || r.w < MIN || r.h < MIN) { svg.removeChild(rect); rect = null; return; }
      var line = [page, fixed(r.x), fixed(r.y), fixed(r.w), fixed(r.h)].join(" ");
      field.value = (field.value.replace(/\s+$/, "") + "\n" + line).replace(/^\n/, "");
      rect = null;
    }
    editor.addEventListener("pointerup", function (event) { finish(event, true); });
    editor.addEventListener("pointercancel", function (event) { finish(event, false); });
  }
  document.querySelectorAll(".region-editor").forEach(enhance);
})();
