/* Live regions that update in place instead of reloading the page (no meta refresh).

   <div data-live-src="/url/?fragment=1" data-live-interval="30" aria-live="polite">…</div>
   <button type="button" data-live-pause hidden>…</button>

   Every interval the fragment is fetched and replaces the region's content. The pause button
   (WCAG 2.2.1) stops and restarts the updates; it is hidden until this script runs, since
   without JavaScript the page has a plain link to load it again. When the fragment contains
   an element with data-live-done the updates stop. No inline script: works under a CSP
   without 'unsafe-inline'. */
(function () {
  "use strict";

  function start(region) {
    var src = region.getAttribute("data-live-src");
    var seconds = parseInt(region.getAttribute("data-live-interval"), 10) || 30;
    var button = document.querySelector('[data-live-pause="' + region.id + '"]');
    var timer = null;
    var paused = false;

    function done() {
      return region.querySelector("[data-live-done]") !== null;
    }

    function stop() {
      if (timer !== null) {
        window.clearInterval(timer);
        timer = null;
      }
    }

    function refresh() {
      window
        .fetch(src, { credentials: "same-origin", headers: { Accept: "text/html" } })
        .then(function (response) {
          if (!response.ok) {
            throw new Error(response.status);
          }
          return response.text();
        })
        .then(function (html) {
          region.innerHTML = html;
          if (done()) {
            stop();
            if (button) {
              button.hidden = true;
            }
          }
        })
        .catch(function () {
          /* Keep the last content; the next tick tries again. */
        });
    }

    function run() {
      stop();
      timer = window.setInterval(refresh, seconds * 1000);
    }

    if (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        paused = !paused;
        button.textContent = paused
          ? button.getAttribute("data-resume-label")
          : button.getAttribute("data-pause-label");
        if (paused) {
          stop();
        } else {
          refresh();
          run();
        }
      });
    }
    if (!done()) {
      run();
    } else if (button) {
      button.hidden = true;
    }
  }

  document.querySelectorAll("[data-live-src]").forEach(start);
})();
