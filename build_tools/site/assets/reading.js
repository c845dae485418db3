// 适老化 reading for the culture site.
// 1. The header control (main.html): 大字 / 标准 and 高对比度, kept in localStorage and set
//    on <html> as data-reading / data-contrast (main.html's inline script applies them
//    before the first paint; reading.css styles by them).
// 2. 朗读 on story, profile and panel pages: the browser's own speech synthesis, paragraph
//    by paragraph, the paragraph being read highlighted. Shown only where the browser has
//    a Chinese voice. Nothing is fetched: no request leaves the site.
(function () {
  "use strict";
  var root = document.documentElement;

  function remember(key, value) {
    try {
      localStorage.setItem(key, value);
    } catch (e) {
      // private mode or storage off: the choice lasts for this page only
    }
  }

  // -- the header control -------------------------------------------------------------
  function readingControl(control) {
    var buttons = Array.prototype.slice.call(control.querySelectorAll("button"));
    function sync() {
      buttons.forEach(function (b) {
        var on = b.hasAttribute("data-reading")
          ? root.getAttribute("data-reading") === b.getAttribute("data-reading")
          : root.getAttribute("data-contrast") === "high";
        b.setAttribute("aria-pressed", on ? "true" : "false");
      });
    }
    buttons.forEach(function (b) {
      b.addEventListener("click", function () {
        if (b.hasAttribute("data-reading")) {
          var reading = b.getAttribute("data-reading");
          root.setAttribute("data-reading", reading);
          remember("culture-reading", reading);
        } else {
          var contrast = root.getAttribute("data-contrast") === "high" ? "normal" : "high";
          root.setAttribute("data-contrast", contrast);
          remember("culture-contrast", contrast);
        }
        sync();
      });
    });
    sync();
  }

  var control = document.querySelector("[data-culture-reading]");
  if (control) readingControl(control);

  // -- 朗读 -----------------------------------------------------------------------------
  var article = document.querySelector(".culture-story, .culture-craftsman, .culture-panel");
  var synth = window.speechSynthesis;
  if (!article || !synth || typeof window.SpeechSynthesisUtterance !== "function") return;

  var READ = "h1, .culture-subtitle, .culture-motto, .culture-body p, .culture-body h2, " +
    ".culture-body h3, .culture-body h4, .culture-body li, .culture-body blockquote";
  var NOW = "culture-reading-now";

  // What is read, in page order: the title, then the body; an element holding another
  // one that is read (a list item with paragraphs) is read through those.
  function parts() {
    var all = Array.prototype.slice.call(article.querySelectorAll(READ));
    return all.filter(function (el) {
      if (!el.textContent.trim()) return false;
      return !all.some(function (other) { return other !== el && el.contains(other); });
    });
  }

  function chineseVoice() {
    var voices = synth.getVoices() || [];
    var zh = voices.filter(function (v) { return /^zh/i.test(v.lang || ""); });
    var cn = zh.filter(function (v) { return /^zh[-_](CN|Hans)/i.test(v.lang); });
    return cn[0] || zh[0] || null;
  }

  var bar = document.createElement("p");
  bar.className = "culture-listen";
  bar.hidden = true;
  var play = document.createElement("button");
  play.type = "button";
  play.className = "culture-listen__play";
  var stop = document.createElement("button");
  stop.type = "button";
  stop.className = "culture-listen__stop";
  stop.textContent = "■ 停止";
  stop.hidden = true;
  bar.append(play, stop);
  var title = article.querySelector("h1");
  if (title) title.after(bar);
  else article.prepend(bar);

  var state = "idle"; // idle | playing | paused
  var queue = [];
  var index = 0;
  var turn = 0; // an utterance of an earlier turn (cancelled) must not move on
  var voice = null;

  function show() {
    play.textContent = state === "playing" ? "❚❚ 暂停" : state === "paused" ? "▶ 继续朗读" : "▶ 朗读全文";
    play.setAttribute("aria-label", state === "playing" ? "暂停朗读" : state === "paused" ? "继续朗读" : "朗读全文");
    stop.hidden = state === "idle";
  }

  function mark(el) {
    var old = article.querySelectorAll("." + NOW);
    for (var i = 0; i < old.length; i++) old[i].classList.remove(NOW);
    if (!el) return;
    el.classList.add(NOW);
    var box = el.getBoundingClientRect();
    if (box.top < 0 || box.bottom > window.innerHeight) {
      el.scrollIntoView({ block: "center" });
    }
  }

  function speakCurrent() {
    if (index >= queue.length) {
      finish();
      return;
    }
    var mine = ++turn;
    var el = queue[index];
    var utterance = new SpeechSynthesisUtterance(el.textContent.replace(/\s+/g, " ").trim());
    utterance.lang = "zh-CN";
    utterance.rate = 0.9; // a little slower than the default, for older listeners
    try {
      if (voice) utterance.voice = voice;
    } catch (e) {
      // a voice the browser does not accept here: it picks one for zh-CN itself
    }
    utterance.addEventListener("end", function () {
      if (mine !== turn || state !== "playing") return;
      index += 1;
      speakCurrent();
    });
    utterance.addEventListener("error", function (event) {
      if (mine !== turn || event.error === "interrupted" || event.error === "canceled") return;
      finish();
    });
    mark(el);
    synth.speak(utterance);
  }

  function finish() {
    turn += 1;
    synth.cancel();
    state = "idle";
    index = 0;
    mark(null);
    show();
  }

  // Pausing cancels and later reads the paragraph again from its start: pause() and
  // resume() are unreliable in several browsers (Android stops, Chrome goes silent).
  play.addEventListener("click", function () {
    if (state === "playing") {
      state = "paused";
      turn += 1;
      synth.cancel();
    } else {
      if (state === "idle") {
        queue = parts();
        index = 0;
      }
      state = "playing";
      synth.cancel();
      speakCurrent();
    }
    show();
  });
  stop.addEventListener("click", function () {
    finish();
    play.focus();
  });
  window.addEventListener("pagehide", function () { synth.cancel(); });

  function voicesKnown() {
    voice = chineseVoice();
    bar.hidden = !voice;
    if (!voice && state !== "idle") finish();
  }
  show();
  voicesKnown();
  // Voices load after the page in Chrome: the list is announced when it is known.
  if (typeof synth.addEventListener === "function") {
    synth.addEventListener("voiceschanged", voicesKnown);
  } else {
    synth.onvoiceschanged = voicesKnown;
  }
})();

/* Tables wider than the screen (more often in 大字) scroll sideways inside Material's
   wrapper: a keyboard user reaches it with Tab and scrolls it with the arrow keys. Material
   wraps tables after the page has loaded, so wrappers are looked for as they appear. */
(function () {
  "use strict";
  function reachable(root) {
    root.querySelectorAll(".md-typeset__scrollwrap:not([tabindex])").forEach(function (wrap) {
      wrap.tabIndex = 0;
      wrap.setAttribute("role", "region");
      wrap.setAttribute("aria-label", "表格（可左右滚动）");
    });
  }
  function start() {
    reachable(document);
    new MutationObserver(function () { reachable(document); })
      .observe(document.body, { childList: true, subtree: true });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();

/* The navigation drawer, on phones and on a desktop zoomed to a phone's width: Material
   opens it with a label for a hidden checkbox, which the keyboard cannot reach. The label
   (partials/header.html) is a button a Tab reaches: Enter opens the drawer (Material
   clicks a focused label on Enter itself), Space too (here), Escape closes it and gives
   the focus back, and aria-expanded says whether it is open. */
(function () {
  "use strict";
  var toggle = document.getElementById("__drawer");
  var opener = document.querySelector("[data-culture-drawer]");
  if (!toggle || !opener) return;
  function state() { opener.setAttribute("aria-expanded", String(toggle.checked)); }
  opener.addEventListener("keydown", function (event) {
    if (event.key === " ") {
      event.preventDefault();
      toggle.click();
    }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && toggle.checked) {
      toggle.click();
      opener.focus();
    }
  });
  toggle.addEventListener("change", state);
  state();
})();
