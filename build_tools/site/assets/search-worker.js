// The full-text half of the culture site's search, run as a module worker.
//
// Pagefind lives here, not on the page: searching stays off the page's main thread, and
// with no document Pagefind sees no lang="zh", so it leaves our query terms as they are.
// On the page it would cut them again with Intl.Segmenter (史福 福林 → 史 福 福林),
// which finds other words than the ones indexed.
//
// The index holds Chinese as overlapping character bigrams (东山坡 → 东山 山坡), written
// by build_tools/site/search/chinese.py (cjk_bigrams); a query is turned into bigrams the same way.
const ROOT = new URL("../../", import.meta.url);
const MAX_TERMS = 3; // bigrams asked for per query: each costs an index chunk to fetch
const VERIFY_MAX = 40; // fragments read at most to find pages with a long phrase whole
// Ideographs, as search/chinese.py's _CJK_RUN has them.
const IDEOGRAPHS = "\\u3400-\\u9fff\\uf900-\\ufaff\\u{20000}-\\u{3134f}";
const CJK = new RegExp(`[${IDEOGRAPHS}]`, "u");
const CJK_RUN_SPLIT = new RegExp(`([${IDEOGRAPHS}]+)`, "u");
const BREAK = "¶"; // ends every paragraph of a record (see search_record.html.j2)

const RECORD_FILE = /\.record\.html$/; // how search/records.py names a record's file

let loading = null;
let loaded = null; // Pagefind's module, once imported

// Pagefind with every part of the index merged, and the pages it must not show: those
// a later part supersedes (search/incremental.py). Null while the site has nothing to
// index. A failure is not kept, so the next query tries again: the preview installs
// the index a moment after the page has loaded.
function index() {
  if (!loading) {
    loading = load().catch((error) => {
      loading = null;
      throw error;
    });
  }
  return loading;
}

async function load() {
  const response = await fetch(new URL("search/parts.json", ROOT), { cache: "no-cache" });
  if (!response.ok) throw new Error(`search/parts.json: HTTP ${response.status}`);
  const { parts, superseded = [] } = await response.json();
  if (!parts) return null;
  if (loaded) await loaded.destroy(); // an index installed since: start afresh
  const pf = await import(new URL("pagefind/pagefind.js", ROOT).href);
  loaded = pf;
  // Records are indexed under "/" (/stories/x.record.html); the page puts them under
  // the real root.
  await pf.options({ baseUrl: "/" });
  // A very large site's index is built in parts (pagefind/, pagefind-1/, …), and the
  // last may be the delta of what changed since the others were made.
  for (let i = 1; i < parts; i += 1) {
    await pf.mergeIndex(new URL(`pagefind-${i}/`, ROOT).href, { baseUrl: "/" });
  }
  await pf.init();
  return { pf, superseded: new Set(superseded) };
}

// Pagefind's results for `term`: a page superseded by a later part is dropped, before
// its fragment is fetched, and a page held unchanged by two parts is kept once.
async function find(pf, superseded, term, filters) {
  const found = await pf.search(term, { filters });
  const seen = new Set();
  return (found ? found.results : []).filter((r) => {
    if (superseded.has(r.id) || seen.has(r.id)) return false;
    seen.add(r.id);
    return true;
  });
}

// A record's URL: Pagefind indexed its file, /stories/x.record.html for /stories/x/.
function pageUrl(indexed) {
  return indexed.replace(RECORD_FILE, "/");
}

// The words of a query, each with the bigrams asked for and where each starts in it
// (the positions a page holding the word has them at, relative to the first).
function queryWords(query) {
  return query.split(/\s+/).filter(Boolean).map((word) => {
    const terms = [];
    let at = 0;
    for (const run of word.split(CJK_RUN_SPLIT).filter(Boolean)) {
      const chars = Array.from(run);
      if (!CJK.test(run) || chars.length === 1) {
        terms.push({ term: run.toLowerCase(), at });
        at += 1;
        continue;
      }
      for (let i = 0; i < chars.length - 1; i += 1) terms.push({ term: chars[i] + chars[i + 1], at: at + i });
      at += chars.length - 1;
    }
    if (terms.length <= MAX_TERMS) return { word, terms, thinned: false };
    // A long phrase: a few bigrams spread over it, first and last included. Pages
    // with them at the right distances may still differ in between (陆军凤摸黑… for
    // 陆军梅摸黑…): search() reads their text to tell.
    const step = (terms.length - 1) / (MAX_TERMS - 1);
    const picked = Array.from({ length: MAX_TERMS }, (_, n) => terms[Math.round(n * step)]);
    return { word, terms: picked, thinned: true };
  });
}

// Whether a result holds the terms at the distances they have in the query, that is
// the whole phrase (read off the word positions Pagefind returns, no fragment needed).
function holdsPhrase(result, terms) {
  if (terms.length < 2) return true;
  const at = new Set(result.words);
  const first = terms[0].at;
  return result.words.some((p) => terms.every((t) => at.has(p + t.at - first)));
}

// The text a record was written from, put back together from its bigrams.
function readable(content) {
  const out = [];
  let bigram = ""; // the last word written, while it was a bigram
  let tail = ""; // the last character written
  for (const word of content.split(/\s+/)) {
    if (!word) continue;
    if (word === BREAK) {
      out.push("\n");
      bigram = tail = "";
      continue;
    }
    const chars = Array.from(word);
    if (chars.length === 2 && CJK.test(chars[0]) && CJK.test(chars[1])) {
      out.push(bigram && Array.from(bigram)[1] === chars[0] ? chars[1] : word);
      bigram = word;
      tail = chars[1];
      continue;
    }
    // Latin words and numbers keep the space between them; Chinese needs none.
    if (wordlike(tail) && wordlike(chars[0])) out.push(" ");
    out.push(word);
    bigram = "";
    tail = chars[chars.length - 1];
  }
  return out.join("");
}

function wordlike(ch) {
  return /[\p{L}\p{N}]/u.test(ch) && !CJK.test(ch);
}

// Pagefind's results for the bigrams of a query, pages that hold every word of it
// whole first (in Pagefind's order).
async function fullText({ pf, superseded }, words, filters) {
  const terms = words.flatMap((w) => w.terms.map((t) => t.term)).join(" ");
  const results = await find(pf, superseded, terms, filters);
  const whole = results.filter((r) => words.every((w) => holdsPhrase(r, w.terms)));
  return [...whole, ...results.filter((r) => !whole.includes(r))];
}

// `name`: the query is a name records list whole (a person, a unit, a theme: the page
// knows from its entity index), so one word is asked for instead of its bigrams, one
// index chunk instead of several. `complete`: text that merely mentions it is wanted
// too (the results page), not only the records about it (the dropdown).
async function search(query, filters, limit, options = {}) {
  try {
    return await searchOnce(await index(), query, filters, limit, options);
  } catch (error) {
    // The index may have been replaced under this page (the preview installs a new one
    // in place): load it afresh and ask once more.
    loading = null;
    return searchOnce(await index(), query, filters, limit, options);
  }
}

async function searchOnce(found, query, filters, limit, { name = false, complete = false }) {
  const words = queryWords(query);
  if (!found || !words.length) return [];
  let results = [];
  if (name) results = await find(found.pf, found.superseded, query.toLowerCase(), filters);
  if (!results.length || complete) {
    const seen = new Set(results.map((r) => r.id));
    results = [...results, ...(await fullText(found, words, filters)).filter((r) => !seen.has(r.id))];
  }
  const has = (text) => words.every((w) => text.includes(w.word));
  // Read `limit` results; when a long phrase was asked for by a few of its bigrams,
  // read on (a batch at a time, up to VERIFY_MAX) until `limit` of them hold it whole.
  const reach = words.some((w) => w.thinned) ? Math.max(limit, VERIFY_MAX) : limit;
  const rows = [];
  while (rows.length < Math.min(reach, results.length)) {
    const batch = results.slice(rows.length, Math.min(rows.length + limit, reach));
    for (const d of await Promise.all(batch.map((r) => r.data()))) {
      const text = readable(d.content);
      const title = d.meta.title || "";
      const body = text.slice(text.indexOf("\n") + 1); // the first paragraph is the title
      // A page with the query in its title beats one with it in the text.
      const score = rows.length - (has(title) ? 1000 : has(body) ? 500 : 0);
      rows.push({ url: pageUrl(d.url), type: d.meta.type || "其他", title, date: d.meta.date || "", text: body, score });
    }
    if (rows.filter((r) => r.score < 0).length >= limit) break;
  }
  rows.sort((a, b) => a.score - b.score);
  return rows.slice(0, limit).map(({ score, ...row }) => row);
}

async function filters() {
  const found = await index();
  return found ? found.pf.filters() : {};
}

const operations = { search, filters, warm: async () => { await index().catch(() => null); } };

self.addEventListener("message", async ({ data: { id, operation, args } }) => {
  try {
    self.postMessage({ id, result: await operations[operation](...args) });
  } catch (error) {
    self.postMessage({ id, error: String(error) });
  }
});
