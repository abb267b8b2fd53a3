/* The offline help bundle's search: the same MiniSearch options at bundle time (Node,
   build-index.js) and in the reader's browser, so the index loads as it was built.
   The index arrives as a <script> (window.HELP_SEARCH): pages opened from file://
   cannot fetch JSON, and nothing here asks any host for anything. */
(function (root, factory) {
  if (typeof module === "object" && module.exports) {
    module.exports = factory();
  } else {
    root.OfflineSearch = factory();
  }
})(typeof self !== "undefined" ? self : this, function () {
  "use strict";

  // Words too common to tell articles apart; searched, they only add noise.
  var STOP_WORDS = new Set((
    "a an and are as at be but by can do does for from how i if in into is it its me my of on or so " +
    "that the their this to was what when where which who why will with you your " +
    "der die das und oder ein eine einen ist wie ich mein meine mich mir zu im in auf mit von für den dem des nicht"
  ).split(" "));

  function processTerm(term) {
    var lower = term.toLowerCase();
    return STOP_WORDS.has(lower) ? null : lower;
  }

  var OPTIONS = {
    idField: "id",
    fields: ["title", "keywords", "headings", "summary", "text"],
    storeFields: ["title", "summary", "url"],
    processTerm: processTerm,
    searchOptions: {
      // Measured on the corpus's short queries: a title boost of 4 ranked articles that merely
      // name a word in their title above the one about it (MRR@10 0.57), 1.5 did best (0.62)
      // but put "Troubleshoot screen sharing" above "Share your screen" for "share my screen".
      boost: { title: 3, keywords: 1.5, headings: 1.2, summary: 1.2 },
      // Prefix search for words being typed, a typo allowed in longer ones.
      prefix: function (term) { return term.length > 2; },
      fuzzy: function (term) { return term.length > 4 ? 0.2 : false; },
      combineWith: "OR",
      processTerm: processTerm
    }
  };

  function create(MiniSearch) {
    return new MiniSearch(OPTIONS);
  }

  function load(MiniSearch, serialised) {
    return MiniSearch.loadJSON(serialised, OPTIONS);
  }

  function search(index, query, limit) {
    return index.search(query).slice(0, limit || 20);
  }

  // The search page: results for ?q= from the bundled index, as links to article files.
  function showResults(doc, MiniSearch, data) {
    var params = new URLSearchParams(doc.location.search);
    var query = (params.get("q") || "").trim();
    var box = doc.getElementById("q");
    var list = doc.getElementById("results");
    var status = doc.getElementById("status");
    if (box) { box.value = query; }
    if (!query) { return; }
    var hits = search(load(MiniSearch, data.index), query, 20);
    status.textContent = hits.length ? data.found.replace("{count}", hits.length).replace("{query}", query)
                                     : data.none.replace("{query}", query);
    hits.forEach(function (hit) {
      var item = doc.createElement("li");
      var link = doc.createElement("a");
      link.href = hit.url;
      link.textContent = hit.title;
      item.appendChild(link);
      if (hit.summary) {
        var p = doc.createElement("p");
        p.textContent = hit.summary;
        item.appendChild(p);
      }
      list.appendChild(item);
    });
  }

  return { OPTIONS: OPTIONS, create: create, load: load, search: search, showResults: showResults };
});
