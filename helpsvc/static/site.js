// Progressive enhancement only: every feature here also works without JavaScript.
(function () {
  "use strict";

  function postJSON(url, body) {
    return fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json", "Accept": "application/json" },
      body: JSON.stringify(body),
      credentials: "same-origin",
    }).then(function (response) {
      return response.json().then(function (data) {
        if (!response.ok) { throw new Error((data.error && data.error.message) || "Could not send feedback"); }
        return data;
      });
    });
  }

  function setupCounter(form) {
    var box = form.querySelector("textarea[name=comment]");
    var counter = form.querySelector(".counter");
    if (!box || !counter) { return; }
    var max = parseInt(box.getAttribute("maxlength"), 10) || 2000;
    // The sentence comes from the page, which is in the reader's language.
    var sentence = counter.getAttribute("data-template") || "{count} / {max} characters";
    function update() {
      counter.textContent = sentence.replace("{count}", box.value.length).replace("{max}", max);
    }
    box.addEventListener("input", update);
    update();
  }

  function setupFeedback(section) {
    var vote = section.querySelector("form.vote");
    var details = section.querySelector("form.details");
    var thanks = section.querySelector(".thanks");
    if (!vote || !details) { return; }
    var articleId = section.getAttribute("data-article");
    var locale = section.getAttribute("data-locale");
    var helpful = null;
    // The details post replaces the vote (one per visitor, article and day), so it must not overtake it.
    var voted = Promise.resolve();
    setupCounter(details);

    vote.addEventListener("submit", function (event) {
      event.preventDefault();
      var button = event.submitter || document.activeElement;
      helpful = button && button.value === "yes";
      voted = postJSON("/api/v1/feedback", { article_id: articleId, helpful: helpful, locale: locale }).catch(function () {});
      details.querySelector("input[name=helpful]").value = helpful ? "yes" : "no";
      details.querySelectorAll("fieldset.reasons").forEach(function (fs) {
        var mine = fs.getAttribute("data-for") === (helpful ? "yes" : "no");
        fs.hidden = !mine;
        fs.disabled = !mine;
      });
      vote.hidden = true;
      details.hidden = false;
      var first = details.querySelector("fieldset:not([hidden]) input");
      if (first) { first.focus(); }
    });

    details.addEventListener("submit", function (event) {
      event.preventDefault();
      var reasons = Array.prototype.map.call(
        details.querySelectorAll("fieldset:not([disabled]) input[name=reasons]:checked"),
        function (input) { return input.value; });
      var comment = details.querySelector("textarea[name=comment]").value;
      voted
        .then(function () {
          return postJSON("/api/v1/feedback", { article_id: articleId, helpful: helpful, reasons: reasons, comment: comment, locale: locale });
        })
        .then(function () {
          details.hidden = true;
          thanks.textContent = thanks.getAttribute("data-thanks") || "Thank you for your feedback!";
          thanks.hidden = false;
          thanks.setAttribute("tabindex", "-1");
          thanks.focus();
        })
        .catch(function (error) {
          // The API's messages are in English; the page says it in the reader's language.
          thanks.textContent = thanks.getAttribute("data-failed") || error.message;
          thanks.hidden = false;
        });
    });
  }

  function setupSuggest(form) {
    var input = form.querySelector("input[data-suggest]");
    var list = form.querySelector(".suggestions");
    if (!input || !list) { return; }
    var timer = null;
    var active = -1;
    function close() { list.hidden = true; list.innerHTML = ""; active = -1; input.setAttribute("aria-expanded", "false"); input.removeAttribute("aria-activedescendant"); }
    function choose(item) {
      if (item.getAttribute("data-url")) { window.location.href = item.getAttribute("data-url"); return; }
      input.value = item.textContent;
      form.submit();
    }
    input.addEventListener("input", function () {
      clearTimeout(timer);
      var q = input.value.trim();
      if (q.length < 2) { close(); return; }
      timer = setTimeout(function () {
        fetch(input.getAttribute("data-suggest") + "?q=" + encodeURIComponent(q), { headers: { "Accept": "application/json" } })
          .then(function (r) { return r.ok ? r.json() : { suggestions: [] }; })
          .then(function (data) {
            list.innerHTML = "";
            active = -1;
            input.removeAttribute("aria-activedescendant");
            (data.suggestions || []).forEach(function (s, i) {
              var li = document.createElement("li");
              li.setAttribute("role", "option");
              li.id = "suggestion-" + i;
              li.textContent = s.text;
              if (s.url) { li.setAttribute("data-url", s.url); }
              li.addEventListener("mousedown", function (e) { e.preventDefault(); choose(li); });
              list.appendChild(li);
            });
            list.hidden = !list.children.length;
            input.setAttribute("aria-expanded", list.hidden ? "false" : "true");
          })
          .catch(close);
      }, 120);
    });
    input.addEventListener("keydown", function (e) {
      var items = list.querySelectorAll("li");
      if (!items.length || list.hidden) { return; }
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        e.preventDefault();
        if (active < 0) {
          active = e.key === "ArrowDown" ? 0 : items.length - 1;
        } else {
          active = (active + (e.key === "ArrowDown" ? 1 : items.length - 1)) % items.length;
        }
        items.forEach(function (li, i) { li.setAttribute("aria-selected", i === active ? "true" : "false"); });
        input.setAttribute("aria-activedescendant", items[active].id);
      } else if (e.key === "Enter" && active >= 0) {
        e.preventDefault();
        choose(items[active]);
      } else if (e.key === "Escape") {
        close();
      }
    });
    input.addEventListener("blur", function () { setTimeout(close, 150); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("section.feedback[data-article]").forEach(setupFeedback);
    document.querySelectorAll("section.feedback form.details").forEach(function (form) {
      if (!form.closest("[data-article]")) { setupCounter(form); }
    });
    document.querySelectorAll("form.search").forEach(setupSuggest);
  });
})();
