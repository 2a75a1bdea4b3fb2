// The portal's own script (served from /assets, never inline: the CSP allows only scripts of this origin).
// 1. htmx requests carry the CSRF token the page holds in <meta name="csrf-token">.
// 2. Elements with data-sse="/tasks/ID/events" follow a task: each "task" event's data (HTML the hub
//    rendered and escaped) replaces the element's content; "end" closes the stream.
// 3. Elements with data-chart hold a uPlot chart whose options and data are in the JSON of the
//    <script type="application/json"> inside them (pages of wave 2 use it).
// 4. A link with data-go (the page that opened a web-access session, in its own tab) is followed at
//    once, replacing that page in the tab's history (its URL holds the session's key).
(function () {
  "use strict";
  var meta = document.querySelector('meta[name="csrf-token"]');
  var token = meta ? meta.getAttribute("content") : "";
  document.addEventListener("htmx:configRequest", function (e) {
    if (token) e.detail.headers["x-csrf-token"] = token;
  });

  function followTask(el) {
    if (!window.EventSource || el.dataset.sseStarted) return;
    el.dataset.sseStarted = "1";
    var source = new EventSource(el.getAttribute("data-sse"));
    source.addEventListener("task", function (e) {
      el.innerHTML = e.data;
    });
    source.addEventListener("end", function () {
      source.close();
    });
  }

  function drawChart(el) {
    if (!window.uPlot || el.dataset.chartDrawn) return;
    var json = el.querySelector('script[type="application/json"]');
    if (!json) return;
    el.dataset.chartDrawn = "1";
    var spec = JSON.parse(json.textContent || "{}");
    var opts = spec.opts || {};
    opts.width = opts.width || Math.max(280, el.clientWidth || 600);
    opts.height = opts.height || 240;
    new window.uPlot(opts, spec.data || [], el);
  }

  function go(a) {
    if (a.href) window.location.replace(a.href);
  }

  function start(root) {
    root.querySelectorAll("a[data-go]").forEach(go);
    root.querySelectorAll("[data-sse]").forEach(followTask);
    root.querySelectorAll("[data-chart]").forEach(drawChart);
  }
  document.addEventListener("DOMContentLoaded", function () {
    start(document);
  });
  document.addEventListener("htmx:load", function (e) {
    start(e.target);
  });
})();
