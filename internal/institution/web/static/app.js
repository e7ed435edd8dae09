// The member site's only script: the idle warning (S23), "hide my typing"
// (S12), the password strength meter (S2) and the custom-question field
// (S8). Every page works without it; it adds no inline code, so the
// Content-Security-Policy can forbid inline script.
(function () {
  "use strict";
  var csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";

  // Idle warning. The page asks the server how long the session has left,
  // with the poll header so that asking does not extend it; when the
  // warning time is reached it offers "Stay signed in"; when the session has
  // ended it goes to the sign-out page.
  var body = document.body;
  if (body.dataset.session === "on") {
    var box = document.getElementById("idle-warning");
    var minutes = document.getElementById("idle-minutes");
    var stay = document.getElementById("idle-stay");
    var timer = 0, lastActivity = Date.now(), busy = false;
    var every = 15000;
    var schedule = function (ms) { clearTimeout(timer); timer = setTimeout(poll, Math.max(1000, Math.min(ms, every))); };
    var show = function (seconds) {
      var m = Math.max(1, Math.ceil(seconds / 60));
      minutes.textContent = m + (m === 1 ? " minute" : " minutes");
      if (box.hidden) { box.hidden = false; stay.focus(); }
    };
    var handle = function (s) {
      if (!s.active) { window.location.assign("/logout?reason=timeout"); return; }
      if (s.warn) { show(s.remaining_seconds); } else { box.hidden = true; }
      schedule(s.remaining_seconds * 1000 + 500);
    };
    var poll = function () {
      if (busy) { return; }
      busy = true;
      fetch("/session/status", { headers: { "X-Session-Poll": "1", "Accept": "application/json" }, credentials: "same-origin", cache: "no-store" })
        .then(function (r) { return r.json(); }).then(handle)
        .catch(function () { schedule(every); })
        .then(function () { busy = false; });
    };
    var keepAlive = function () {
      return fetch("/session/stay", { method: "POST", headers: { "X-CSRF-Token": csrf, "Accept": "application/json" }, credentials: "same-origin" })
        .then(function (r) { return r.json(); }).then(handle);
    };
    stay.addEventListener("click", function () { lastActivity = Date.now(); keepAlive(); });
    // Activity on the page extends the session, at most once a minute.
    ["keydown", "mousedown", "touchstart"].forEach(function (type) {
      document.addEventListener(type, function (e) {
        if (e.target === stay || !box.hidden) { return; }
        if (Date.now() - lastActivity > 60000) { lastActivity = Date.now(); keepAlive(); }
      }, { passive: true });
    });
    window.addEventListener("focus", poll);
    document.addEventListener("visibilitychange", function () { if (!document.hidden) { poll(); } });
    schedule(every);
  }

  // "Hide my typing": an eye button beside an answer or password field.
  document.querySelectorAll("button[data-reveal]").forEach(function (btn) {
    var input = document.getElementById(btn.dataset.reveal);
    if (!input) { return; }
    btn.hidden = false;
    btn.addEventListener("click", function () {
      var hidden = input.type === "password";
      input.type = hidden ? "text" : "password";
      btn.setAttribute("aria-pressed", hidden ? "false" : "true");
      btn.querySelector(".label").textContent = hidden ? "Hide my typing" : "Show my typing";
      input.focus();
    });
  });

  // Password strength meter: the server scores what is typed (zxcvbn).
  document.querySelectorAll("input[data-strength]").forEach(function (input) {
    var meter = document.getElementById(input.dataset.strength);
    var text = document.getElementById(input.dataset.strength + "-text");
    var flow = input.dataset.flow || "";
    var pending = 0;
    meter.parentElement.hidden = false;
    input.addEventListener("input", function () {
      clearTimeout(pending);
      pending = setTimeout(function () {
        fetch("/password/strength", {
          method: "POST", credentials: "same-origin",
          headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
          body: JSON.stringify({ password: input.value, flow: flow })
        }).then(function (r) { return r.json(); }).then(function (s) {
          meter.value = s.score;
          text.textContent = "Strength: " + s.label + (s.feedback ? ". " + s.feedback : "");
        }).catch(function () {});
      }, 250);
    });
  });

  // The member's own question: its text field shows when chosen.
  document.querySelectorAll("select[data-custom]").forEach(function (sel) {
    var box = document.getElementById(sel.dataset.custom);
    var sync = function () { box.hidden = sel.value !== "custom"; };
    sel.addEventListener("change", sync);
    sync();
  });
})();
