// The signature pad of the hand-over (web::handover_form): a canvas drawn on with a finger, a
// pen or a mouse (pointer events), cleared with its button, and kept as a PNG in base64 in
// the pad's hidden field, which the form sends. Without this script the pad stays hidden and
// the form takes the reason there is no signature instead.
//
// Kept on its own so that other scripts (the offline queue) can use it:
// EquiptrackSignature.attach(padElement) sets a pad up (once), and
// EquiptrackSignature.png(padElement) answers its base64 PNG, "" when nothing is drawn.
(function () {
  "use strict";

  function attach(pad) {
    if (pad.equiptrackSignature) return pad.equiptrackSignature;
    var canvas = pad.querySelector("canvas");
    var field = pad.querySelector("input[type=hidden]");
    var clear = pad.querySelector("[data-signature-clear]");
    var ctx = canvas.getContext("2d");
    var drawn = false;
    var last = null;

    // White paper, not transparency: the PNG then looks the same wherever it is shown.
    function blank() {
      ctx.fillStyle = "#fff";
      ctx.fillRect(0, 0, canvas.width, canvas.height);
      drawn = false;
      field.value = "";
    }

    // Where the pointer is, in the canvas's own pixels (the page may show it smaller).
    function at(e) {
      var box = canvas.getBoundingClientRect();
      return {
        x: (e.clientX - box.left) * (canvas.width / box.width),
        y: (e.clientY - box.top) * (canvas.height / box.height)
      };
    }

    function save() {
      field.value = drawn ? canvas.toDataURL("image/png").split(",")[1] : "";
    }

    canvas.addEventListener("pointerdown", function (e) {
      e.preventDefault();
      if (canvas.setPointerCapture) canvas.setPointerCapture(e.pointerId);
      last = at(e);
      // A tap leaves a dot.
      ctx.fillStyle = "#000";
      ctx.beginPath();
      ctx.arc(last.x, last.y, ctx.lineWidth / 2, 0, 2 * Math.PI);
      ctx.fill();
      drawn = true;
    });
    canvas.addEventListener("pointermove", function (e) {
      if (!last) return;
      e.preventDefault();
      var p = at(e);
      ctx.beginPath();
      ctx.moveTo(last.x, last.y);
      ctx.lineTo(p.x, p.y);
      ctx.stroke();
      last = p;
    });
    function end() {
      if (!last) return;
      last = null;
      save();
    }
    ["pointerup", "pointercancel", "pointerleave"].forEach(function (name) {
      canvas.addEventListener(name, end);
    });
    clear.addEventListener("click", blank);
    var form = pad.closest("form");
    if (form) form.addEventListener("submit", save);

    ctx.lineWidth = 3;
    ctx.lineCap = "round";
    ctx.lineJoin = "round";
    ctx.strokeStyle = "#000";
    blank();
    pad.hidden = false;
    pad.equiptrackSignature = { save: save, clear: blank };
    return pad.equiptrackSignature;
  }

  function png(pad) {
    attach(pad).save();
    return pad.querySelector("input[type=hidden]").value;
  }

  window.EquiptrackSignature = { attach: attach, png: png };
  document.querySelectorAll("[data-signature-pad]").forEach(attach);
})();
