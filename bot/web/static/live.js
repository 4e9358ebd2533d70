// cagnotte: the room's page follows its ledger. The server sends an event ("ledger") when the
// room's figures change; the page then fetches itself again and swaps its main content. Without
// JavaScript, server-sent events or a successful fetch, it reloads (or is reloaded by hand).
(function () {
  "use strict";
  var body = document.body;
  var url = body.getAttribute("data-events");
  if (!url || !window.EventSource) { return; }
  var known = null;
  var busy = false;
  var again = false;
  var status = document.getElementById("live");

  function refresh() {
    if (busy) { again = true; return; }
    busy = true;
    if (!window.fetch || !window.DOMParser) { window.location.reload(); return; }
    window.fetch(window.location.href, { cache: "no-store", credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.text();
      })
      .then(function (html) {
        var page = new DOMParser().parseFromString(html, "text/html");
        var fresh = page.getElementById("contenu");
        var main = document.getElementById("contenu");
        if (!fresh || !main) { throw new Error("no content"); }
        main.innerHTML = fresh.innerHTML;
        var updated = page.querySelector(".updated");
        var here = document.querySelector(".updated");
        if (updated && here) { here.textContent = updated.textContent; }
        if (status) { status.textContent = body.getAttribute("data-live") + " " + (here ? here.textContent : ""); }
        body.setAttribute("data-version", known || "");
        busy = false;
        if (again) { again = false; refresh(); }
      })
      .catch(function () { window.location.reload(); });
  }

  var source = new EventSource(url);
  source.addEventListener("ledger", function (event) {
    if (known !== null && event.data !== known) {
      known = event.data;
      refresh();
    } else {
      known = event.data;
      body.setAttribute("data-version", known);
    }
  });
  source.addEventListener("gone", function () {
    source.close();
    window.location.reload();
  });
})();
