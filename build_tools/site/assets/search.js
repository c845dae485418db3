// Search for the culture site: exact names from the entity index, here on the page, and
// full text from Pagefind in a worker (search-worker.js). Loaded as an ES module;
// everything it fetches lives under the site's own root, so the site works from any
// sub-path (e.g. /culture/). It does not work from file://.
const ROOT = new URL("../../", import.meta.url);
const TYPES = ["故事", "工匠", "展板", "故事集", "其他"];
const MAX_DROPDOWN = 8;
const UNAVAILABLE = "这个浏览器无法进行全文搜索，只列出了名称相符的结果";
// Entity types whose names search records list whole (search/records.py, Record.keys).
const NAMED = new Set(["工匠", "人物", "单位", "主题"]);

let t2sPromise = null;

// The worker that runs Pagefind; started on first use. A browser that cannot run it
// (no module workers) still gets the names from the entity index.
let worker = null;
let broken = false;
const pending = new Map();
let nextId = 0;
function ask(operation, ...args) {
  if (broken) return Promise.reject(new Error("search worker unavailable"));
  if (!worker) {
    worker = new Worker(new URL("search-worker.js", import.meta.url), { type: "module" });
    worker.addEventListener("message", ({ data: { id, result, error } }) => {
      const call = pending.get(id);
      pending.delete(id);
      if (error) call.reject(new Error(error));
      else call.resolve(result);
    });
    worker.addEventListener("error", (event) => {
      event.preventDefault();
      broken = true;
      for (const call of pending.values()) call.reject(new Error("search worker failed"));
      pending.clear();
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

// The entity index (search/entities.py, write_entities): files of names by a hash of the key.
let countsPromise = null;
const entityFiles = new Map();

function entityFile(name) {
  if (!entityFiles.has(name)) {
    entityFiles.set(name, fetch(new URL(`search/entities/${name}.json`, ROOT)).then((r) => (r.ok ? r.json() : {})).catch(() => ({})));
  }
  return entityFiles.get(name);
}

function counts() {
  if (!countsPromise) countsPromise = entityFile("index");
  return countsPromise;
}

// 32-bit FNV-1a of the UTF-8 bytes, as bucket() in search/entities.py.
function bucket(key, count) {
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(key)) hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
  return hash % count;
}

// `names`: the entities with this key; `prefixes`: the few whose names begin with it.
async function lookup(kind, key) {
  const count = (await counts())[kind];
  if (!count) return [];
  const lower = key.toLowerCase();
  return (await entityFile(`${kind}-${bucket(lower, count)}`))[lower] || [];
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
// then the few names that begin with the query (the index keeps the best three).
async function matchEntities(query, original) {
  const { depth } = await counts();
  const lookups = [lookup("names", query), lookup("prefixes", Array.from(query).slice(0, depth).join(""))];
  if (original !== query) lookups.push(lookup("names", original));
  const wanted = [query.toLowerCase(), original.toLowerCase()];
  const exact = new Map();
  const partial = new Map();
  for (const row of (await Promise.all(lookups)).flat()) {
    const [keys, type, title, url, summary, date, rank] = row;
    const e = { type, title, url, summary: summary || (type === "人物" ? `${query}出现在这个故事中` : ""), date, rank };
    const lower = keys.map((k) => k.toLowerCase());
    const id = `${type} ${url}`;
    if (lower.some((k) => wanted.includes(k))) exact.set(id, e);
    else if (lower.some((k) => k.startsWith(wanted[0]))) partial.set(id, e);
  }
  const found = [...exact.values()].sort((a, b) => a.rank - b.rank);
  const begin = [...partial.values()].filter((e) => !exact.has(`${e.type} ${e.url}`));
  begin.sort((a, b) => a.rank - b.rank || a.title.length - b.title.length); // as search/entities.py
  return [...found, ...begin].map((e) => ({
    url: siteUrl(e.url),
    type: e.type,
    title: e.title,
    date: e.date,
    excerpt: highlight(e.summary, query),
    name: found.includes(e) && NAMED.has(e.type),
  }));
}

async function fullText(query, filters, limit, options) {
  const rows = await ask("search", query, filters, limit, options);
  return rows.map((r) => ({ ...r, url: siteUrl(r.url), excerpt: excerpt(r.text, query) }));
}

// `complete`: every page that mentions the query (the results page), not only the ones
// about it when it is a name (the dropdown).
export async function searchAll(raw, filters = {}, limit = MAX_DROPDOWN, complete = false) {
  const query = normalise(raw, await t2s());
  if (!query) return { query, results: [] };
  const active = Object.keys(filters).length > 0;
  const named = await matchEntities(query, raw.trim());
  const name = named.some((e) => e.name);
  // Full text fills the places names left (plus one: a name's own page is often among
  // the hits): each result shown costs a fragment to fetch.
  const room = active ? limit : Math.max(1, Math.min(limit, limit - named.length + 1));
  let text = [];
  let unavailable = false;
  try {
    text = await fullText(query, filters, room, { name, complete });
  } catch {
    unavailable = true; // names still show; the reader is told the text search is off
  }
  const seen = new Set();
  const results = [];
  for (const r of [...(active ? [] : named), ...text]) {
    const key = r.url.split("#")[0];
    if (seen.has(key) && !r.url.includes("#")) continue;
    seen.add(key);
    results.push(r);
  }
  return { query, results, unavailable };
}

// In the dropdown (a combobox's listbox) the link itself is the option, so no control sits
// inside another; the list item is only layout. On the results page it is a plain list.
function resultHtml(r, id = "", option = false) {
  const role = option ? ` role="option" id="${id}" tabindex="-1" aria-selected="false"` : "";
  return `<li${option ? ' role="none"' : ""} class="culture-result">
<a href="${escapeHtml(r.url)}"${role}><span class="culture-result__type">${escapeHtml(r.type)}</span>
<span class="culture-result__title">${escapeHtml(r.title)}</span>${r.date ? `<span class="culture-result__date">${escapeHtml(r.date)}</span>` : ""}
<span class="culture-result__excerpt">${r.excerpt || ""}</span></a></li>`;
}

// A line in the dropdown that is not a choice (no results, text search off).
function noticeHtml(text) {
  return `<li role="option" aria-disabled="true" class="culture-result culture-result--none">${text}</li>`;
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
  const status = root.querySelector(".culture-search__status"); // read out by screen readers
  let active = -1;
  let token = 0;

  const options = () => Array.from(list.querySelectorAll('a[role="option"]'));
  const close = () => { list.hidden = true; input.setAttribute("aria-expanded", "false"); input.removeAttribute("aria-activedescendant"); active = -1; };
  const mark = (i) => {
    const items = options();
    items.forEach((a, n) => a.setAttribute("aria-selected", String(n === i)));
    active = i;
    if (items[i]) { input.setAttribute("aria-activedescendant", items[i].id); items[i].scrollIntoView({ block: "nearest" }); }
  };

  async function update() {
    const raw = input.value;
    const mine = ++token;
    if (!raw.trim()) { close(); list.innerHTML = ""; status.textContent = ""; root.dataset.query = ""; return; }
    const { results, unavailable } = await searchAll(raw);
    if (mine !== token) return; // a newer keystroke won
    const shown = results.slice(0, MAX_DROPDOWN);
    list.innerHTML = (shown.length
      ? shown.map((r, i) => resultHtml(r, `culture-result-${i}`, true)).join("")
      : noticeHtml(`没有找到与“${escapeHtml(raw.trim())}”相关的内容`))
      + (unavailable ? noticeHtml(UNAVAILABLE) : "")
      + `<li role="none" class="culture-result culture-result--all"><a role="option" id="culture-result-all" tabindex="-1" aria-selected="false" href="${escapeHtml(searchPageUrl(raw.trim()))}">查看全部结果 →</a></li>`;
    list.hidden = false;
    input.setAttribute("aria-expanded", "true");
    status.textContent = (shown.length
      ? `找到 ${results.length > shown.length ? `${shown.length} 条以上` : `${shown.length} 条`}结果，按上下方向键选择，回车打开`
      : `没有找到与“${raw.trim()}”相关的内容，回车查看全部结果`) + (unavailable ? `。${UNAVAILABLE}` : "");
    root.dataset.query = raw;  // lets tests (and people's tools) know which query is shown
    input.removeAttribute("aria-activedescendant");
    active = -1;
  }

  input.addEventListener("focus", () => { ask("warm"); t2s(); counts(); }, { once: true });
  // While an input method is composing, the box holds pinyin (wangjianguo), not the
  // query: search once the characters are committed.
  input.addEventListener("input", (event) => { if (!event.isComposing) update(); });
  input.addEventListener("compositionend", update);
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

  const available = await ask("filters").catch(() => ({}));
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
    const { results, unavailable } = await searchAll(raw, filters, 30, true);
    status.textContent = (results.length ? `找到 ${results.length} 条结果` : `没有找到与“${raw.trim()}”相关的内容`)
      + (unavailable ? `。${UNAVAILABLE}` : "");
    list.innerHTML = results.map((r) => resultHtml(r)).join("");
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
