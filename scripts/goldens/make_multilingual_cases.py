#!/usr/bin/env python3
"""Write the multilingual tokenizer cases (tests/data/goldens/multilingual_cases.jsonl).

Standard library only. Every text below was written for this project (none is
taken from ../shared/data or any other corpus), so the generated file may be
committed. The cases target the SentencePiece (XLM-R, DeBERTa-v3) and
byte-level BPE (RoBERTa) tokenizers: many scripts, Unicode normalization
(NFC/NFD/NFKC), whitespace variants, emoji sequences and the special-token
strings of every family written inside text.

    /usr/bin/python3 scripts/goldens/make_multilingual_cases.py \
        --output tests/data/goldens/multilingual_cases.jsonl

Same format as wordpiece_cases.jsonl: one line per case,
{"kind":"single","text":...} or
{"kind":"pair","text_a":...,"text_b":...,"max_length":N}. Output is UTF-8
(not ASCII-escaped) except that control characters are escaped by json and
U+0085, U+2028, U+2029 are written as \\uXXXX so no line reader splits on them.

Every pair has max_length >= 5, so every template fits (RoBERTa/XLM-R pair
templates add 4 special tokens, BERT/DeBERTa 3).
"""

import sys

from cases_io import cases_main

# ---------------------------------------------------------------------------
# Single texts (encoded without special tokens, without truncation).

LATIN_DIACRITICS = [
    # French
    "L'été dernier, nous avons mangé des crêpes à Besançon.",
    "Où est la bibliothèque ? Elle est fermée le lundi.",
    "Noël, maïs, naïveté, cœur, œuvre, Œdipe",
    # German
    "Die Prüfung war schwieriger als erwartet, aber wir haben bestanden.",
    "Grüße aus München! Straße, Maß, Fuß, groß, GROSS, GROẞ",
    "Donaudampfschifffahrtsgesellschaftskapitänswitwe",
    # Spanish / Portuguese / Catalan
    "¿Dónde está el baño? El niño pidió más jamón y pimentón.",
    "Você já comeu pão de queijo em Minas Gerais? Não, ainda não.",
    "L·lengua catalana: col·legi, paral·lel, Lleida",
    # Polish / Czech / Slovak
    "Zażółć gęślą jaźń. Pchnąć w tę łódź jeża lub ośm skrzyń fig.",
    "Příliš žluťoučký kůň úpěl ďábelské ódy.",
    "Kŕdeľ šťastných ďatľov učí pri ústí Váhu mĺkveho koňa obhrýzať kôru.",
    # Vietnamese (stacked diacritics)
    "Tiếng Việt có nhiều dấu thanh: à á ả ã ạ ầ ấ ẩ ẫ ậ.",
    "Người ta thường uống cà phê sữa đá vào buổi sáng ở Sài Gòn.",
    # Turkish / Azerbaijani
    "Türkçe: ıspanak, İzmir, çiğköfte, şoför, ağaç, IĞDIR",
    "Azərbaycan dili: ə hərfi çox işlənir.",
    # Romanian: comma-below and cedilla variants
    "Românește: ș ț (virgulă) și ş ţ (sedilă) arată la fel.",
    # Nordic
    "Icelandic: Þórður og Ægir borðuðu harðfisk á Ísafirði.",
    "Dansk og norsk: blåbærsyltetøy, ærlig, øl, Århus",
    "Suomi: Hyvää huomenta, pöytä on jäässä.",
    # Other Latin-script languages
    "Magyar: Árvíztűrő tükörfúrógép, ő és ű.",
    "Lietuvių: ąžuolas, ėglė, įėjimas, ųsas, ūkis.",
    "Latviešu: ģimene, ķirsis, ļoti, ņem, ūdens.",
    "Esperanto: ĉiuĵaŭde ŝi manĝas ĝustan eĥon.",
    "Hrvatski: čćđšž ČĆĐŠŽ, Đakovo",
    "Cymraeg: ŵyr, ŷd, tŷ bach",
    "Malti: ħobż, ġobon, żebbuġ",
    "Yorùbá: ẹ̀kọ́ àti ìfẹ́",
    "Hawaiʻi: ʻōlelo Hawaiʻi, ʻohana",
    "Pinyin: Zhōngguó, nǚrén, lǜsè, Běijīng",
]

CYRILLIC_GREEK = [
    "Москва — столица России, а Нева течёт через Санкт-Петербург.",
    "Ёлка, ёжик и щётка: буква ё часто пишется как е.",
    "Українська мова: їжак, єнот, ґанок, пʼять, м'ята.",
    "Беларуская: ўсё, дзеці, з'ява.",
    "Српски: Љубав, њива, ђак, џеп, ћерка.",
    "Български език: Щъркелът живее в гнездо.",
    "Қазақ тілі: Әке, ғалым, қала, ңғ, өмір, ұлт, үй, һ, і.",
    "Монгол хэл: Өнөөдөр цаг агаар сайхан байна.",
    "ПРОПИСНЫЕ БУКВЫ и строчные буквы",
    "Ελληνικά: Η γλώσσα είναι ωραία και αρχαία.",
    "Πολυτονικό: ᾅδης, ἀνήρ, ᾠδή, Ἑλλάς, ῥήτωρ",
    "ΣΊΣΥΦΟΣ σίσυφος: τελικό ς και μεσαίο σ",
    "Greek question mark; and ano teleia· punctuation",
    "Mixed: Αθήνα Athens Афины",
]

ARABIC_HEBREW = [
    "القاهرة هي عاصمة مصر وأكبر مدنها.",
    "بِسْمِ اللَّهِ الرَّحْمَٰنِ الرَّحِيمِ",
    "العَرَبِيَّةُ لُغَةٌ جَمِيلَةٌ",
    "كتـــــاب مع تطويل",
    "فارسی: می‌خواهم به کتابخانه بروم.",
    "اردو: میں کل لاہور جاؤں گا۔",
    "Arabic presentation forms: ﻻ ﷲ ﷺ ﻼ",
    "الرقم ١٢٣٤ والرقم 1234",
    "عربي English مختلط mixed",
    "עברית: ירושלים היא עיר עתיקה.",
    "נִקּוּד: בְּרֵאשִׁית בָּרָא אֱלֹהִים",
    "טעמים: בְּרֵאשִׁ֖ית בָּרָ֣א",
    "Hebrew presentation forms: שׁ שׂ בּ פּ ﬠ",
    "ייִדיש: װאַסער, ײַ, ױ",
    "Bidi: abc אבג 123 ابت",
]

INDIC = [
    "हिन्दी: भारत एक विशाल देश है।",
    "मराठी: मला पुस्तके वाचायला आवडतात.",
    "नेपाली: म नेपालमा बस्छु।",
    "संस्कृतम्: धर्मक्षेत्रे कुरुक्षेत्रे समवेता युयुत्सवः",
    "Nukta: क़ ख़ ग़ ज़ ड़ ढ़ फ़ य़ (decomposed: क\u093c ज\u093c)",
    "Virama and joiners: क्ष त्र ज्ञ क्\u200dष क्\u200cष",
    "বাংলা: আমি বাংলায় গান গাই।",
    "বাংলা সংখ্যা: ০১২৩৪৫৬৭৮৯",
    "தமிழ்: யாதும் ஊரே யாவரும் கேளிர்.",
    "தமிழ் எழுத்துகள்: க கா கி கீ கு கூ கெ கே கை கொ கோ கௌ",
    "తెలుగు: తెలుగు భాష చాలా మధురమైనది.",
    "ಕನ್ನಡ: ಕನ್ನಡ ನಾಡು ನುಡಿ",
    "മലയാളം: മലയാളം ഒരു ദ്രാവിഡ ഭാഷയാണ്.",
    "ગુજરાતી: ગુજરાત એક રાજ્ય છે.",
    "ਪੰਜਾਬੀ: ਸਤਿ ਸ੍ਰੀ ਅਕਾਲ",
    "සිංහල: ශ්‍රී ලංකාව",
    "Code-mixed Hinglish: kal मैं office जाऊँगा, traffic बहुत है yaar",
]

SOUTHEAST_ASIAN_AND_OTHERS = [
    "ภาษาไทย: ฉันชอบกินข้าวเหนียวมะม่วงมาก",
    "กรุงเทพมหานครอมรรัตนโกสินทร์มหินทรายุทธยามหาดิลกภพ",
    "ตัวเลขไทย ๑๒๓๔๕ และ 12345",
    "ລາວ: ສະບາຍດີ",
    "ខ្មែរ: សួស្ដី ពិភពលោក",
    "မြန်မာ: မင်္ဂလာပါ",
    "བོད་སྐད: བཀྲ་ཤིས་བདེ་ལེགས།",
    "ქართული: გამარჯობა, როგორ ხარ? თბილისი",
    "Mtavruli: ᲒᲐᲛᲐᲠᲯᲝᲑᲐ",
    "Հայերեն: Բարև, ինչպե՞ս ես։ Երևան, և ligature",
    "አማርኛ: ሰላም ለዓለም",
    "ᏣᎳᎩ Cherokee syllabary",
    "ᠮᠣᠩᠭᠣᠯ Mongolian script",
    "ⵜⴰⵎⴰⵣⵉⵖⵜ Tifinagh",
    "ܠܫܢܐ ܣܘܪܝܝܐ Syriac",
    "ދިވެހި Thaana",
]

CJK = [
    "我今天去超市买了苹果和牛奶。",
    "這是繁體中文的句子，台灣和香港使用。",
    "机器学习和深度学习是人工智能的分支。",
    "中文标点：，。！？；：“引号”（括号）《书名》",
    "私は毎朝コーヒーを飲みます。",
    "東京駅から新幹線で大阪へ行きました。",
    "カタカナのコンピューターとソフトウェア",
    "ひらがなだけでかいたぶんしょうです",
    "ｺﾝﾋﾟｭｰﾀｰ halfwidth with ﾀﾞｸﾃﾝ and ﾊﾟﾝ",
    "日本語と English のまじった文",
    "ヴァイオリン、ヴィ、ヴ、ゔ",
    "々 〆 〇 ゝ ゞ ヽ ヾ iteration marks",
    "한국어: 저는 학생입니다. 서울에 살아요.",
    "한글과 漢字가 섞인 文章",
    # Hangul: precomposed vs conjoining jamo vs compatibility jamo
    "\ud55c\uad6d\uc5b4 precomposed",
    "\u1112\u1161\u11ab\u1100\u116e\u11a8\u110b\u1165 conjoining jamo (NFD)",
    "\u314e\u314f\u3134 \u3131\u315c\u3131 compatibility jamo",
    "ㅋㅋㅋ ㅎㅎ ㅠㅠ",
    "CJK compatibility ideographs: \uf900 \uf901 \ufa10 \ufa30 vs \u8c48 \u66f4",
    "Kangxi radicals: \u2f00 \u2f08 \u2f54 vs 一 人 水",
    "Square words: ㍻ ㍼ ㌔ ㌢ ㍍ ㍉ ㋿",
    "Enclosed CJK: ㊀ ㊁ ㊤ ㊥ ㈱ ㈲",
    "Extension B: 𠮷野家 𩸽",
    "中文English日本語한국어Русский",
]

EMOJI = [
    "Hello 👋🏻👋🏼👋🏽👋🏾👋🏿 everyone",
    "🧑‍🤝‍🧑 people holding hands",
    "👩‍❤️‍💋‍👨 kiss",
    "👁️‍🗨️ eye in speech bubble",
    "🐈‍⬛ black cat and 🐻‍❄️ polar bear",
    "🏳️‍⚧️ flag and 🏴‍☠️ pirate flag",
    "🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f Scotland tag sequence",
    "🇺🇳🇪🇺🇯🇵🇧🇷🇮🇳",
    "🇦 lone regional indicator",
    "#️⃣ *️⃣ 0️⃣ 9️⃣ 🔟 keycaps",
    "#\u20e3 keycap without VS16",
    "🫠🫶🪿🫎 newer emoji",
    "©️ ®️ ™️ ‼️ ⁉️",
    "😂😂😂🤣🤣",
    "I❤️NY and I♥NY",
    "🧔🏻‍♂️ 👩🏽‍🦰 🧑🏿‍🚀",
    "📧 email me at 9am ☕",
    "⌚⌛⏰ ☀☁☂☃",
    "emoji at end 🎉",
    "🎉 emoji at start",
]

NORMALIZATION = [
    # NFC vs NFD of the same words
    "\u00e9l\u00e8ve \u00e0 l'\u00e9cole",
    "e\u0301le\u0300ve a\u0300 l'e\u0301cole",
    "\u00c5ngstr\u00f6m \u212bngstr\u00f6m A\u030angstro\u0308m",
    "\u1ec7 vs e\u0323\u0302 vs e\u0302\u0323 canonical ordering",
    "a\u0323\u0301 vs a\u0301\u0323",
    "\u2126 ohm sign vs \u03a9 omega",
    "\u212a Kelvin sign vs K",
    "\u00f1 n\u0303 \u00d1 N\u0303",
    "q\u0307 combining on a letter with no precomposed form",
    "\u0915\u093c \u0958 nukta composition exclusion",
    "\u05e9\u05c1 \ufb2a Hebrew shin dot",
    "Zalgo: Z\u0351\u036b\u0343\u036a\u0302\u036b\u033d\u034f\u0334\u0319a\u0307\u0313\u0352l\u0334\u0319g\u0353o\u0361",
    "combining mark after space: a \u0301b",
    "\u0301\u0302\u0303 only combining marks",
    # NFKC-sensitive characters
    "\ufb01nance \ufb02ow e\ufb00ort o\ufb03ce \ufb06ar",
    "\u2460 \u2461 \u2473 \u24ea \u2474 \u2488 circled and parenthesized",
    "x\u00b2 + y\u00b3 = z\u207f, a\u2081 H\u2082O",
    "\u339e \u338f \u33a1 \u3396 \u33c4 units",
    "\u2160 \u2161 \u2162 \u216b \u2170 \u217b Roman numerals",
    "\uff21\uff22\uff23 \uff41\uff42\uff43 \uff10\uff11\uff12 \uff01\uff1f\uff08\uff09",
    "\u017ft long s and \u0133 \u0132 ij ligatures",
    "\u210c\u210d\u2102 \U0001d400\U0001d401\U0001d402 \U0001d552\U0001d553 math letters",
    "\u00b5 micro vs \u03bc mu",
    "\u00bd \u2153 \u215e fractions",
    "\u2122 \u2120 \u2116 \u2103 \u2109",
    "\u2026 ellipsis \u2025 two-dot \u2024 one-dot",
    "\u01c4 \u01c5 \u01c6 \u01c9 \u01cc digraphs",
    "\u0149 n-apostrophe",
    "\u3000ideographic space at start",
    "\u00a8 \u00af \u00b4 \u00b8 spacing diacritics",
    "\u2215 \u2044 \u2010 \u2011 \u2012 \u2013 \u2014 \u2015 dashes and slashes",
    "\uff5e \u301c \u02dc tildes",
    "\u00aa\u00ba ordinals \u1d43\u1d47 modifier letters",
]

WHITESPACE = [
    " leading space",
    "trailing space ",
    "  two leading spaces",
    "two trailing spaces  ",
    "a  b",
    "a   b    c     d",
    "\tleading tab",
    "trailing tab\t",
    "a\t\tb",
    "a \t b",
    "line\n\nbreaks\n\n\nhere",
    "\nleading newline",
    "trailing newline\n",
    "crlf\r\nline",
    "a\u00a0\u00a0b",
    "\u00a0leading nbsp",
    "trailing nbsp\u00a0",
    "a\u00a0 \u00a0b",
    "a\u3000b\u3000\u3000c",
    "\u3000\u3000",
    "a\u2003b\u2002c\u2009d\u200ae",
    "a\u200bb zero width space",
    "\u200bleading zero width space",
    "a\u200db zero width joiner",
    "a\u200cb zero width non-joiner",
    "\ufeffleading BOM",
    "trailing BOM\ufeff",
    "in\u00adter\u00adna\u00adtion\u00adal soft hyphens",
    "a\u2060b word joiner",
    "a\u180eb Mongolian vowel separator",
    "a\u1680b ogham space mark",
    "a\u205fb medium math space",
    "a\u202fb narrow nbsp",
    "a\u0085b next line",
    "a\u2028b line separator",
    "a\u000bb\u000cc",
    "  ",
    "\t",
    "\n\n",
    "\u00a0",
    "\u3000",
    "\u2003",
    "\ufeff",
    "\u00ad",
    "\u200d",
    " \u00a0 \u3000 \t\n ",
]

CONTROL = [
    "\u0007bell char",
    "back\u0008space",
    "unit\u001fseparator",
    "C1 \u0080\u0081 controls",
    "\u0000leading nul",
    "trailing nul\u0000",
    "esc\u001b seq",
    "\u0002\u0003",
    "\ufffd",
    "a\ufffdb",
    "\ufffe\uffff noncharacters",
    "private \U000f0000 use",
    "unassigned \u0378 code point",
    "surrogate-free astral \U0001f600 ok",
]

APOSTROPHES = [
    "it's don't they're we've I'm you'll he'd",
    "IT'S DON'T THEY'RE WE'VE I'M YOU'LL HE'D",
    "It'S DoN'T They'Re",
    "it’s don’t they’re we’ve I’m you’ll he’d",
    "the dogs' bowls and James's hat",
    "'tis 'twas 'em",
    "'s 't 're 've 'm 'll 'd",
    "''quoted'' and '''triple'''",
    "O'Brien's can't've y'all'd've",
    "rock’n’roll ‘single’ “double”",
    "l'homme d'affaires aujourd'hui",
    "ʼ modifier apostrophe ʼs and ＇fullwidth＇",
]

NUMBERS = [
    "12345678901234567890",
    "3,14 and 3.14 and 3·14",
    "1 000 000 and 1.000.000,00 €",
    "0.000001 1e10 6.02e23 -0.5",
    "٣٫١٤ Arabic decimal",
    "۱۲۳ Persian digits",
    "二〇二四年五月十七日",
    "１２３ fullwidth digits",
    "№5 #123 No. 7",
    "+44 20 7946 0000",
    "12:30 am, 23:59:59.999",
    "1/2 3/4 50% 99.9%",
    "$1,234.56 €7,89 ¥1000 ₩5000 ₿0.01",
    "2nd 3rd 11th 101st",
    "MMXXIV",
]

URLS_CODE = [
    "https://例え.jp/パス?q=値&x=1",
    "https://xn--r8jz45g.jp/",
    "https://en.wikipedia.org/wiki/Unicode_equivalence#Normal_forms",
    "mailto:jan.kowalski+test@example.pl",
    "git@github.com:owner/repo.git",
    "def square(x):\n    return x ** 2\n",
    "for (int i = 0; i < n; ++i) { sum += a[i]; }",
    "SELECT name FROM users WHERE id = 42 AND note = 'it''s';",
    "<div class=\"note\">Hello &amp; welcome</div>",
    "{\"key\": [1, 2, 3], \"nested\": {\"ok\": true}}",
    "std::vector<std::string> v{\"a\", \"b\"};",
    "$ ls -la | grep '\\.py$' > out.txt",
    "const f = (x) => x?.y ?? 0;",
    "#include <stdio.h>\nint main(void) { return 0; }",
    "\\frac{a}{b} + \\sqrt{x^2}",
    "/^[a-z0-9_-]{3,16}$/",
    "C:\\Users\\Ünïcödé\\Документы\\файл.txt",
]

LONG_AND_REPEATED = [
    "a" * 200,
    "ab" * 150,
    "ナ" * 60,
    "😀" * 40,
    "!" * 30,
    "." * 25,
    "—" * 20,
    "ha" * 40,
    "soooooooooo gooooooooood",
    "lentokonesuihkuturbiinimoottoriapumekaanikkoaliupseerioppilas",
    "Llanfairpwllgwyngyllgogerychwyrndrobwllllantysiliogogogoch",
    "Çekoslovakyalılaştıramadıklarımızdanmışsınız",
    "превысокомногорассмотрительствующий",
    "ภาษาไทยไม่มีช่องว่างระหว่างคำทำให้การตัดคำเป็นเรื่องยากมากสำหรับคอมพิวเตอร์",
    "あいうえおかきくけこさしすせそたちつてとなにぬねのはひふへほまみむめもやゆよらりるれろわをん",
    "x" * 17 + " " + "y" * 33,
    " ".join(["word"] * 60),
]

SPECIAL_IN_TEXT = [
    "<s>",
    "</s>",
    "<pad>",
    "<unk>",
    "<mask>",
    " <mask>",
    "<mask> ",
    "a<mask>b",
    "a <mask> b",
    "a   <mask>",
    "a\t<mask>",
    "a\n<mask>",
    "a\u00a0<mask>",
    "a\u3000<mask>",
    "a\u200b<mask>",
    "<mask><mask>",
    "<mask> <mask>",
    "The capital of France is <mask>.",
    "<s>text</s>",
    "<s> text </s>",
    "<s><s></s></s>",
    "</s></s>",
    "<pad><pad>",
    "<unk>unk<unk>",
    "x<unk>y",
    "[CLS] <s> mixed [SEP] </s>",
    "a[MASK]b",
    " [MASK] ",
    "a [MASK]",
    "[CLS]text[SEP]",
    "[PAD][UNK]",
    "▁",
    "▁▁",
    "a▁b",
    "▁hello ▁world",
    "hello▁",
    "Ġ",
    "Ġhello",
    "ĠĠ Ċ ĉ",
    "< s>",
    "<S>",
    "</s",
    "<mask >",
    "<MASK>",
    "<mask",
    "mask>",
    "<<mask>>",
    "< /s>",
    "<s >",
    "[mask]",
    "[ MASK]",
    "<|endoftext|>",
    "<s>\u00e9</s>",
    # NFKC turns these into special-token strings; only a tokenizer that matches
    # added tokens on normalized text (normalized: true) sees a special token.
    "\uff1c\uff4d\uff41\uff53\uff4b\uff1e fullwidth mask",
    "a \uff1c\uff4d\uff41\uff53\uff4b\uff1e",
    "\ufe64mask\ufe65 small form",
    "\uff1cs\uff1e and \uff3bMASK\uff3d",
    "\uff1c/s\uff1e\uff1cpad\uff1e\uff1cunk\uff1e",
    "\uff3bCLS\uff3d \uff3bSEP\uff3d \uff3bPAD\uff3d \uff3bUNK\uff3d",
]

MISC = [
    "The quick brown fox jumps over the lazy dog near the riverbank.",
    "A man is playing a violin on the crowded subway platform.",
    "Two children are building a snowman in the park.",
    "Who invented the printing press, and when?",
    "Reranking with cross-encoders scores each query–document pair jointly.",
    "Tokenization differs between WordPiece, Unigram and byte-level BPE.",
    "Hello, World! HELLO, WORLD! hello, world!",
    "CamelCaseWordsAndALLCAPS and snake_case_words",
    "e-mail, co-operate, well-known, state-of-the-art",
    "U.S.A. vs USA vs U. S. A.",
    "(a) [b] {c} <d> «e» ‹f› „g“ 「h」",
    "a/b\\c|d_e~f^g`h",
    "¡¿Qué?! ‽ ⸘",
    "Mr. Smith paid $3.50 for 2 coffees at 7:45 a.m.",
    "İi Iı case mapping",
    "ǰ ẖ ẗ ẘ ẙ ẚ",
    "ﬀ ﬁ ﬂ ﬃ ﬄ ﬅ ﬆ",
    "Mixed scripts: Tokyo東京Токио",
]

SINGLES = (
    LATIN_DIACRITICS
    + CYRILLIC_GREEK
    + ARABIC_HEBREW
    + INDIC
    + SOUTHEAST_ASIAN_AND_OTHERS
    + CJK
    + EMOJI
    + NORMALIZATION
    + WHITESPACE
    + CONTROL
    + APOSTROPHES
    + NUMBERS
    + URLS_CODE
    + LONG_AND_REPEATED
    + SPECIAL_IN_TEXT
    + MISC
)

# ---------------------------------------------------------------------------
# Pairs (template + LongestFirst truncation at max_length, stride 0, no
# padding). Each (text_a, text_b) is used with several max_length values so
# truncation falls on the first text, the second, both, or neither.

LONG_EN = (
    "Cross-encoders read the query and the passage together, so every layer can attend across "
    "both texts; this makes them slower than bi-encoders but usually more accurate for reranking."
)
LONG_DE = (
    "Die Bibliothek der Universität öffnet werktags um acht Uhr und schließt erst um "
    "zweiundzwanzig Uhr, während der Prüfungszeit sogar noch später."
)
LONG_RU = (
    "Вечером мы долго гуляли по набережной, разговаривали о книгах, путешествиях и о том, "
    "как быстро меняется жизнь в большом городе."
)
LONG_ZH = "北京是中华人民共和国的首都，也是全国的政治、文化、国际交往和科技创新中心，有三千多年的建城史。"
LONG_JA = "昨日は雨が降っていたので、家で本を読んだり映画を見たりして、のんびりと一日を過ごしました。"
LONG_AR = "تعد مكتبة الإسكندرية واحدة من أشهر المكتبات في التاريخ، وقد أعيد بناؤها في العصر الحديث."
LONG_HI = "भारत में अनेक भाषाएँ बोली जाती हैं और हर राज्य की अपनी संस्कृति, भोजन और त्योहार हैं।"
LONG_TH = "ประเทศไทยมีอาหารที่มีชื่อเสียงมากมาย เช่น ต้มยำกุ้ง ผัดไทย และส้มตำ"
LONG_KO = "서울은 대한민국의 수도이며, 한강이 도시를 가로질러 흐르고 많은 사람들이 살고 있습니다."

PAIR_TEXTS = [
    # (text_a, text_b, max_lengths)
    ("What is a cross-encoder?", LONG_EN, [5, 8, 12, 24, 64, 512]),
    (LONG_EN, "What is a cross-encoder?", [5, 9, 16, 48, 512]),
    (LONG_EN, LONG_DE, [6, 10, 20, 40, 80, 512]),
    ("Wann öffnet die Bibliothek?", LONG_DE, [7, 16, 32, 512]),
    ("Где мы гуляли вечером?", LONG_RU, [5, 12, 30, 512]),
    (LONG_RU, LONG_ZH, [8, 15, 33, 64, 512]),
    ("北京有多少年的建城史？", LONG_ZH, [6, 11, 25, 512]),
    ("昨日は何をしましたか？", LONG_JA, [5, 13, 27, 512]),
    (LONG_JA, "Yesterday it rained.", [6, 10, 18, 512]),
    ("ما هي أشهر مكتبة؟", LONG_AR, [7, 14, 28, 512]),
    (LONG_AR, LONG_HI, [9, 17, 35, 512]),
    ("भारत में कितनी भाषाएँ हैं?", LONG_HI, [5, 12, 24, 512]),
    ("อาหารไทยที่มีชื่อเสียง", LONG_TH, [6, 12, 22, 512]),
    ("서울의 강 이름은?", LONG_KO, [5, 10, 20, 512]),
    (LONG_KO, LONG_TH, [10, 21, 512]),
    ("Emoji 👨‍👩‍👧‍👦 query 🇫🇷", "👍🏽 thumbs up, ❤️ heart, 1️⃣ keycap, 🏳️‍🌈 flag", [5, 9, 16, 512]),
    ("<mask> in the query", "and <s> plus </s> in the passage <pad> <unk>", [5, 7, 11, 512]),
    ("[CLS] query [SEP]", "[MASK] passage [PAD] [UNK]", [5, 8, 512]),
    ("a<mask>b", " <mask>", [5, 6, 512]),
    ("▁ meta ▁▁ space", "Ġ byte Ġ level", [5, 8, 512]),
    ("", "", [5, 6]),
    ("", LONG_EN, [5, 10, 512]),
    (LONG_DE, "", [5, 10, 512]),
    ("   ", "\u00a0\u3000", [5, 512]),
    ("\ufeff\u200b", "text after invisible characters", [5, 512]),
    ("ﬁnancial ①②③ ㎞ Ⅻ", "ＦＵＬＬＷＩＤＴＨ ｶﾀｶﾅ", [5, 9, 512]),
    ("e\u0301le\u0300ve", "\u00e9l\u00e8ve", [5, 512]),
    ("it's they're we've", "IT'S THEY'RE it’s", [5, 8, 512]),
    ("https://example.com/a?b=c", "def f(x):\n    return x", [6, 12, 512]),
    ("a" * 120, "b" * 120, [5, 16, 64, 512]),
    ("x", "y", [6, 7]),
    ("short", "also short", [5, 6, 512]),
    ("Mixed 中文 and English", "Русский и English вместе", [7, 13, 512]),
]


def build_cases():
    cases = [{"kind": "single", "text": t} for t in SINGLES]
    for a, b, mls in PAIR_TEXTS:
        for ml in mls:
            if ml < 5:
                sys.exit("max_length below 5: %r" % ((a, b, ml),))
            cases.append({"kind": "pair", "text_a": a, "text_b": b, "max_length": ml})
    return cases


if __name__ == "__main__":
    cases_main(__doc__.splitlines()[0], build_cases)
