// Search for the culture site: Pagefind full text plus an exact-match entity index.
// Loaded as an ES module; everything it fetches lives under the site's own root, so the
// site works from any sub-path (e.g. /culture/). It does not work from file://.
const ROOT = new URL("../../", import.meta.url);
const TYPES = ["故事", "工匠", "展板", "故事集", "其他"];
const MAX_DROPDOWN = 8;

let pagefindPromise = null;
let t2sPromise = null;
const shards = new Map();
// Pagefind, or null while the site has nothing to index.
function pagefind() {
  if (!pagefindPromise) {
    pagefindPromise = fetch(new URL("search/parts.json", ROOT)).then((r) => r.json()).then(async ({ parts }) => {
      if (!parts) return null;
      const pf = await import(new URL("pagefind/pagefind.js", ROOT).href);
      // URLs are indexed as "/stories/x/"; siteUrl() puts them under the real root.
      await pf.options({ baseUrl: "/", excerptLength: 40 });
      // A large site's index is built in parts (pagefind/, pagefind-1/, …): merge them.
      for (let i = 1; i < parts; i += 1) await pf.mergeIndex(new URL(`pagefind-${i}/`, ROOT).href, { baseUrl: "/" });
      pf.init();
      return pf;
    });
  }
  return pagefindPromise;
}

function t2s() {
  if (!t2sPromise) t2sPromise = fetch(new URL("search/t2s.json", ROOT)).then((r) => r.json());
  return t2sPromise;
}

// Entities are split by the first character of their names: a query fetches one shard.
function entityShard(query) {
  const key = query.codePointAt(0).toString(16);
  if (!shards.has(key)) {
    shards.set(key, fetch(new URL(`search/entities/${key}.json`, ROOT)).then((r) => (r.ok ? r.json() : [])).catch(() => []));
  }
  return shards.get(key);
}

// The index holds Chinese as overlapping bigrams (东山坡 → 东山 山坡): a query is
// turned into bigrams the same way, so any phrase is found, not only dictionary words.
function bigrams(text) {
  return text.replace(/[\u3400-\u9fff\uf900-\ufaff]+/g, (run) => {
    if (run.length === 1) return ` ${run} `;
    const pairs = [];
    for (let i = 0; i < run.length - 1; i += 1) pairs.push(run.slice(i, i + 2));
    return ` ${pairs.join(" ")} `;
  }).trim().replace(/\s+/g, " ");
}

function excerpt(text, query) {
  const at = text.indexOf(query);
  if (at < 0) return escapeHtml(text.slice(0, 80)) + (text.length > 80 ? "……" : "");
  const start = Math.max(0, at - 24);
  const end = Math.min(text.length, at + query.length + 48);
  return (start > 0 ? "……" : "") + highlight(text.slice(start, end).replace(/\s+/g, " "), query) + (end < text.length ? "……" : "");
}

function normalise(query, t2s) {
  const trimmed = query.trim().replace(/\s+/g, " ");
  return Array.from(trimmed, (ch) => t2s[ch] || ch).join("");
}

function siteUrl(path) {
  return new URL(path.replace(/^\//, ""), ROOT).href;
}

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}

function highlight(text, query) {
  const safe = escapeHtml(text);
  if (!query) return safe;
  return safe.split(escapeHtml(query)).join(`<mark>${escapeHtml(query)}</mark>`);
}

// Exact names first (a craftsman, a unit or its former name, a theme, a title, a year),
// then names that begin with the query, shortest first.
async function matchEntities(query, original) {
  const [mine, theirs] = await Promise.all([entityShard(query), original !== query ? entityShard(original) : []]);
  const exact = [];
  const partial = [];
  for (const row of [...mine, ...theirs]) {
    const [keys, type, title, url, summary, date, rank] = row;
    const e = { keys, type, title, url, summary: summary || (type === "人物" ? `${query}出现在这个故事中` : ""), date, rank };
    if (keys.includes(query) || keys.includes(original)) exact.push(e);
    else if (keys.some((k) => k.startsWith(query))) partial.push(e);
  }
  exact.sort((a, b) => a.rank - b.rank);
  partial.sort((a, b) => a.rank - b.rank || a.title.length - b.title.length);
  return [...exact, ...partial.slice(0, 3)].map((e) => ({
    url: siteUrl(e.url),
    type: e.type,
    title: e.title,
    date: e.date,
    excerpt: highlight(e.summary, query),
  }));
}

// The terms sent to Pagefind: a short run as its bigrams; a long phrase as at most four
// bigrams that tile it (fewer index chunks to fetch). Pages that contain the whole
// phrase are then ranked first, so nothing is lost by asking for fewer terms.
function queryTerms(query) {
  const terms = bigrams(query).split(" ").filter(Boolean);
  if (terms.length <= 4) return terms;
  const picked = [];
  for (let i = 0; i < terms.length; i += 2) picked.push(terms[i]);
  if (picked[picked.length - 1] !== terms[terms.length - 1]) picked.push(terms[terms.length - 1]);
  if (picked.length <= 4) return picked;
  const step = (picked.length - 1) / 3;
  return [0, 1, 2, 3].map((n) => picked[Math.round(n * step)]);
}

async function fullText(query, filters, limit) {
  const pf = await pagefind();
  if (!pf) return [];
  const terms = queryTerms(query);
  const first = await pf.search(terms.join(" "), { filters });
  let found = first ? first.results : [];
  if (found.length === 0 && terms.length >= 2) {
    // Pagefind misses the odd bigram (seen with 锅底): the halves of a long phrase
    // still find it; only pages with the exact phrase are kept from this fallback.
    const half = Math.ceil(terms.length / 2);
    const halves = await Promise.all([terms.slice(0, half), terms.slice(half)].map((t) => pf.search(t.join(" "), { filters })));
    const seen = new Set();
    found = halves.flatMap((h) => (h ? h.results : [])).filter((r) => !seen.has(r.id) && seen.add(r.id));
  }
  let data = await Promise.all(found.slice(0, limit).map((r) => r.data()));
  if (first && first.results.length === 0) {
    data = data.filter((d) => (d.meta.text || "").includes(query) || (d.meta.title || "").includes(query));
  }
  // An exact phrase in the title or text beats pages that only contain its pieces.
  const scored = data.map((d, i) => {
    let score = i;
    if ((d.meta.title || "").includes(query)) score -= 200;
    else if ((d.meta.text || "").includes(query)) score -= 100;
    return { d, score };
  });
  scored.sort((a, b) => a.score - b.score);
  return scored.map(({ d }) => ({
    url: siteUrl(d.url),
    type: d.meta.type || "其他",
    title: d.meta.title || "",
    date: d.meta.date || "",
    excerpt: excerpt(d.meta.text || "", query),
  }));
}

export async function searchAll(raw, filters = {}, limit = MAX_DROPDOWN) {
  const query = normalise(raw, await t2s());
  if (!query) return { query, results: [] };
  const active = Object.keys(filters).length > 0;
  const [named, text] = await Promise.all([
    active ? [] : matchEntities(query, raw.trim()),
    fullText(query, filters, limit),
  ]);
  const seen = new Set();
  const results = [];
  for (const r of [...named, ...text]) {
    const key = r.url.split("#")[0];
    if (seen.has(key) && !r.url.includes("#")) continue;
    seen.add(key);
    results.push(r);
  }
  return { query, results };
}

function resultHtml(r, id) {
  return `<li role="option" id="${id}" class="culture-result">
<a href="${escapeHtml(r.url)}"><span class="culture-result__type">${escapeHtml(r.type)}</span>
<span class="culture-result__title">${escapeHtml(r.title)}</span>${r.date ? `<span class="culture-result__date">${escapeHtml(r.date)}</span>` : ""}
<span class="culture-result__excerpt">${r.excerpt || ""}</span></a></li>`;
}

function searchPageUrl(query) {
  const url = new URL("search/", ROOT);
  url.searchParams.set("q", query);
  return url.href;
}

// -- the box in the header ----------------------------------------------------------------
function headerBox(root) {
  const input = root.querySelector("input");
  const list = root.querySelector(".culture-search__results");
  let active = -1;
  let token = 0;

  const options = () => Array.from(list.querySelectorAll('[role="option"] a'));
  const close = () => { list.hidden = true; input.setAttribute("aria-expanded", "false"); active = -1; };
  const mark = (i) => {
    const items = options();
    items.forEach((a, n) => a.parentElement.setAttribute("aria-selected", String(n === i)));
    active = i;
    if (items[i]) { input.setAttribute("aria-activedescendant", items[i].parentElement.id); items[i].scrollIntoView({ block: "nearest" }); }
  };

  async function update() {
    const raw = input.value;
    const mine = ++token;
    if (!raw.trim()) { close(); list.innerHTML = ""; root.dataset.query = ""; return; }
    const { results } = await searchAll(raw);
    if (mine !== token) return; // a newer keystroke won
    const shown = results.slice(0, MAX_DROPDOWN);
    list.innerHTML = (shown.length
      ? shown.map((r, i) => resultHtml(r, `culture-result-${i}`)).join("")
      : `<li class="culture-result culture-result--none">没有找到与“${escapeHtml(raw.trim())}”相关的内容</li>`)
      + `<li class="culture-result culture-result--all"><a href="${escapeHtml(searchPageUrl(raw.trim()))}">查看全部结果 →</a></li>`;
    list.hidden = false;
    input.setAttribute("aria-expanded", "true");
    root.dataset.query = raw;  // lets tests (and people's tools) know which query is shown
    active = -1;
  }

  input.addEventListener("focus", () => { pagefind(); t2s(); }, { once: true });
  input.addEventListener("input", update);
  input.addEventListener("keydown", (event) => {
    const items = options();
    if (event.key === "ArrowDown") { event.preventDefault(); mark(Math.min(active + 1, items.length - 1)); }
    else if (event.key === "ArrowUp") { event.preventDefault(); mark(Math.max(active - 1, 0)); }
    else if (event.key === "Escape") { close(); }
    else if (event.key === "Enter") {
      event.preventDefault();
      if (items[active]) window.location.href = items[active].href;
      else if (input.value.trim()) window.location.href = searchPageUrl(input.value.trim());
    }
  });
  document.addEventListener("click", (event) => { if (!root.contains(event.target)) close(); });
}

// -- the shareable results page /search/?q= ------------------------------------------------
async function resultsPage(root) {
  const form = root.querySelector("form");
  const input = form.querySelector("input[name=q]");
  const list = root.querySelector(".culture-search-page__results");
  const status = root.querySelector(".culture-search-page__status");
  const params = new URLSearchParams(window.location.search);
  input.value = params.get("q") || "";

  const pf = await pagefind();
  const available = pf ? await pf.filters() : {};
  for (const name of ["type", "theme", "unit", "decade"]) {
    const select = form.querySelector(`select[name=${name}]`);
    const values = Object.keys(available[name] || {});
    if (name === "type") values.sort((a, b) => TYPES.indexOf(a) - TYPES.indexOf(b)); else values.sort();
    for (const value of values) {
      const option = new Option(`${value}（${available[name][value]}）`, value);
      option.selected = params.get(name) === value;
      select.append(option);
    }
  }

  async function run() {
    const filters = {};
    for (const name of ["type", "theme", "unit", "decade"]) {
      const value = form.querySelector(`select[name=${name}]`).value;
      if (value) filters[name] = value;
    }
    const raw = input.value;
    if (!raw.trim()) { list.innerHTML = ""; status.textContent = "请输入要搜索的人名、单位或故事中的词句。"; return; }
    const { results } = await searchAll(raw, filters, 30);
    status.textContent = results.length ? `找到 ${results.length} 条结果` : `没有找到与“${raw.trim()}”相关的内容`;
    list.innerHTML = results.map((r, i) => resultHtml(r, `culture-page-result-${i}`)).join("");
    root.dataset.state = "ready";
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const url = new URL(window.location.href);
    url.search = new URLSearchParams(new FormData(form)).toString();
    window.history.replaceState(null, "", url);
    run();
  });
  form.addEventListener("change", () => form.requestSubmit());
  run();
}

for (const root of document.querySelectorAll("[data-culture-search]")) headerBox(root);
for (const root of document.querySelectorAll("[data-culture-search-page]")) resultsPage(root);
