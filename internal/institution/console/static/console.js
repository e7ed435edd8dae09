// The staff console's only script: the idle warning. It polls the session's
// time left without counting as activity, shows how long is left once the
// warning time is reached, and "Stay signed in" extends the session. When
// the session has ended it goes to the sign-in page. Without JavaScript the
// console works the same, minus the warning.
(function () {
  'use strict';
  var box = document.getElementById('idle-warning');
  if (!box) {
    return;
  }
  var statusURL = box.getAttribute('data-status-url');
  var loginURL = box.getAttribute('data-login-url');
  var left = document.getElementById('idle-left');
  var stay = document.getElementById('idle-stay');
  var deadline = 0;

  function format(seconds) {
    var m = Math.floor(seconds / 60);
    var s = seconds % 60;
    return m + ':' + (s < 10 ? '0' : '') + s;
  }

  function tick() {
    if (box.hidden || !deadline) {
      return;
    }
    var seconds = Math.max(0, Math.round((deadline - Date.now()) / 1000));
    left.textContent = format(seconds);
  }

  function show(status) {
    if (!status.active) {
      window.location.assign(loginURL);
      return;
    }
    if (status.warn) {
      deadline = Date.now() + status.remaining_seconds * 1000;
      var wasHidden = box.hidden;
      box.hidden = false;
      tick();
      if (wasHidden) {
        stay.focus();
      }
    } else {
      box.hidden = true;
    }
  }

  function poll() {
    fetch(statusURL, { headers: { 'X-Session-Poll': '1' }, credentials: 'same-origin', cache: 'no-store' })
      .then(function (r) { return r.json(); })
      .then(show)
      .catch(function () { /* the next poll tries again */ });
  }

  stay.addEventListener('click', function () {
    // A request without the poll header is activity: it extends the session.
    fetch(statusURL, { credentials: 'same-origin', cache: 'no-store' })
      .then(function (r) { return r.json(); })
      .then(show)
      .catch(function () {});
  });

  // Coming back to the tab checks at once rather than at the next poll.
  window.addEventListener('focus', poll);
  document.addEventListener('visibilitychange', function () {
    if (!document.hidden) {
      poll();
    }
  });

  poll();
  setInterval(poll, 15000);
  setInterval(tick, 1000);
})();
