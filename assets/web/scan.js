// Scans a label with the phone's camera and opens the item's page. Uses the browser's own
// BarcodeDetector where there is one, else jsQR (served by equiptrack, loaded on demand).
(function () {
  "use strict";
  var video = document.getElementById("camera");
  var status = document.getElementById("camera-status");
  var start = document.getElementById("camera-start");
  if (!video || !start) return;

  function open(code) {
    var text = String(code).trim();
    var here = window.location.origin + "/s/";
    window.location.href = text.indexOf(here) === 0 ? text : "/scan/go?code=" + encodeURIComponent(text);
  }

  function say(text) { status.textContent = text; }

  function loadJsQR() {
    return new Promise(function (resolve, reject) {
      if (window.jsQR) return resolve(window.jsQR);
      var s = document.createElement("script");
      s.src = "/assets/jsQR.js";
      s.onload = function () { resolve(window.jsQR); };
      s.onerror = reject;
      document.head.appendChild(s);
    });
  }

  async function run() {
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      say("This browser cannot use the camera here. Type the tag below instead.");
      return;
    }
    var stream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false });
    } catch (e) {
      say("The camera is not available (" + e.name + "). Type the tag below instead.");
      return;
    }
    video.srcObject = stream;
    video.hidden = false;
    await video.play();
    say("Point the camera at the label.");
    var detector = null;
    if ("BarcodeDetector" in window) {
      try { detector = new window.BarcodeDetector({ formats: ["qr_code"] }); } catch (e) { detector = null; }
    }
    var decode = null;
    var canvas = document.createElement("canvas");
    var context = canvas.getContext("2d", { willReadFrequently: true });
    if (!detector) decode = await loadJsQR();
    async function tick() {
      if (video.readyState >= 2) {
        if (detector) {
          var found = await detector.detect(video);
          if (found.length) return open(found[0].rawValue);
        } else {
          canvas.width = video.videoWidth;
          canvas.height = video.videoHeight;
          context.drawImage(video, 0, 0, canvas.width, canvas.height);
          var image = context.getImageData(0, 0, canvas.width, canvas.height);
          var code = decode(image.data, image.width, image.height, { inversionAttempts: "dontInvert" });
          if (code && code.data) return open(code.data);
        }
      }
      setTimeout(tick, 150);
    }
    tick();
  }

  start.addEventListener("click", function () { start.hidden = true; run(); });
})();
