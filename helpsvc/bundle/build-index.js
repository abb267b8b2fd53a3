/* Builds a bundle's search index at bundle time, so the reader's browser only loads it.
   Usage: node build-index.js MINISEARCH_JS DOCS_JSON STOP_WORDS_JSON INDEX_JS RELATED_JSON
   Reads the articles (id, title, keywords, headings, summary, text, url) and the language's
   stop words, writes the serialised index and the stop words as a script that sets
   window.HELP_SEARCH.index, .stopWords and .commonWords, and each article's related articles (the best
   hits for its title and keywords) as JSON for the pages. */
"use strict";
const fs = require("fs");
const path = require("path");
// The library's browser build, the very file the bundle ships, loaded as CommonJS would load it
// (its package says "type": "module", so require() would not).
function loadUmd(file) {
  const module = { exports: {} };
  new Function("module", "exports", fs.readFileSync(file, "utf8"))(module, module.exports);
  return module.exports;
}
const MiniSearch = loadUmd(process.argv[2]);
const OfflineSearch = require(path.join(__dirname, "offline-search.js"));

const [docsPath, stopPath, indexPath, relatedPath] = process.argv.slice(3);
const docs = JSON.parse(fs.readFileSync(docsPath, "utf8"));
const stopWords = JSON.parse(fs.readFileSync(stopPath, "utf8"));
const index = OfflineSearch.create(MiniSearch, stopWords);
index.addAll(docs);

// Words nearly every article holds ("Relay" on Relay's help): results do not mark them, as the
// server's snippets do not. Among a handful of articles every word is in "nearly all".
const COMMON_SHARE = 0.9, COMMON_MIN_ARTICLES = 10;
const tokenize = MiniSearch.getDefault("tokenize");
const processTerm = OfflineSearch.options(stopWords).processTerm;
const holders = new Map();
for (const doc of docs) {
  const seen = new Set();
  for (const field of OfflineSearch.options(stopWords).fields) {
    for (const token of tokenize(String(doc[field] || ""))) {
      const term = processTerm(token);
      if (term) { seen.add(term); }
    }
  }
  for (const term of seen) { holders.set(term, (holders.get(term) || 0) + 1); }
}
const commonWords = docs.length < COMMON_MIN_ARTICLES ? [] :
  [...holders].filter(([, n]) => n > docs.length * COMMON_SHARE).map(([term]) => term).sort();

const RELATED = 5;
const related = {};
for (const doc of docs) {
  const query = [doc.title].concat(doc.keywords ? [doc.keywords] : []).join(" ");
  related[doc.id] = index.search(query, { prefix: false, fuzzy: false })
    .filter((hit) => hit.id !== doc.id)
    .slice(0, RELATED)
    .map((hit) => hit.id);
}
// JSON inside a script: "</" would end the script element early.
const serialised = JSON.stringify(JSON.stringify(index)).replace(/<\//g, "<\\/");
fs.writeFileSync(indexPath, "window.HELP_SEARCH = window.HELP_SEARCH || {};\nwindow.HELP_SEARCH.index = " + serialised +
  ";\nwindow.HELP_SEARCH.stopWords = " + JSON.stringify(stopWords).replace(/<\//g, "<\\/") +
  ";\nwindow.HELP_SEARCH.commonWords = " + JSON.stringify(commonWords).replace(/<\//g, "<\\/") + ";\n");
fs.writeFileSync(relatedPath, JSON.stringify(related));
