// Search for the culture site: exact names from the entity index, here on the page, and
// full text from Pagefind in a worker (search-worker.js). Loaded as an ES module;
// everything it fetches lives under the site's own root, so the site works from any
// sub-path (e.g. /culture/). It does not work from file://.
const ROOT = new URL("../../", import.meta.url);
const TYPES = ["故事", "工匠", "展板", "故事集", "其他"];
const MAX_DROPDOWN = 8;

let t2sPromise = null;
const shards = new Map();

// The worker that runs Pagefind; started on first use.
let worker = null;
const pending = new Map();
let nextId = 0;
function ask(operation, ...args) {
  if (!worker) {
    worker = new Worker(new URL("search-worker.js", import.meta.url), { type: "module" });
    worker.addEventListener("message", ({ data: { id, result, error } }) => {
      const call = pending.get(id);
      pending.delete(id);
      if (error) call.reject(new Error(error));
      else call.resolve(result);
    });
  }
  const id = (nextId += 1);
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    worker.postMessage({ id, operation, args });
  });
}

function t2s() {
  if (!t2sPromise) t2sPromise = fetch(new URL("search/t2s.json", ROOT)).then((r) => r.json());
  return t2sPromise;
}

// Entities are split by the first two characters of their names (a one-character name
// by its character): a query fetches one small shard.
function shardKey(text) {
  return Array.from(text.toLowerCase()).slice(0, 2).map((ch) => ch.codePointAt(0).toString(16)).join("-");
}

function entityShard(query) {
  const key = shardKey(query);
  if (!shards.has(key)) {
    shards.set(key, fetch(new URL(`search/entities/${key}.json`, ROOT)).then((r) => (r.ok ? r.json() : [])).catch(() => []));
  }
  return shards.get(key);
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
    const lower = keys.map((k) => k.toLowerCase());
    if (lower.includes(query.toLowerCase()) || lower.includes(original.toLowerCase())) exact.push(e);
    else if (lower.some((k) => k.startsWith(query.toLowerCase()))) partial.push(e);
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

async function fullText(query, filters, limit) {
  const rows = await ask("search", query, filters, limit);
  return rows.map((r) => ({ ...r, url: siteUrl(r.url), excerpt: excerpt(r.text, query) }));
}

export async function searchAll(raw, filters = {}, limit = MAX_DROPDOWN) {
  const query = normalise(raw, await t2s());
  if (!query) return { query, results: [] };
  const active = Object.keys(filters).length > 0;
  const named = active ? [] : await matchEntities(query, raw.trim());
  // Full text fills the places names left (plus one: a name's own page is often among
  // the hits): each result shown costs a fragment to fetch.
  const text = await fullText(query, filters, Math.max(1, Math.min(limit, limit - named.length + 1)));
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

  input.addEventListener("focus", () => { ask("warm"); t2s(); }, { once: true });
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

  const available = await ask("filters");
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
