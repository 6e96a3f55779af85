// Web push for staff alerts: subscribe this browser, then send the subscription to the server
// with the page's own form (CSRF token included). The push itself says only that something is
// waiting; the service worker shows it and opens /staff/alerts.
(function () {
  "use strict";
  var panel = document.querySelector("[data-push-key]");
  var button = document.getElementById("push-subscribe");
  var status = document.getElementById("push-status");
  var form = document.getElementById("push-form");
  if (!panel || !button || !form) return;
  function say(text) { if (status) status.textContent = text; }
  if (!("serviceWorker" in navigator) || !("PushManager" in window)) {
    button.disabled = true;
    say("This browser cannot show alerts. Email alerts still work.");
    return;
  }
  function keyBytes(b64) {
    var padded = (b64 + "===".slice((b64.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    var raw = atob(padded);
    var out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
    return out;
  }
  function b64(buffer) {
    var bytes = new Uint8Array(buffer), text = "";
    for (var i = 0; i < bytes.length; i++) text += String.fromCharCode(bytes[i]);
    return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }
  button.addEventListener("click", function () {
    say("Asking this browser...");
    Notification.requestPermission().then(function (answer) {
      if (answer !== "granted") { say("Alerts were not allowed in this browser."); return null; }
      return navigator.serviceWorker.register("/static/js/staff-push-sw.js").then(function (reg) {
        return reg.pushManager.subscribe({
          userVisibleOnly: true,
          applicationServerKey: keyBytes(panel.getAttribute("data-push-key"))
        });
      });
    }).then(function (sub) {
      if (!sub) return;
      form.elements.endpoint.value = sub.endpoint;
      form.elements.p256dh.value = b64(sub.getKey("p256dh"));
      form.elements.auth.value = b64(sub.getKey("auth"));
      form.submit();
    }).catch(function () { say("This browser could not be set up for alerts. Email alerts still work."); });
  });
})();
