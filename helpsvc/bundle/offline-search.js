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

  // The language's function words ("my", "how", "mon"), given by the bundle for each locale's
  // index: too common to tell articles apart, searched they only add noise.
  function options(stopWords) {
    var stop = new Set(stopWords || []);
    // Readers often type without accents ("ecran", "reunion"): words are indexed and searched
    // with their accents taken off, as the server folds its stems.
    function processTerm(term) {
      var lower = term.toLowerCase();
      return stop.has(lower) ? null : fold(lower);
    }
    return {
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
  }

  function create(MiniSearch, stopWords) {
    return new MiniSearch(options(stopWords));
  }

  function load(MiniSearch, serialised, stopWords) {
    return MiniSearch.loadJSON(serialised, options(stopWords));
  }

  function search(index, query, limit) {
    return index.search(query).slice(0, limit || 20);
  }

  // Text with the words a hit matched in <mark>, built as nodes: the text is never parsed as HTML.
  var WORD = /[\p{L}\p{N}]+(?:['’.][\p{L}\p{N}]+)*/gu;
  function fold(word) {
    return word.toLowerCase().normalize("NFD").replace(/\p{M}+/gu, "");
  }

  function marked(doc, text, terms) {
    var wanted = new Set(terms.map(fold));
    var out = doc.createDocumentFragment();
    var at = 0;
    text.replace(WORD, function (word, offset) {
      if (wanted.has(fold(word))) {
        out.appendChild(doc.createTextNode(text.slice(at, offset)));
        var mark = doc.createElement("mark");
        mark.className = "hl";
        mark.textContent = word;
        out.appendChild(mark);
        at = offset + word.length;
      }
      return word;
    });
    out.appendChild(doc.createTextNode(text.slice(at)));
    return out;
  }

  var MAX_HITS = 20;  // search.html gives a sentence for each count up to this

  // The search page: results for ?q= from the bundled index, as links to article files.
  function showResults(doc, MiniSearch, data) {
    var params = new URLSearchParams(doc.location.search);
    var query = (params.get("q") || "").trim();
    var box = doc.getElementById("q");
    var list = doc.getElementById("results");
    var status = doc.getElementById("status");
    if (box) { box.value = query; }
    if (!query) { return; }
    var hits = search(load(MiniSearch, data.index, data.stopWords), query, MAX_HITS);
    // data.found holds the sentence for 1 to MAX_HITS hits, in the reader's plural forms.
    status.textContent = hits.length ? data.found[hits.length - 1].replace("{query}", query)
                                     : data.none.replace("{query}", query);
    var common = new Set(data.commonWords || []);
    hits.forEach(function (hit) {
      var shown = hit.terms.filter(function (term) { return !common.has(term); });
      var item = doc.createElement("li");
      var link = doc.createElement("a");
      link.href = hit.url;
      link.appendChild(marked(doc, hit.title, shown));
      item.appendChild(link);
      if (hit.summary) {
        var p = doc.createElement("p");
        p.className = "snippet";
        p.appendChild(marked(doc, hit.summary, shown));
        item.appendChild(p);
      }
      list.appendChild(item);
    });
  }

  return { options: options, create: create, load: load, search: search, marked: marked, showResults: showResults };
});
