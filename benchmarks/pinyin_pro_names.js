#!/usr/bin/env node
// pinyin-pro side of the names and search benchmarks (benchmarks/names_eval.py, benchmarks/match_bench.py).
//
//   node pinyin_pro_names.js convert < sentences.jsonl
//       stdin: one {"text": ...} per line.  stdout: {"version", "results": {"off"|"head"|"all": [[syllable
//       per Han character, tone numbers]...]}}: pinyin-pro's pinyin() with surname off, 'head' and 'all'.
//   node pinyin_pro_names.js match --contacts FILE --queries FILE [--repeat 3] [--continuous 1]
//       FILE: one string per line.  Every query against every contact with match() (with
//       {continuous: true} when asked: a contiguous span); stdout:
//       {"times_s": [...] (one per repeat, the whole query set), "hits": [contacts matched, per query]}.
'use strict';
const fs = require('fs');
const path = require('path');
const { pinyin, match } = require('pinyin-pro');

const HAN = /[〇\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u{20000}-\u{3134f}]/u;

function parseArgs(argv) {
  const args = { _: [] };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i].startsWith('--')) args[argv[i].slice(2)] = argv[++i];
    else args._.push(argv[i]);
  }
  return args;
}

function version() {
  return JSON.parse(fs.readFileSync(path.join(__dirname, 'node_modules', 'pinyin-pro', 'package.json'), 'utf8')).version;
}

// One syllable per Han character (in order), as the labelled sets hold them.
function perHan(text, surname) {
  const opts = { type: 'array', toneType: 'num', toneSandhi: false };
  if (surname !== 'off') opts.surname = surname;
  const arr = pinyin(text, opts);
  const chars = [...text];
  if (arr.length !== chars.length) throw new Error(`length mismatch for ${text}`);
  return chars.map((c, i) => (HAN.test(c) ? arr[i] : null)).filter((_, i) => HAN.test(chars[i]));
}

function commandConvert() {
  const texts = fs.readFileSync(0, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l).text);
  const results = {};
  for (const mode of ['off', 'head', 'all']) results[mode] = texts.map((t) => perHan(t, mode));
  process.stdout.write(JSON.stringify({ version: version(), results }));
}

function lines(file) {
  return fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.length);
}

function commandMatch(args) {
  const contacts = lines(args.contacts);
  const queries = lines(args.queries);
  const repeat = Number(args.repeat || 3);
  const options = args.continuous ? { continuous: true } : undefined;
  const hits = queries.map(() => 0);
  const times = [];
  for (let r = 0; r < repeat; r++) {
    const start = process.hrtime.bigint();
    queries.forEach((q, qi) => {
      let n = 0;
      for (const c of contacts) if (match(c, q, options)) n++;
      hits[qi] = n;
    });
    times.push(Number(process.hrtime.bigint() - start) / 1e9);
  }
  process.stdout.write(JSON.stringify({ version: version(), times_s: times, hits }));
}

const args = parseArgs(process.argv.slice(2));
const COMMANDS = { convert: commandConvert, match: commandMatch };
if (!COMMANDS[args._[0]]) {
  process.stderr.write('usage: node pinyin_pro_names.js {convert,match} ...\n');
  process.exit(2);
}
COMMANDS[args._[0]](args);
