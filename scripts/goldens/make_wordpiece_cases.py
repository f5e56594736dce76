#!/usr/bin/env python3
"""Write the hand-written WordPiece tokenizer cases (tests/data/goldens/wordpiece_cases.jsonl).

Standard library only. All texts below were written for this project (none is
taken from ../shared/data), so the generated file may be committed.

    /usr/bin/python3 scripts/goldens/make_wordpiece_cases.py \
        --output tests/data/goldens/wordpiece_cases.jsonl

Each line is {"kind":"single","text":...} or
{"kind":"pair","text_a":...,"text_b":...,"max_length":N}. Output is UTF-8
(not ASCII-escaped) except that control characters are escaped by json and
U+0085, U+2028, U+2029 are written as \\uXXXX so no line reader splits on them.
"""


from cases_io import cases_main

# ---------------------------------------------------------------------------
# Single texts (encoded without special tokens, without truncation).

PLAIN_ENGLISH = [
    "Hello world",
    "The quick brown fox jumps over the lazy dog.",
    "a",
    "I",
    "ok",
    "Tokenizers split text into subword units.",
    "My neighbour's cat sleeps on the warm windowsill every afternoon.",
    "We shipped the release on Friday, and nobody had to work over the weekend.",
    "Rain is expected tomorrow; bring an umbrella if you walk to the station.",
    "She asked whether the library opens before nine o'clock on Sundays.",
    "Reranking models score a query and a passage together instead of separately.",
    "Can't, won't, shouldn't, y'all, o'clock, rock 'n' roll.",
    "The committee postponed its decision until the auditors had finished their review of the accounts.",
    "Photosynthesis converts light energy into chemical energy stored in glucose.",
    "It was the best of lunches, it was the worst of lunches.",
    "Bananas are berries, but strawberries are not, according to botanists.",
    "Please remember to water the ficus while I am away at the conference in Lisbon.",
    "The unbelievably uncharacteristically antidisestablishmentarian argument fell flat.",
    "Internationalization and localization are often abbreviated i18n and l10n.",
    "Pneumonoultramicroscopicsilicovolcanoconiosis is a very long English word.",
    "Supercalifragilisticexpialidocious, said the nanny.",
    "Floccinaucinihilipilification means estimating something as worthless.",
    "The mitochondria is the powerhouse of the cell.",
    "Electroencephalography and magnetoencephalography measure brain activity.",
    "Hyperparameter tuning took three days on the cluster.",
    "Tokenization, normalization, pre-tokenization, and post-processing.",
    "Who won the chess tournament in the small mountain village last winter?",
    "How many legs does a spider have?",
    "The lighthouse keeper wrote letters that were never sent, describing storms, ships, and the slow turning of seasons over forty years.",
    (
        "Long paragraph test: the engineers measured latency at every stage of the pipeline, "
        "from reading the request to normalizing the text, splitting it into words, mapping "
        "each word to subword pieces, adding the classifier and separator markers, padding the "
        "batch, running the transformer layers, and finally writing the scores back to the "
        "caller; the slowest stage, surprisingly, was not the model but the logging."
    ),
    "unaffable disenfranchisement counterrevolutionaries",
    "Zyzzyva quixotic jukebox fjord sphinx",
    "xqzvbk plorftang grumblewhisk snarfblat",
    "ALL CAPS SENTENCE SHOUTING ABOUT NOTHING",
    "MiXeD CaSe WoRdS aRe FuN",
    "iPhone eBay McDonald O'Neill MacGregor DeVito",
    "camelCaseIdentifier snake_case_identifier kebab-case-identifier",
    "HTTPServerError XMLHttpRequest getHTTPResponseCode",
]

ACCENTS = [
    "café",
    "naïve",
    "Ångström",
    "Crème Brûlée",
    "cafe\u0301",  # e + COMBINING ACUTE ACCENT
    "A\u030angstro\u0308m",  # decomposed Ångström
    "re\u0301sume\u0301 vs résumé",
    "Über straße Größe",
    "ẞ capital sharp s",
    "İstanbul ıstanbul",
    "Ærøskøbing Œuvre œuf",
    "façade jalapeño piñata",
    "Dvořák Škoda Łódź",
    "São Paulo, Açores, coração",
    "Zürich Malmö Besançon",
    "x\u0300\u0301\u0302\u0303\u0304 stacked combining marks",
    "\u0301 leading combining mark",
    "ǅemal ǆ ǲ titlecase digraphs",
    "ﬁne ﬂower ligatures",
    "Ｆｕｌｌｗｉｄｔｈ ＬＥＴＴＥＲＳ １２３",
    "Ⅻ Ⅳ ⅷ roman numerals",
    "ªº superscript ordinals ² ³ ¹",
]

SCRIPTS = [
    # CJK
    "我爱自然语言处理。",
    "北京是中国的首都",
    "中文English混合text",
    "日本語のテキストを分割します。",
    "ひらがなとカタカナ",
    "カタカナだけのテキスト",
    "東京タワーに行きました",
    "한국어 문장을 토큰화합니다.",
    "안녕하세요 세계",
    "ｶﾀｶﾅ halfwidth katakana",
    "𠀀𠀁 CJK extension B",
    "豈 更 CJK compatibility ideographs",
    "〇〡〢 ideographic numbers",
    "。、「」『』【】 CJK punctuation",
    # Other scripts
    "مرحبا بالعالم",
    "اللغة العربية جميلة",
    "שלום עולם",
    "עברית עם ניקוד: שָׁלוֹם",
    "Привет, мир!",
    "Съешь же ещё этих мягких французских булок.",
    "Γειά σου Κόσμε",
    "ΟΔΟΣ οδός Σίσυφος",
    "สวัสดีครับ",
    "ภาษาไทยไม่มีช่องว่างระหว่างคำ",
    "नमस्ते दुनिया",
    "हिन्दी भाषा",
    "বাংলা ভাষা",
    "தமிழ் மொழி",
    "ქართული ენა",
    "Հայերեն լեզու",
    "ᚠᚢᚦᚨᚱᚲ runes",
    "ⲁⲃⲅ coptic",
]

EMOJI = [
    "I love pizza 🍕",
    "😀😃😄",
    "👍🏽 thumbs up with skin tone",
    "👨‍👩‍👧‍👦 family ZWJ sequence",
    "👩🏾‍💻 technologist",
    "🏳️‍🌈 rainbow flag",
    "🇫🇷🇯🇵🇺🇸 flags",
    "❤️ red heart with VS16",
    "☺︎ text presentation",
    "1️⃣ keycap",
    "emoji🙂inside🙂words",
    "🤷‍♀️🤦‍♂️",
    "🦄",
]

CONTROL_AND_WHITESPACE = [
    "a\u0000b",
    "\u0000",
    "a\u0001b\u0002c",
    "tab\tseparated\twords",
    "line one\nline two\r\nline three\rend",
    "del\u007fchar",
    "next\u0085line",
    "replacement \ufffd char",
    "\ufffd\ufffd",
    "zero\u200bwidth\u200cnon\u200djoiner",
    "\ufeffbyte order mark",
    "in\ufeffside",
    "no\u00a0break\u00a0space",
    "em\u2003space",
    "ideographic\u3000space",
    "line\u2028separator\u2029paragraph",
    "soft\u00adhyphen",
    "left\u200eto\u200fright marks",
    "thin\u2009space\u202fnarrow",
    "vertical\u000btab\u000cform feed",
    "\u001b[31mANSI escape\u001b[0m",
    "   leading and trailing spaces   ",
    "multiple     internal      spaces",
    "\t\n\r ",
    "private use \ue000 char",
    "noncharacter \ufdd0 char",
    "variation selector a\ufe0fb",
]

LONG_WORDS = [
    "a" * 100,  # exactly max_input_chars_per_word
    "a" * 101,  # one over: [UNK]
    "ab" * 60,  # 120 chars
    "x" * 99,
    "é" * 100,  # 100 chars after accent stripping
    "é" * 101,
    "e\u0301" * 100,  # 200 code points before normalization, 100 after
    "ж" * 100,
    "ж" * 101,
    "中" * 101,  # each CJK char is its own word
    "😀" * 101,
    "word " + "b" * 101 + " word",
    "antidisestablishmentarianism" * 3,
    "unbelievableness" * 6,  # 96 chars
    "counterproductiveness" * 5,  # 105 chars
    "hyperparameterization",
    "deinstitutionalization",
    "ultracrepidarian",
    "transubstantiationalist",
    "thequickbrownfoxjumpsoverthelazydog",
    "qwrtypsdfghjklzxcvbnm",
    "zzzzzzzzzzzzzzzzzzzz",
    "tokenizationtokenizationtokenization",
]

PUNCTUATION = [
    "!!!???...",
    "a--b",
    "a—b–c",
    "$%^&*",
    "«quotes»",
    "¿Qué?",
    "¡Hola!",
    "“curly” ‘single’",
    "\"straight\" 'single'",
    "(parentheses) [brackets] {braces} <angles>",
    "~`@#|\\/",
    "...",
    "…ellipsis…",
    "a.b.c",
    "U.S.A.",
    "e.g., i.e., etc.",
    "semi;colon:colon",
    "under_score",
    "##ing ##",
    "#hashtag #NLP2024",
    "@mention @user_name",
    "5€ £10 ¥300 ₹99 $4.99",
    "§ ¶ † ‡ • ※",
    "a+b=c",
    "2×3÷4 ±1",
    "→ ← ↑ ↓ ⇒",
    "∀x∈ℝ: x²≥0",
    "∑ ∫ √ ∞ ≈ ≠ ≤ ≥",
    "α + β = γ",
    "½ ¼ ¾",
    "°C °F",
    "©®™",
]

NUMBERS_URLS = [
    "1234567890",
    "3.14159",
    "1,000,000",
    "-42",
    "1e-10",
    "0x1F",
    "2024-05-17T12:34:56Z",
    "v1.2.3-beta+build.7",
    "Call 555-0123 or +1 (555) 010-9999",
    "https://example.com/path/to/page?query=value&other=1#fragment",
    "http://www.example.org",
    "ftp://files.example.net/pub/readme.txt",
    "user.name+tag@example.co.uk",
    "contact@example.com",
    "C:\\Program Files\\App\\app.exe",
    "/usr/local/bin/python3",
    "192.168.0.1:8080",
    "ISBN 978-3-16-148410-0",
    "COVID-19 H2O CO2 MP3 4K",
    "100% of 50% is 50%",
    "1st 2nd 3rd 4th 21st",
    "٠١٢٣٤٥٦٧٨٩ Arabic-Indic digits",
    "१२३ Devanagari digits",
]

SPECIAL_TOKENS = [
    "[SEP]",
    "[CLS]",
    "[PAD]",
    "[MASK]",
    "[UNK]",
    "[sep]",
    "[Sep]",
    "[ SEP ]",
    "a[SEP]b",
    "[SEP][SEP]",
    " [SEP] ",
    "[CLS] question [SEP] answer [SEP]",
    "The [MASK] sat on the mat.",
    "[[SEP]]",
    "[SEP",
    "SEP]",
    "[unused0]",
    "[UNK][UNK]x",
    "cls [CLS]cls[CLS] cls",
    "[PAD] [PAD] [PAD]",
    "<s> </s> <pad> <unk> <mask>",
]

EMPTY_ISH = [
    "",
    "   ",
    " ",
    "\n",
    "\u200b",
    "\u0000\u0001",
    "\u00a0\u3000",
]

# Unicode categories where Rust's tables and utf8proc's could disagree: private use
# (removed as "other"), unassigned and noncharacters (kept: the Rust crate has no Cn
# table), format chars, CJK range edges (HF's ranges start at U+2B920).
CATEGORY_EDGES = [
    "a" + chr(cp) + "b"
    for cp in [0xE000, 0xF8FF, 0xF0000, 0x10FFFD, 0x0378, 0xFDD0, 0xFFFE, 0x0600, 0x00AD,
               0xE0001, 0x1D173, 0x2B81F, 0x2B820, 0x2B920, 0x0B, 0x1F, 0x7F, 0x80, 0x9F]
] + ["\u0130stanbul \u0130I", "\u03a3\u0391\u03a3 \u03c3\u03c2", "\ufb01ne \u2460 \u00bd \u212b"]

SINGLES = (
    PLAIN_ENGLISH
    + CATEGORY_EDGES
    + ACCENTS
    + SCRIPTS
    + EMOJI
    + CONTROL_AND_WHITESPACE
    + LONG_WORDS
    + PUNCTUATION
    + NUMBERS_URLS
    + SPECIAL_TOKENS
    + EMPTY_ISH
)

# ---------------------------------------------------------------------------
# Pairs (encoded with [CLS] a [SEP] b [SEP], LongestFirst truncation at
# max_length, stride 0, no padding).
#
# Note: max_length below the 3 special tokens is not a valid setting; the
# library (tokenizers 0.22) then does not truncate at all, so no such case is
# kept here.

# Texts whose WordPiece lengths are easy to reason about: each word is one token.
def words(n, start=0):
    vocab = [
        "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
        "red", "green", "blue", "black", "white", "house", "tree", "river", "stone", "bird",
    ]
    return " ".join(vocab[(start + i) % len(vocab)] for i in range(n))


SENTENCE_PAIRS = [
    ("What is the capital of France?", "Paris is the capital and largest city of France."),
    ("how do i reset my password", "Open the settings page, choose Account, then click Reset Password and follow the emailed link."),
    ("Who painted the ceiling of the chapel?", "The ceiling was painted over four years by an artist who preferred sculpture."),
    ("best pizza near me", "Our family restaurant has baked wood-fired pizza since 1987 using flour milled in the valley."),
    ("Why is the sky blue?", "Sunlight scatters off air molecules, and shorter blue wavelengths scatter the most, so the sky looks blue."),
    ("A man is playing a guitar on the street.", "Someone performs music outdoors for passers-by."),
    ("The children are building a sandcastle.", "Kids play at the beach with buckets and spades."),
    ("unbelievably antidisestablishmentarianism", "supercalifragilisticexpialidocious hyperparameterization"),
    ("Crème Brûlée at the Café", "naïve Ångström résumé"),
    ("東京で一番高い建物は何ですか", "東京スカイツリーは高さ634メートルの電波塔です。"),
    ("北京天气怎么样", "今天北京晴天，气温二十度。"),
    ("한국의 수도는 어디입니까?", "서울은 대한민국의 수도입니다."),
    ("Что такое машинное обучение?", "Машинное обучение — это раздел искусственного интеллекта."),
    ("emoji 😀 query", "👨‍👩‍👧‍👦 family 🇫🇷 flag 👍🏽 thumbs"),
    ("[SEP] inside the query", "and [CLS] inside the [MASK] passage [SEP]"),
    ("tab\tand\nnewline", "zero\u200bwidth and \u00a0 nbsp \ufffd"),
    ("https://example.com/a?b=c", "contact user.name+tag@example.co.uk or call +1 (555) 010-9999"),
    ("!!!???...", "$%^&* «quotes» ¿Qué? “curly”"),
    ("a" * 101, "b" * 100),
    ("Is a tomato a fruit?", "Botanically, a tomato is a berry, although cooks treat it as a vegetable."),
]

# Word-count pairs around the budget (max_length - 3). For budget B and lengths
# (la, lb): only the first is cut when la is long and lb is short, only the
# second when lb is long, both when both exceed B/2, none when la + lb <= B.
LENGTH_PAIRS = [
    (5, 2), (2, 5), (4, 4), (3, 3), (6, 0), (0, 6), (1, 1), (7, 7), (10, 3), (3, 10),
    (13, 12), (12, 13), (20, 1), (1, 20), (9, 9),
]

EDGE_PAIRS = [
    ("", "", [3, 4, 8, 512]),
    ("", "only the second text", [3, 5, 8, 512]),
    ("only the first text", "", [3, 5, 8, 512]),
    ("   ", "\u200b", [3, 16]),
    ("[SEP]", "[SEP]", [3, 4, 5, 16]),
    ("[sep]", "[cls]", [5, 16]),
    ("x", "y", [3, 4, 5]),
    # Truncation falls inside a word's ## pieces.
    ("unbelievableness counterproductiveness", "hyperparameterization", [5, 8, 10, 16]),
    ("我爱自然语言处理我爱自然语言处理", "日本語のテキストを分割します", [8, 10, 16]),
]

PAIR_MAX_LENGTHS = [5, 8, 10, 16, 32, 128, 512]
LENGTH_MAX_LENGTHS = [3, 4, 5, 8, 10, 16, 32]


def build_cases():
    cases = [{"kind": "single", "text": t} for t in SINGLES]
    for a, b in SENTENCE_PAIRS:
        for ml in PAIR_MAX_LENGTHS:
            cases.append({"kind": "pair", "text_a": a, "text_b": b, "max_length": ml})
    for i, (la, lb) in enumerate(LENGTH_PAIRS):
        for ml in LENGTH_MAX_LENGTHS:
            cases.append({"kind": "pair", "text_a": words(la), "text_b": words(lb, start=10 + i),
                          "max_length": ml})
    for a, b, mls in EDGE_PAIRS:
        for ml in mls:
            cases.append({"kind": "pair", "text_a": a, "text_b": b, "max_length": ml})
    return cases


if __name__ == "__main__":
    cases_main(__doc__.splitlines()[0], build_cases)
