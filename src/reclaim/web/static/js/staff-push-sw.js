// Service worker for staff alerts: show the push (it holds no personal data) and open the
// alerts page when it is clicked. It caches nothing and handles no requests.
self.addEventListener("push", function (event) {
  var data = { title: "Reclaim", body: "An alert is waiting", url: "/staff/alerts" };
  try { if (event.data) data = Object.assign(data, event.data.json()); } catch (e) { /* keep defaults */ }
  var url = typeof data.url === "string" && data.url.indexOf("/staff") === 0 ? data.url : "/staff/alerts";
  event.waitUntil(self.registration.showNotification(data.title, {
    body: data.body, tag: "reclaim-alert", renotify: true, data: { url: url }
  }));
});
self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  var url = (event.notification.data && event.notification.data.url) || "/staff/alerts";
  event.waitUntil(self.clients.openWindow(url));
});
