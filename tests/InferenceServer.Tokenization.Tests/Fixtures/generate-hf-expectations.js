// Writes hf-expectations.json: ids and decoded text from the real Hugging Face tokenizers (Rust, via the npm
// "tokenizers" package) for the fixture tokenizer.json files, on deterministic generated strings.
// Run: npm install tokenizers@0.23.2 && node generate-hf-expectations.js ../../../../shared/models > hf-expectations.json
const { Tokenizer } = require("tokenizers");
const fs = require("fs");
const path = require("path");

const modelsDir = process.argv[2];
let seed = 12345;
function next() { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed; }
function pick(a) { return a[next() % a.length]; }

const common = [
  "Once", "upon", "a", "time", "there", "was", "little", "girl", "named", "Lily", "she", "loved", "the", "park",
  "Hello", "world", "HELLO", "don't", "it's", "I'm", "you'RE", "we've", "'ll", "'D", "Tim", "dog", "ball", "!",
  "?", ".", ",", "...", "\"", "'", "(", ")", "[", "]", "{", "}", "-", "--", ":", ";", "$5", "100%", "#", "@",
  "1", "42", "1999", "3.14", "123456789", "0x1F", "café", "naïve", "Führer", "日本語", "中文", "我想在apple工作",
  "нещо", "Български", "कागज़", "ภาษาไทย", "العربية", "Cửa", "Việt", "😀", "🦙", "😶\u200d🌫️", "✅", "🚀",
  "𝟏𝟐𝟑", "𝑥", "𠀀", "e\u0301", "Cu\u031Bo\u0301a", "\u1100\u1161\u11A8", "A\u030A", "\uFB01", "\u00A0",
  "\u3000", "\u2028", "hello_world", "a-b", "x", "ß", "ǅ", "Ω", "ﬀ", "…", "—", "～", "\\n", "<", ">", "|", "<|",
];
const spaces = [" ", " ", " ", " ", "", "", "  ", "   ", "\n", "\n\n", " \n", "\n ", "\t", "\r\n", " \t ", "    "];

function generate(count, extra) {
  const out = [];
  for (let i = 0; i < count; i++) {
    let s = "";
    if (next() % 6 === 0) s += pick(spaces);
    const n = 1 + (next() % 20);
    for (let w = 0; w < n; w++) {
      if (w > 0) s += pick(spaces);
      s += next() % 7 === 0 ? pick(extra) : pick(common);
    }
    if (next() % 5 === 0) s += pick(spaces);
    out.push(s);
  }
  return out;
}

function randomIds(count, vocabSize, specials) {
  const out = [];
  for (let i = 0; i < count; i++) {
    const n = 1 + (next() % 16);
    const ids = [];
    for (let k = 0; k < n; k++) ids.push(next() % 5 === 0 ? pick(specials) : next() % vocabSize);
    out.push(ids);
  }
  return out;
}

// Variants of the fixture files exercising other pre-tokenizers; HuggingFaceParityTests applies the same edits.
const variants = {
  "metaspace-first": (j) => {
    j.normalizer = null;
    j.pre_tokenizer = { type: "Metaspace", replacement: "\u2581", prepend_scheme: "first", split: false };
    j.decoder = { type: "Metaspace", replacement: "\u2581", prepend_scheme: "first", split: false };
  },
  "metaspace-always-split": (j) => {
    j.normalizer = null;
    j.pre_tokenizer = { type: "Metaspace", replacement: "\u2581", prepend_scheme: "always", split: true };
    j.decoder = { type: "Metaspace", replacement: "\u2581", prepend_scheme: "always", split: true };
  },
  "gpt2-bytelevel": (j) => {
    j.normalizer = null;
    j.pre_tokenizer = { type: "ByteLevel", add_prefix_space: true, trim_offsets: true, use_regex: true };
  },
  "added-token-flags": (j) => {
    for (const t of j.added_tokens) {
      if (t.content === "<think>") t.lstrip = true;
      if (t.content === "</think>") t.rstrip = true;
    }
    j.added_tokens.push({ id: 151669, content: "bar", single_word: true, lstrip: false, rstrip: false, normalized: false, special: false });
  },
  "llama3-split": (j) => {
    j.pre_tokenizer.pretokenizers[0].pattern.Regex =
      "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
    j.model.ignore_merges = true;
  },
};

async function run(name, file, extra, specials, variant, count) {
  const json = JSON.parse(fs.readFileSync(path.join(modelsDir, file), "utf8"));
  if (variant) variants[variant](json);
  const tok = Tokenizer.fromString(JSON.stringify(json));
  const specialIds = json.added_tokens.filter((t) => t.special).map((t) => t.id);
  const texts = ["", " ", "  ", "\n", ...extra, ...generate(count ?? 400, extra)];
  const encodings = [];
  for (const text of texts) {
    const e = await tok.encode(text, null, { addSpecialTokens: true });
    encodings.push({ text, ids: e.getIds() });
  }
  const decodings = [];
  for (const ids of randomIds(200, tok.getVocabSize(false), specials)) {
    // Hugging Face does not skip special tokens marked "normalized" (TinyStories' are: their stored text is
    // "▁<|end_story|>", which is not in its special set), so "skip" decodes the ids with the specials taken out.
    const plain = ids.filter((id) => !specialIds.includes(id));
    decodings.push({ ids, skip: await tok.decode(plain, true), keep: await tok.decode(ids, false) });
  }
  return { name, variant: variant ?? null, encodings, decodings };
}

(async () => {
  const result = [
    await run("tinystories", "tinystories-656k/tokenizer.json",
      ["<|start_story|>", "<|end_story|>", "<unk>", " <|end_story|>", "<|start_story|> Once", "end_story"], [0, 1, 2]),
    await run("qwen3", "tokenizers/qwen3/tokenizer.json",
      ["<|im_start|>", "<|im_end|>", "<|endoftext|>", "<think>", "</think>", "<tool_call>", " <|im_start|> ", "<|im_", "<|fim_prefix|>"],
      [151643, 151644, 151645, 151657, 151667, 151668]),
    await run("tinystories-metaspace-first", "tinystories-656k/tokenizer.json", ["<|start_story|> Once", " <|end_story|>"], [0, 1, 2], "metaspace-first", 150),
    await run("tinystories-metaspace-always-split", "tinystories-656k/tokenizer.json", ["<|start_story|> Once", " <|end_story|>"], [0, 1, 2], "metaspace-always-split", 150),
    await run("qwen3-gpt2-bytelevel", "tokenizers/qwen3/tokenizer.json", ["<|im_start|>user", " <think>x"], [151643, 151644], "gpt2-bytelevel", 150),
    await run("qwen3-added-token-flags", "tokenizers/qwen3/tokenizer.json",
      ["a  <think>b", "a</think>  \n b", "bar", "a bar b", "abar", "bar_", "(bar)", "barbar", "<think> bar </think>"],
      [151643, 151644], "added-token-flags", 150),
    await run("qwen3-llama3-split", "tokenizers/qwen3/tokenizer.json", ["<|im_start|>user", "1234567 89"], [151643, 151644], "llama3-split", 150),
  ];
  process.stdout.write(JSON.stringify(result));
})();
