/* Builds a bundle's search index at bundle time, so the reader's browser only loads it.
   Usage: node build-index.js MINISEARCH_JS DOCS_JSON STOP_WORDS_JSON INDEX_JS RELATED_JSON
   Reads the articles (id, title, keywords, headings, summary, text, url) and the language's
   stop words, writes the serialised index and the stop words as a script that sets
   window.HELP_SEARCH.index and .stopWords, and each article's related articles (the best
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
  ";\nwindow.HELP_SEARCH.stopWords = " + JSON.stringify(stopWords).replace(/<\//g, "<\\/") + ";\n");
fs.writeFileSync(relatedPath, JSON.stringify(related));
