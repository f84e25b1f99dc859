// Scans a membership card's QR code with the phone's camera, where the
// browser can (BarcodeDetector); otherwise the paste box alone is used.
// The page works without this script.
(function () {
  'use strict';
  var box = document.getElementById('card');
  var holder = document.getElementById('scan');
  if (!box || !holder || !('BarcodeDetector' in window) || !navigator.mediaDevices) return;
  var button = document.createElement('button');
  button.type = 'button';
  button.textContent = holder.getAttribute('data-label');
  holder.appendChild(button);
  button.addEventListener('click', function () {
    var detector = new window.BarcodeDetector({ formats: ['qr_code'] });
    var video = document.createElement('video');
    video.setAttribute('playsinline', '');
    video.setAttribute('aria-label', holder.getAttribute('data-label'));
    video.style.width = '100%';
    holder.appendChild(video);
    navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' } }).then(function (stream) {
      video.srcObject = stream;
      video.play();
      var stop = function () {
        stream.getTracks().forEach(function (t) { t.stop(); });
        video.remove();
      };
      var look = function () {
        detector.detect(video).then(function (codes) {
          var found = codes.find(function (c) { return c.rawValue.indexOf('UF1:') === 0; });
          if (found) {
            box.value = found.rawValue;
            stop();
            box.form.submit();
          } else {
            window.setTimeout(look, 250);
          }
        }).catch(function () { window.setTimeout(look, 500); });
      };
      look();
    }).catch(function () { video.remove(); });
  });
})();
