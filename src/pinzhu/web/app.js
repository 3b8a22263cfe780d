// pinzhu reading room. No framework, no build step, nothing from the network but this server.
// The option controls are built from GET /v1/options (the library's declarations), so a new option
// shows up here with no edit. The annotated text is the library's own ruby (POST /v1/batch/annotate),
// one paragraph per text, cached per paragraph: typing in one paragraph re-reads only that one.
"use strict";

const $ = (sel, root = document) => root.querySelector(sel);
const el = (tag, attrs = {}, ...kids) => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "text") e.textContent = v;
    else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? "" : v);
  }
  for (const kid of kids) if (kid !== null && kid !== undefined) e.append(kid);
  return e;
};

// The page's own controls stand in for these options (the text box, the view, the dictionary).
const OWN = new Set(["text", "texts", "format", "ruby", "page", "user_dict"]);
// Options most people never touch: folded under "More options".
const MORE = new Set(["model", "traditional", "neutral", "brackets", "level", "top", "words", "fraction", "seed",
  "names", "toneless", "glosses", "min_confidence"]);
const BATCH_CHARS = 40000;   // characters per request while a long text streams in
const CACHE_MAX = 4000;      // paragraphs remembered (per options and dictionary)

const state = {
  meta: null,                // GET /v1/options
  han: null,                 // RegExp for one Han character, from the library's ranges
  dict: new Map(),           // word -> "syl syl" (numbers form): this session's user dictionary
  cache: new Map(),          // key -> annotated HTML or text of one paragraph
  paras: [],                 // the current text's paragraphs: {text, start}
  generation: 0,             // bumped on every render: a stale render stops
  documents: false,          // whether /v1/documents/{job} is offered (pinzhu[documents])
  openedFile: null,          // the document opened, for "Download annotated file"
  picked: null,              // {para, start, end} of the word shown in the readings panel
};

// --- talking to the server ------------------------------------------------------------------

async function api(path, body, signal) {
  const r = await fetch(path, {
    method: "POST", headers: {"Content-Type": "application/json"}, body: JSON.stringify(body), signal,
  });
  const data = await r.json().catch(() => ({error: {code: "bad_response", message: `HTTP ${r.status}`}}));
  if (!r.ok) {
    const err = new Error((data.error && data.error.message) || `HTTP ${r.status}`);
    err.field = data.error && data.error.field;
    err.status = r.status;
    throw err;
  }
  return data;
}

function say(message, error = false) {
  const s = $("#status");
  s.textContent = message;
  s.classList.toggle("error", error);
}

// --- option controls, generated from the declarations --------------------------------------------

function labelOf(name) {
  return name.replace(/_/g, " ").replace(/^./, (c) => c.toUpperCase());
}

function control(o, prefix) {
  const id = `${prefix}-${o.name}`;
  const helpId = `${id}-help`;
  const wrap = el("div", {class: "field", "data-option": o.name});
  const help = el("p", {class: "help", id: helpId, text: o.help});
  let input;
  if (o.name === "select") {
    // Selection policies combine with "+": one checkbox each.
    const group = el("fieldset", {"aria-describedby": helpId});
    group.append(el("legend", {text: "Annotate which words"}));
    const chosen = String(o.default).split("+");
    for (const p of state.meta.policies) {
      const cid = `${id}-${p}`;
      group.append(el("label", {class: "check", for: cid},
        el("input", {type: "checkbox", id: cid, value: p, "data-policy": "1", checked: chosen.includes(p)}), p));
    }
    wrap.append(group, help);
    return wrap;
  }
  if (o.type === "boolean") {
    input = el("input", {type: "checkbox", id, checked: !!o.default, "aria-describedby": helpId});
    wrap.append(el("label", {class: "check", for: id}, input, labelOf(o.name)), help);
  } else if (o.choices) {
    input = el("select", {id, "aria-describedby": helpId});
    for (const c of o.choices) input.append(el("option", {value: JSON.stringify(c), text: String(c), selected: c === o.default}));
    wrap.append(el("label", {for: id, text: labelOf(o.name)}), input, help);
  } else if (o.type === "integer" || o.type === "number") {
    input = el("input", {type: "number", id, step: o.type === "integer" ? "1" : "0.05", min: o.low, max: o.high,
      value: o.default === null ? "" : o.default, placeholder: o.default === null ? "none" : null,
      "aria-describedby": helpId});
    wrap.append(el("label", {for: id, text: labelOf(o.name)}), input, help);
  } else if (o.type === "array") {
    input = el("input", {type: "text", id, lang: "zh-CN", value: (o.default || []).join(" "),
      placeholder: "words, separated by spaces", "aria-describedby": helpId});
    wrap.append(el("label", {for: id, text: labelOf(o.name)}), input, help);
  } else {
    input = el("input", {type: "text", id, value: o.default ?? "", "aria-describedby": helpId});
    wrap.append(el("label", {for: id, text: labelOf(o.name)}), input, help);
  }
  input.dataset.option = o.name;
  return wrap;
}

function buildForm(form, groups, prefix, legend, extra, fold = true) {
  form.querySelectorAll(".help, fieldset, details").forEach((n) => n.remove());
  const opts = state.meta.options.filter((o) => groups.includes(o.group) && !OWN.has(o.name));
  const main = el("fieldset", {}, el("legend", {text: legend}));
  const more = el("details", {}, el("summary", {text: "More options"}));
  if (extra) main.append(extra);
  for (const o of opts) (fold && MORE.has(o.name) ? more : main).append(control(o, prefix));
  form.append(main);
  if (more.children.length > 1) form.append(more);
}

function viewControl() {
  // The view: every format the library has, ruby once per ruby layout (char first: each syllable
  // over its own character, the default for reading).
  const format = state.meta.options.find((o) => o.name === "format");
  const ruby = state.meta.options.find((o) => o.name === "ruby");
  const select = el("select", {id: "view", "aria-describedby": "view-help"});
  for (const f of format.choices) {
    if (f === "ruby" && ruby) {
      for (const r of ruby.choices) select.append(el("option", {value: `ruby:${r}`, text: `ruby per ${r === "char" ? "character" : r}`}));
    } else {
      select.append(el("option", {value: `${f}:`, text: f === "inline" ? "inline, as in the text: 寻根(xúngēn)" : f}));
    }
  }
  select.value = "ruby:char";
  return el("div", {class: "field"}, el("label", {for: "view", text: "View"}), select,
    el("p", {class: "help", id: "view-help", text: "ruby over each character (or word), pinyin in brackets, or the JSON."}));
}

function valuesOf(form, groups) {
  const out = {};
  for (const o of state.meta.options) {
    if (!groups.includes(o.group) || OWN.has(o.name)) continue;
    if (o.name === "select") {
      const picked = [...form.querySelectorAll("input[data-policy]:checked")].map((c) => c.value);
      out.select = picked.length ? picked.join("+") : "all";
      continue;
    }
    const input = form.querySelector(`input[data-option="${o.name}"], select[data-option="${o.name}"]`);
    if (!input) continue;
    if (o.type === "boolean") out[o.name] = input.checked;
    else if (o.choices) out[o.name] = JSON.parse(input.value);
    else if (o.type === "integer" || o.type === "number") {
      if (input.value === "") { if (o.default === null) out[o.name] = null; continue; }
      out[o.name] = Number(input.value);
    } else if (o.type === "array") out[o.name] = input.value.split(/[\s,，、]+/).filter(Boolean);
    else out[o.name] = input.value;
  }
  return out;
}

function markProblem(form, err) {
  form.querySelectorAll(".field.invalid").forEach((f) => {
    f.classList.remove("invalid");
    f.querySelector(".problem")?.remove();
    f.querySelector("[aria-invalid]")?.removeAttribute("aria-invalid");
  });
  if (!err || !err.field) return;
  const field = form.querySelector(`.field[data-option="${err.field.split(/[.[]/)[0]}"]`);
  if (!field) return;
  field.classList.add("invalid");
  field.querySelector("input, select")?.setAttribute("aria-invalid", "true");
  field.append(el("p", {class: "problem", text: err.message}));
  if (field.closest("details")) field.closest("details").open = true;
}

// --- reading: text in, annotated text out --------------------------------------------------------

function readRequest() {
  const opts = valuesOf($("#read-options"), ["read", "annotate"]);
  const [format, ruby] = $("#view").value.split(":");
  opts.format = format;
  if (ruby) opts.ruby = ruby;
  if (state.dict.size) opts.user_dict = Object.fromEntries(state.dict);
  return opts;
}

function paragraphs(text) {
  const out = [];
  let start = 0;
  for (const line of text.split("\n")) {
    out.push({text: line, start});
    start += line.length + 1;
  }
  return out;
}

function remember(key, value) {
  if (state.cache.size >= CACHE_MAX) state.cache.delete(state.cache.keys().next().value);
  state.cache.set(key, value);
}

let controller = null;

async function render() {
  const gen = ++state.generation;
  if (controller) controller.abort();
  controller = new AbortController();
  const signal = controller.signal;
  const text = $("#text").value;
  const opts = readRequest();
  const out = $("#output");
  markProblem($("#read-options"), null);
  out.classList.toggle("plain", opts.format !== "ruby");
  if (opts.format === "json") {
    // JSON offsets are the whole text's: one request.
    try {
      setProgress(0, 1);
      const data = await api("/v1/annotate", {text, ...opts}, signal);
      if (gen !== state.generation) return;
      out.replaceChildren(el("pre", {text: JSON.stringify(data, null, 2)}));
      setProgress(1, 1);
      say("");
    } catch (e) { failed(e, gen); }
    return;
  }
  state.paras = paragraphs(text);
  const base = JSON.stringify(opts);
  const missing = [];
  for (const [i, p] of state.paras.entries()) {
    if (p.text && !state.cache.has(base + "\u0000" + p.text)) missing.push(i);
  }
  // Show what is known now (cached paragraphs; the others as plain text until they arrive).
  const nodes = state.paras.map((p, i) => paraNode(p, i, state.cache.get(base + "\u0000" + p.text), opts.format));
  out.replaceChildren(...nodes);
  if (!missing.length) { setProgress(1, 1); say(""); afterRender(); return; }
  let done = 0;
  setProgress(0, missing.length);
  try {
    while (done < missing.length) {
      const batch = [];
      let size = 0;
      while (done + batch.length < missing.length && (size < BATCH_CHARS || !batch.length)) {
        const i = missing[done + batch.length];
        batch.push(i);
        size += state.paras[i].text.length;
      }
      const texts = batch.map((i) => state.paras[i].text);
      const data = await api("/v1/batch/annotate", {texts, ...opts}, signal);
      if (gen !== state.generation) return;
      batch.forEach((i, k) => {
        const value = data.results[k].text;
        remember(base + "\u0000" + state.paras[i].text, value);
        out.children[i].replaceWith(paraNode(state.paras[i], i, value, opts.format));
      });
      done += batch.length;
      setProgress(done, missing.length);
    }
    say("");
    afterRender();
  } catch (e) { failed(e, gen); }
}

function failed(e, gen) {
  if (e.name === "AbortError" || gen !== state.generation) return;
  say(`Could not annotate: ${e.message}`, true);
  markProblem($("#read-options"), e);
  setProgress(1, 1);
}

function paraNode(p, i, html, format) {
  const div = el("div", {class: "para", "data-para": i});
  if (!p.text) { div.append(el("br")); return div; }
  if (html === undefined) { div.textContent = p.text; div.classList.add("pending"); return div; }
  if (format === "ruby") div.innerHTML = html;   // the library's ruby: every piece of text escaped
  else div.textContent = html;
  return div;
}

function setProgress(done, total) {
  const row = $("#progress-row");
  row.hidden = done >= total;
  $("#progress").max = total;
  $("#progress").value = done;
  $("#progress-text").textContent = `${done} of ${total} paragraphs`;
}

function afterRender() {
  // One tab stop for the whole text; the arrow keys move between characters (roving tabindex).
  const rubies = $("#output").querySelectorAll("ruby.pz");
  rubies.forEach((r, k) => r.setAttribute("tabindex", k === 0 ? "0" : "-1"));
  $("#output").setAttribute("tabindex", rubies.length ? "-1" : "0");
  if ($("#panel-reader").hidden === false) buildArticle();
}

function baseText(ruby) {
  let s = "";
  for (const n of ruby.childNodes) if (n.nodeType === Node.TEXT_NODE) s += n.data;
  return s;
}

// --- clicking a character: its readings ----------------------------------------------------------

function hanIndex(paraDiv, node, offset) {
  // How many Han characters come before (node, offset) in the paragraph, outside <rt> and <rp>:
  // annotations hold no Han, so the k-th Han character shown is the k-th of the paragraph's text.
  const walker = document.createTreeWalker(paraDiv, NodeFilter.SHOW_TEXT, {
    acceptNode: (n) => (n.parentElement.closest("rt, rp") ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT),
  });
  let count = 0;
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const chars = [...n.data];
    if (n === node) {
      // offset is in UTF-16 units
      let units = 0;
      for (const c of chars) {
        if (units >= offset) break;
        units += c.length;
        if (state.han.test(c)) count++;
      }
      return count;
    }
    for (const c of chars) if (state.han.test(c)) count++;
  }
  return -1;
}

function nthHan(text, k) {
  // The str index (code points, as the API counts) of the k-th Han character of text.
  let cp = 0, seen = 0;
  for (const c of text) {
    if (state.han.test(c)) {
      if (seen === k) return cp;
      seen++;
    }
    cp++;
  }
  return -1;
}

function positionOf(target, x, y) {
  const paraDiv = target.closest(".para");
  if (!paraDiv) return null;
  let node = null, offset = 0;
  const ruby = target.closest("ruby.pz");
  if (ruby) {
    node = [...ruby.childNodes].find((n) => n.nodeType === Node.TEXT_NODE);
    offset = 0;
  } else if (x !== undefined && document.caretRangeFromPoint) {
    const range = document.caretRangeFromPoint(x, y);
    if (!range || range.startContainer.nodeType !== Node.TEXT_NODE) return null;
    node = range.startContainer;
    offset = range.startOffset;
    // the caret falls before or after the character clicked: take the one under the pointer
    const r = document.createRange();
    r.setStart(node, Math.max(0, offset - 1));
    r.setEnd(node, offset);
    const box = r.getBoundingClientRect();
    if (offset > 0 && x >= box.left && x <= box.right && y >= box.top && y <= box.bottom) offset -= 1;
  }
  if (!node) return null;
  const ch = [...node.data.slice(offset)][0];
  if (!ch || !state.han.test(ch)) return null;
  const para = state.paras[Number(paraDiv.dataset.para)];
  const k = hanIndex(paraDiv, node, offset);
  const at = nthHan(para.text, k);
  return at < 0 ? null : {para: Number(paraDiv.dataset.para), at};
}

async function showReadings(pos) {
  const para = state.paras[pos.para];
  const opts = readRequest();
  const body = {text: para.text, at: pos.at};
  for (const o of state.meta.options) if (o.group === "read" && o.name in opts) body[o.name] = opts[o.name];
  const panel = $("#readings");
  try {
    const w = await api("/v1/readings", body);
    state.picked = {para: pos.para, word: w};
    highlight(pos.para, w);
    drawReadings(panel, w);
  } catch (e) {
    say(`Could not read that character: ${e.message}`, true);
  }
}

function cpSlice(text, a, b) { return [...text].slice(a, b).join(""); }

function highlight(paraIndex, w) {
  $("#output").querySelectorAll(".picked").forEach((n) => n.classList.remove("picked"));
  const div = $(`#output .para[data-para="${paraIndex}"]`);
  if (!div) return;
  const para = state.paras[paraIndex];
  // Han characters before the word, and in it: the k-th to (k+n)-th Han rubies of the paragraph.
  const before = [...cpSlice(para.text, 0, w.start)].filter((c) => state.han.test(c)).length;
  const inside = [...w.word].filter((c) => state.han.test(c)).length;
  let k = 0;
  for (const r of div.querySelectorAll("ruby.pz")) {
    const n = [...baseText(r)].filter((c) => state.han.test(c)).length;
    if (k + n > before && k < before + inside) r.classList.add("picked");
    k += n;
  }
}

const SOURCE_TEXT = {
  "user dictionary": "your dictionary",
  "word": "the word it is part of (the lexicon's reading)",
  "character": "its most common reading (no word or context decided)",
  "model": "the model, from the context",
};

function drawReadings(panel, w) {
  const pct = (p) => (p === null || p === undefined ? "" : `${(p * 100).toFixed(p < 0.01 ? 2 : 1)} %`);
  const kids = [el("h2", {id: "readings-title", text: "Readings"}),
    el("p", {class: "word"}, el("span", {lang: "zh-CN", text: w.word}), el("span", {text: w.reading || ""}))];
  const para = state.paras[state.picked.para].text;
  for (const c of w.chars) {
    const box = el("div", {class: "char"});
    box.append(el("div", {class: "char-head"},
      el("span", {class: "hanzi", lang: "zh-CN", text: c.char}),
      el("strong", {text: c.reading || "(merged into the syllable before)"}),
      el("span", {text: c.probability ? `${pct(c.probability)} sure` : ""})));
    box.append(el("p", {class: "help", text: `Decided by ${SOURCE_TEXT[c.source] || c.source}.` +
      (c.citation ? ` Citation tone ${c.citation}; spoken rules changed it.` : "")}));
    if (c.context) {
      const [a, b] = c.context;
      const i = c.index;
      box.append(el("p", {class: "context", lang: "zh-CN"}, el("span", {class: "visually-hidden", text: "Context the model read: "}),
        cpSlice(para, a, i), el("mark", {text: c.char}), cpSlice(para, i + 1, b)));
    }
    const list = el("ul", {"aria-label": `Readings of ${c.char}`});
    for (const cand of c.candidates) {
      const label = el("span", {}, el("span", {text: cand.reading}), cand.rare ? el("span", {class: "rare", text: " rare"}) : null);
      const nums = el("span", {}, cand.probability !== null ? `${pct(cand.probability)} here` : `${pct(cand.share)} of uses`,
        el("span", {class: "bar", style: null, "aria-hidden": "true", "data-w": Math.round(100 * (cand.probability ?? cand.share))}));
      const b = el("button", {type: "button", "aria-pressed": cand.chosen ? "true" : "false",
        title: cand.chosen ? "pinzhu's choice" : `Use ${cand.reading} here (adds ${w.word} to your dictionary)`,
        onclick: () => choose(w, c, cand)}, label, nums);
      list.append(el("li", {}, b));
    }
    box.append(list);
    kids.push(box);
  }
  panel.replaceChildren(...kids);
  // widths through CSSOM (inline style attributes are refused by the page's content policy)
  panel.querySelectorAll(".bar").forEach((b) => { b.style.width = `${b.dataset.w * 0.04}rem`; });
}

function choose(w, c, cand) {
  if (cand.chosen) return;
  const syls = w.chars.map((x) => (x.index === c.index ? cand.syllable
    : (x.candidates.find((y) => y.chosen) || {}).syllable || x.syllable));
  if (syls.some((s) => !s) || w.chars.length !== [...w.word].length) {
    say("Only words of Chinese characters can go in the dictionary.", true);
    return;
  }
  state.dict.set(w.word, syls.join(" "));
  saveDict();
  drawDict();
  say(`${w.word} is now read ${cand.reading} at ${c.char}; it is in your dictionary.`);
  const pos = {para: state.picked.para, at: c.index};
  render().then(() => showReadings(pos));
}

// --- the session dictionary ----------------------------------------------------------------------

function saveDict() {
  try { sessionStorage.setItem("pinzhu.dict", JSON.stringify(Object.fromEntries(state.dict))); } catch (e) { /* private mode */ }
}

function loadDict() {
  try {
    const d = JSON.parse(sessionStorage.getItem("pinzhu.dict") || "{}");
    for (const [k, v] of Object.entries(d)) state.dict.set(k, v);
  } catch (e) { /* nothing kept */ }
}

function drawDict() {
  const body = $("#dict-table tbody");
  body.replaceChildren(...[...state.dict].map(([word, syls]) => el("tr", {},
    el("td", {lang: "zh-CN", text: word}), el("td", {text: syls}),
    el("td", {}, el("button", {type: "button", "aria-label": `Remove ${word}`, text: "Remove",
      onclick: () => { state.dict.delete(word); saveDict(); drawDict(); render(); }})))));
  $("#dict-empty").hidden = state.dict.size > 0;
  $("#dict-table").hidden = state.dict.size === 0;
}

function download(name, type, data) {
  const url = URL.createObjectURL(new Blob([data], {type}));
  const a = el("a", {href: url, download: name});
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

function exportTsv() {
  // The CLI's --user-dict file: word<TAB>syllables per line.
  const lines = ["# pinzhu user dictionary: word<TAB>syllables (pinzhu --user-dict FILE)"];
  for (const [w, s] of state.dict) lines.push(`${w}\t${s}`);
  download("pinzhu-dictionary.tsv", "text/tab-separated-values", lines.join("\n") + "\n");
}

function exportJson() {
  // The HTTP API's user_dict field.
  download("pinzhu-dictionary.json", "application/json", JSON.stringify(Object.fromEntries(state.dict), null, 1) + "\n");
}

function parseDict(name, text) {
  if (/\.json$/i.test(name) || /^\s*\{/.test(text)) {
    const d = JSON.parse(text);
    if (typeof d !== "object" || Array.isArray(d) || d === null) throw new Error("a JSON dictionary is an object {\"word\": \"syllables\"}");
    return Object.entries(d).map(([w, s]) => [w, Array.isArray(s) ? s.join(" ") : String(s)]);
  }
  const out = [];
  text.split(/\r?\n/).forEach((line, n) => {
    line = line.split("#")[0].trim();
    if (!line) return;
    const m = line.match(/^(\S+)\s+(.+)$/);
    if (!m) throw new Error(`${name}:${n + 1}: expected word<TAB>syllables`);
    out.push([m[1], m[2].trim()]);
  });
  return out;
}

async function importDict(file) {
  try {
    const entries = parseDict(file.name, await file.text());
    const merged = Object.fromEntries([...state.dict, ...entries]);
    await api("/v1/pinyin", {text: "", user_dict: merged});   // the server checks every entry
    for (const [w, s] of entries) state.dict.set(w, s);
    saveDict();
    drawDict();
    say(`Imported ${entries.length} entries from ${file.name}.`);
    render();
  } catch (e) {
    say(`Could not import ${file.name}: ${e.message}`, true);
  }
}

// --- opening files -------------------------------------------------------------------------------

const DOCUMENT_KINDS = /\.(md|markdown|html?|xhtml|srt|vtt|ass|ssa|epub)$/i;

async function decodeText(file) {
  const bytes = await file.arrayBuffer();
  try { return new TextDecoder("utf-8", {fatal: true}).decode(bytes).replace(/^\ufeff/, ""); } catch (e) {
    return new TextDecoder("gb18030").decode(bytes);   // Chinese text files that are not UTF-8 mostly are this
  }
}

async function openFile(file) {
  state.openedFile = null;
  $("#download-doc").hidden = true;
  try {
    let text;
    if (DOCUMENT_KINDS.test(file.name) && state.documents) {
      // The library's document layer reads the text a reader sees (pinzhu.documents).
      const form = new FormData();
      form.append("file", file);
      const r = await fetch("/v1/documents/read", {method: "POST", body: form});
      const data = await r.json();
      if (!r.ok) throw new Error(data.error ? data.error.message : `HTTP ${r.status}`);
      text = data.blocks.map((b) => b.text).join("\n");
      state.openedFile = file;
      $("#download-doc").hidden = false;
      $("#download-doc").textContent = `Download ${file.name}, annotated`;
    } else if (/\.epub$/i.test(file.name)) {
      throw new Error("EPUB needs the server's document support: pip install 'pinzhu[documents]'");
    } else {
      text = await decodeText(file);
    }
    $("#text").value = text;
    if (!$("#reader-title").value) $("#reader-title").value = file.name.replace(/\.[^.]+$/, "");
    say(`Opened ${file.name} (${[...text].length} characters).`);
    render();
  } catch (e) {
    say(`Could not open ${file.name}: ${e.message}`, true);
  }
}

async function downloadDocument() {
  const file = state.openedFile;
  if (!file) return;
  const opts = readRequest();
  // Ruby is for the HTML kinds; subtitles and Markdown take the pinyin inline (or as their own lines).
  if (opts.format === "json" || !/\.(html?|xhtml|epub)$/i.test(file.name)) {
    opts.format = "inline";
    if (!["marks", "numbers", "none"].includes(opts.tone)) opts.tone = "marks";
    delete opts.ruby;
  }
  const form = new FormData();
  form.append("file", file);
  form.append("options", JSON.stringify(opts));
  try {
    const r = await fetch("/v1/documents/annotate", {method: "POST", body: form});
    if (!r.ok) {
      const data = await r.json().catch(() => ({}));
      throw new Error(data.error ? data.error.message : `HTTP ${r.status}`);
    }
    download(file.name, r.headers.get("Content-Type") || "application/octet-stream", await r.blob());
  } catch (e) {
    say(`Could not annotate ${file.name}: ${e.message}`, true);
  }
}

// --- check tab: strip, audit, scan ---------------------------------------------------------------

let checkController = null;

function verdict(f) {
  // audit's three states: ok; wrong (reading, tone, mismatch); unsure (another real reading,
  // where pinzhu is not confident of its own).
  if (f.reason === "uncertain") return "unsure";
  return f.ok ? "ok" : "wrong";
}

async function check() {
  if (checkController) checkController.abort();
  checkController = new AbortController();
  const signal = checkController.signal;
  const text = $("#check-text").value;
  const read = valuesOf($("#read-options"), ["read"]);
  if (state.dict.size) read.user_dict = Object.fromEntries(state.dict);
  const strip = valuesOf($("#check-options"), ["strip"]);
  const audit = valuesOf($("#check-options"), ["audit"]);
  markProblem($("#check-options"), null);
  try {
    const [s, a, sc] = await Promise.all([
      api("/v1/strip", {text, ...read, ...strip}, signal),
      api("/v1/audit", {text, ...read, ...audit}, signal),
      api("/v1/scan", {text, ...read}, signal),
    ]);
    $("#clean").value = s.text;
    drawFindings(text, a.findings);
    const share = Math.round(100 * sc.machine_share);
    $("#scan").replaceChildren(el("strong", {text: `Scan: ${sc.verdict}`}),
      ` — ${sc.annotations} annotations over ${sc.han} Han characters (${sc.per_1000.toFixed(1)} per 1,000); ` +
      `${share} % look machine-inserted.`);
    const counts = {ok: 0, wrong: 0, unsure: 0};
    a.findings.forEach((f) => counts[verdict(f)]++);
    say(`${a.findings.length} annotations: ${counts.ok} ok, ${counts.wrong} wrong, ${counts.unsure} unsure.`);
  } catch (e) {
    if (e.name === "AbortError") return;
    say(`Could not check: ${e.message}`, true);
    markProblem($("#check-options"), e);
  }
}

function drawFindings(text, findings) {
  const cps = [...text];
  const marked = $("#check-marked");
  const parts = [];
  let at = 0;
  const rows = [];
  for (const f of findings) {
    const state_ = verdict(f);
    const a = f.start, b = Math.max(f.close, f.end);
    if (a >= at) {
      parts.push(cps.slice(at, a).join(""));
      const label = state_ === "ok" ? `${f.chars} ${f.written}: ok`
        : `${f.chars} ${f.written}: ${state_}; pinzhu reads ${f.expected} (${f.reason})`;
      parts.push(el("mark", {"data-state": state_, title: label}, cps.slice(a, b).join(""),
        el("span", {class: "visually-hidden", text: ` (${state_})`})));
      at = b;
    }
    rows.push(el("tr", {"data-state": state_},
      el("td", {text: String(f.start)}), el("td", {lang: "zh-CN", text: f.chars}), el("td", {text: f.written}),
      el("td", {text: f.expected || ""}),
      el("td", {class: `state-${state_}`, text: state_ === "ok" ? "✓ ok" : state_ === "wrong" ? `✗ wrong (${f.reason})` : "? unsure"})));
  }
  parts.push(cps.slice(at).join(""));
  marked.replaceChildren(...parts);
  $("#findings tbody").replaceChildren(...rows);
}

// --- fix: the wrong annotations rewritten in place (POST /v1/fix) ---------------------------------

let beforeFix = null;        // the text as it was before the last fix, for "Undo the fix"

async function fixText() {
  const text = $("#check-text").value;
  const read = valuesOf($("#read-options"), ["read"]);
  if (state.dict.size) read.user_dict = Object.fromEntries(state.dict);
  const audit = valuesOf($("#check-options"), ["audit"]);
  let r;
  try {
    r = await api("/v1/fix", {text, ...read, ...audit});
  } catch (e) {
    say(`Could not fix: ${e.message}`, true);
    markProblem($("#check-options"), e);
    return;
  }
  if ($("#check-text").value !== text) return;  // typed over meanwhile: that text wins
  if (r.text !== text) {
    beforeFix = text;
    $("#check-text").value = r.text;
    $("#check-undo").hidden = false;
  }
  await check();
  const left = r.changes.filter((c) => c.action === "left");
  const n = (k, what) => `${k} ${what}${k === 1 ? "" : "s"}`;
  say((r.fixed ? `Fixed ${n(r.fixed, "annotation")}` : "Nothing to fix") +
    (left.length ? `; left ${left.length} as written: ` +
      left.map((c) => `${c.chars}(${c.written}) ${c.why}`).join(", ") : "") + ".");
}

function undoFix() {
  if (beforeFix === null) return;
  $("#check-text").value = beforeFix;
  beforeFix = null;
  $("#check-undo").hidden = true;
  check();
}

// --- reader view ---------------------------------------------------------------------------------

function buildArticle() {
  $("#article-title").textContent = $("#reader-title").value;
  $("#article-source").textContent = $("#reader-source").value;
  const body = $("#article-body");
  body.replaceChildren(...[...$("#output").children].map((n) => n.cloneNode(true)));
  body.querySelectorAll("[tabindex]").forEach((n) => n.removeAttribute("tabindex"));
  body.querySelectorAll(".picked").forEach((n) => n.classList.remove("picked"));
  $("#article-title").hidden = !$("#reader-title").value;
  $("#article-source").hidden = !$("#reader-source").value;
}

async function saveHtml() {
  buildArticle();
  const [ruby, app] = await Promise.all([fetch("/web/ruby.css").then((r) => r.text()), fetch("/web/reader.css").then((r) => r.text())]);
  const title = $("#reader-title").value || "pinzhu";
  const esc = (s) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  const page = `<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n` +
    `<meta name="viewport" content="width=device-width, initial-scale=1">\n<title>${esc(title)}</title>\n` +
    `<style>\n${ruby}\n${app}\n</style>\n</head>\n<body>\n${$("#article").outerHTML}\n</body>\n</html>\n`;
  download(`${title.replace(/[\\/:*?"<>|]+/g, "_")}.html`, "text/html", page);
}

// --- keyboard and tabs ---------------------------------------------------------------------------

function selectTab(tab) {
  for (const t of document.querySelectorAll('[role="tab"]')) {
    const on = t === tab;
    t.setAttribute("aria-selected", on ? "true" : "false");
    t.tabIndex = on ? 0 : -1;
    document.getElementById(t.getAttribute("aria-controls")).hidden = !on;
  }
  if (tab.id === "tab-reader") buildArticle();
  if (tab.id === "tab-check") check();
}

function onTabKey(e) {
  const tabs = [...document.querySelectorAll('[role="tab"]')];
  const i = tabs.indexOf(e.target);
  let j = null;
  if (e.key === "ArrowRight") j = (i + 1) % tabs.length;
  else if (e.key === "ArrowLeft") j = (i - 1 + tabs.length) % tabs.length;
  else if (e.key === "Home") j = 0;
  else if (e.key === "End") j = tabs.length - 1;
  if (j === null) return;
  e.preventDefault();
  tabs[j].focus();
  selectTab(tabs[j]);
}

function onOutputKey(e) {
  const rubies = [...$("#output").querySelectorAll("ruby.pz")];
  const i = rubies.indexOf(document.activeElement);
  if (i < 0) return;
  let j = null;
  if (e.key === "ArrowRight" || e.key === "ArrowDown") j = Math.min(i + 1, rubies.length - 1);
  else if (e.key === "ArrowLeft" || e.key === "ArrowUp") j = Math.max(i - 1, 0);
  else if (e.key === "Home") j = 0;
  else if (e.key === "End") j = rubies.length - 1;
  else if (e.key === "Enter" || e.key === " ") {
    e.preventDefault();
    const pos = positionOf(rubies[i]);
    if (pos) showReadings(pos);
    return;
  }
  if (j === null) return;
  e.preventDefault();
  rubies[i].tabIndex = -1;
  rubies[j].tabIndex = 0;
  rubies[j].focus();
}

function debounce(fn, ms) {
  let t = null;
  return (...args) => { clearTimeout(t); t = setTimeout(() => fn(...args), ms); };
}

// --- start ---------------------------------------------------------------------------------------

async function start() {
  try {
    state.meta = await (await fetch("/v1/options")).json();
  } catch (e) {
    say("Could not load the options from the server.", true);
    return;
  }
  const ranges = state.meta.han_ranges.map(([a, b]) => (a === b ? `\\u{${a.toString(16)}}` : `\\u{${a.toString(16)}}-\\u{${b.toString(16)}}`));
  state.han = new RegExp(`^[${ranges.join("")}]$`, "u");
  try {
    const schema = await (await fetch("/openapi.json")).json();
    state.documents = "/v1/documents/{job}" in (schema.paths || {});
  } catch (e) { state.documents = false; }
  buildForm($("#read-options"), ["read", "annotate"], "read", "Reading and annotation", viewControl());
  buildForm($("#check-options"), ["strip", "audit"], "check", "Stripping and checking", null, false);
  loadDict();
  drawDict();

  const rerender = debounce(render, 250);
  $("#text").addEventListener("input", rerender);
  $("#read-options").addEventListener("change", () => render());
  $("#read-options").addEventListener("input", (e) => { if (e.target.type !== "checkbox") rerender(); });
  $("#read-options").addEventListener("submit", (e) => e.preventDefault());
  $("#output").addEventListener("click", (e) => {
    const pos = positionOf(e.target, e.clientX, e.clientY);
    if (pos) showReadings(pos);
  });
  $("#output").addEventListener("keydown", onOutputKey);
  $("#file").addEventListener("change", (e) => { if (e.target.files[0]) openFile(e.target.files[0]); e.target.value = ""; });
  $("#download-doc").addEventListener("click", downloadDocument);
  $("#export-tsv").addEventListener("click", exportTsv);
  $("#export-json").addEventListener("click", exportJson);
  $("#import-dict").addEventListener("change", (e) => { if (e.target.files[0]) importDict(e.target.files[0]); e.target.value = ""; });
  $("#clear-dict").addEventListener("click", () => { state.dict.clear(); saveDict(); drawDict(); render(); });

  const recheck = debounce(check, 300);
  $("#check-text").addEventListener("input", recheck);
  $("#check-options").addEventListener("change", () => check());
  $("#check-options").addEventListener("submit", (e) => e.preventDefault());
  $("#check-run").addEventListener("click", () => check());
  $("#check-fix").addEventListener("click", fixText);
  $("#check-undo").addEventListener("click", undoFix);
  $("#check-text").addEventListener("input", () => { beforeFix = null; $("#check-undo").hidden = true; });
  $("#copy-clean").addEventListener("click", async () => {
    try { await navigator.clipboard.writeText($("#clean").value); say("Copied the clean text."); } catch (e) {
      $("#clean").select(); say("Select-all done: copy with Ctrl+C.");
    }
  });

  for (const t of document.querySelectorAll('[role="tab"]')) {
    t.addEventListener("click", () => selectTab(t));
    t.addEventListener("keydown", onTabKey);
  }
  for (const id of ["#reader-title", "#reader-source"]) $(id).addEventListener("input", buildArticle);
  // Tone colours are the library's (annotate's tone_colors: classes t1…t5 that ruby.css colours):
  // the reader's checkbox is the read options' one.
  const colors = $('#read-options input[data-option="tone_colors"]');
  if (colors) {
    $("#reader-colors").checked = colors.checked;
    $("#reader-colors").addEventListener("change", () => { colors.checked = $("#reader-colors").checked; render(); });
    colors.addEventListener("change", () => { $("#reader-colors").checked = colors.checked; });
  } else {
    $("#reader-colors").closest("label").hidden = true;
  }
  $("#print").addEventListener("click", () => { buildArticle(); window.print(); });
  $("#save-html").addEventListener("click", saveHtml);
  document.body.dataset.ready = "1";
  render();
}

document.addEventListener("DOMContentLoaded", start);
