#!/usr/bin/env node
// pinyin-pro side of pinzhu's benchmark harness (driven by benchmarks/run.py; one process per task).
//
//   node pinyin_pro.js convert [--dicts default,full] < sentences.jsonl > results.json
//       stdin: one {"text": ...} per line.  stdout: {"versions", "results": {dict: [[entry per
//       code point]...]}, "fallbacks": {dict: n}}.  Dict "default" is pinyin-pro as installed;
//       "full" adds @pinyin-pro/data's complete dictionary with addDict (after "default" ran).
//   node pinyin_pro.js speed --text FILE --dict D --mode array|string|lines-array|lines-string [--repeat 5] [--warmup-chars N]
//       stdout: {"times_s": [...]}, each the time of one conversion of the whole text.
//   node pinyin_pro.js startup --dict D      stdout: {"inproc_s"}: require + first call.
//   node pinyin_pro.js rss --text FILE --dict D   converts the text once (array mode).
'use strict';
const t0 = process.hrtime.bigint();
const fs = require('fs');
const path = require('path');

const ARRAY_OPTIONS = { type: 'array', toneType: 'num' }; // defaults: toneSandhi on, segmentit 2
const SHORT_SENTENCE = '今天我们去银行办事，顺便看看长江大桥。';

function seconds(since) {
  return Number(process.hrtime.bigint() - since) / 1e9;
}

function parseArgs(argv) {
  const args = { _: [] };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i].startsWith('--')) args[argv[i].slice(2)] = argv[++i];
    else args._.push(argv[i]);
  }
  return args;
}

function loadPinyinPro() {
  return require('pinyin-pro');
}

function addFullDict(lib) {
  const complete = require('@pinyin-pro/data/complete');
  lib.addDict(complete.default || complete, 'complete');
}

function load(dict) {
  const lib = loadPinyinPro();
  if (dict === 'full') addFullDict(lib);
  else if (dict !== 'default') throw new Error(`unknown dict ${dict}`);
  return lib;
}

// One entry per code point (Python str indexing).  'array' mode already gives that; if a result
// ever has another length, rebuild it from 'all' mode, whose entries carry their source text.
function perCodePoint(lib, text) {
  const arr = lib.pinyin(text, ARRAY_OPTIONS);
  const n = [...text].length;
  if (arr.length === n) return { entries: arr, fallback: false };
  const entries = [];
  for (const item of lib.pinyin(text, { ...ARRAY_OPTIONS, type: 'all' })) {
    const chars = [...item.origin];
    const syllables = item.isZh ? item.result.split(' ') : [];
    chars.forEach((_, i) => entries.push(syllables.length === chars.length ? syllables[i] : null));
  }
  return { entries, fallback: true };
}

function readStdinTexts() {
  return fs.readFileSync(0, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l).text);
}

function versions() {
  // Read from disk: @pinyin-pro/data's "exports" map hides its package.json from require().
  const version = (name) =>
    JSON.parse(fs.readFileSync(path.join(__dirname, 'node_modules', name, 'package.json'), 'utf8')).version;
  return { 'pinyin-pro': version('pinyin-pro'), '@pinyin-pro/data': version('@pinyin-pro/data'),
    node: process.version };
}

function commandConvert(args) {
  const texts = readStdinTexts();
  const dicts = (args.dicts || 'default,full').split(',');
  if (dicts.indexOf('full') !== -1 && dicts.indexOf('full') !== dicts.length - 1) {
    throw new Error('"full" must come last: addDict cannot be undone cheaply');
  }
  const lib = loadPinyinPro();
  const out = { versions: versions(), results: {}, fallbacks: {} };
  for (const dict of dicts) {
    if (dict === 'full') addFullDict(lib);
    let fallbacks = 0;
    out.results[dict] = texts.map((text) => {
      const r = perCodePoint(lib, text);
      if (r.fallback) fallbacks++;
      return r.entries;
    });
    out.fallbacks[dict] = fallbacks;
  }
  process.stdout.write(JSON.stringify(out));
}

function convertOnce(lib, text, mode) {
  if (mode.startsWith('lines-')) {  // one call per line, as benchmarks/worker.py --mode lines
    const one = mode.slice(6);
    return text.split('\n').map((line) => convertOnce(lib, line, one));
  }
  return mode === 'string' ? lib.pinyin(text) : lib.pinyin(text, ARRAY_OPTIONS);
}

function commandSpeed(args) {
  const text = fs.readFileSync(args.text, 'utf8');
  const lib = load(args.dict || 'default');
  const mode = args.mode || 'array';
  const repeat = Number(args.repeat || 5);
  const warm = [...text].slice(0, Number(args['warmup-chars'] || 50000)).join('');
  convertOnce(lib, warm, mode);
  const times = [];
  for (let i = 0; i < repeat; i++) {
    const start = process.hrtime.bigint();
    const result = convertOnce(lib, text, mode);
    times.push(seconds(start));
    if (result.length === 0) throw new Error('empty result');
  }
  process.stdout.write(JSON.stringify({ times_s: times }));
}

function commandStartup(args) {
  const lib = load(args.dict || 'default');
  const result = lib.pinyin(SHORT_SENTENCE, ARRAY_OPTIONS);
  const inproc = seconds(t0);
  if (result.length === 0) throw new Error('empty result');
  process.stdout.write(JSON.stringify({ inproc_s: inproc }));
}

function commandRss(args) {
  const text = fs.readFileSync(args.text, 'utf8');
  const lib = load(args.dict || 'default');
  const result = lib.pinyin(text, ARRAY_OPTIONS);
  process.stdout.write(JSON.stringify({ entries: result.length }));
}

const COMMANDS = { convert: commandConvert, speed: commandSpeed, startup: commandStartup, rss: commandRss };

function main() {
  const args = parseArgs(process.argv.slice(2));
  const command = COMMANDS[args._[0]];
  if (!command) {
    process.stderr.write(`usage: node pinyin_pro.js {${Object.keys(COMMANDS).join(',')}} ...\n`);
    process.exit(2);
  }
  command(args);
}

main();
