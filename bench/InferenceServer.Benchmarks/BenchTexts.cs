using System.Text;

namespace InferenceServer.Benchmarks;

/// <summary>
/// Deterministic benchmark texts, generated from fixed word lists and a seeded random source (nothing downloaded):
/// long English prose, and a mixed-script text of English, Russian, Chinese, Japanese, Korean, Arabic, emoji, code and numbers.
/// </summary>
public static class BenchTexts
{
    public const string English = "english";
    public const string Mixed = "mixed";

    private static readonly string[] EnglishWords =
    [
        "the", "of", "and", "to", "a", "in", "is", "it", "you", "that", "he", "was", "for", "on", "are", "with", "as", "I",
        "his", "they", "be", "at", "one", "have", "this", "from", "or", "had", "by", "word", "but", "what", "some", "we",
        "can", "out", "other", "were", "all", "there", "when", "up", "use", "your", "how", "said", "an", "each", "she",
        "which", "do", "their", "time", "if", "will", "way", "about", "many", "then", "them", "write", "would", "like",
        "so", "these", "her", "long", "make", "thing", "see", "him", "two", "has", "look", "more", "day", "could", "go",
        "come", "did", "number", "sound", "no", "most", "people", "my", "over", "know", "water", "than", "call", "first",
        "who", "may", "down", "side", "been", "now", "find", "any", "new", "work", "part", "take", "get", "place", "made",
        "live", "where", "after", "back", "little", "only", "round", "man", "year", "came", "show", "every", "good", "me",
        "give", "our", "under", "name", "very", "through", "just", "form", "sentence", "great", "think", "say", "help",
        "low", "line", "differ", "turn", "cause", "much", "mean", "before", "move", "right", "boy", "old", "too", "same",
        "tell", "does", "set", "three", "want", "air", "well", "also", "play", "small", "end", "put", "home", "read",
        "hand", "port", "large", "spell", "add", "even", "land", "here", "must", "big", "high", "such", "follow", "act",
        "why", "ask", "men", "change", "went", "light", "kind", "off", "need", "house", "picture", "try", "us", "again",
        "animal", "point", "mother", "world", "near", "build", "self", "earth", "father", "head", "stand", "own", "page",
        "should", "country", "found", "answer", "school", "grow", "study", "still", "learn", "plant", "cover", "food",
        "sun", "four", "between", "state", "keep", "eye", "never", "last", "let", "thought", "city", "tree", "cross",
        "farm", "hard", "start", "might", "story", "saw", "far", "sea", "draw", "left", "late", "run", "don't", "while",
        "press", "close", "night", "real", "life", "few", "north", "inference", "tokenizer", "throughput", "server",
        "Wednesday", "Hugging", "Face", "llama", "Qwen", "benchmark", "accelerator", "unbelievably", "reconsideration",
    ];

    private static readonly string[] Russian = ["привет", "мир", "это", "пример", "текста", "на", "русском", "языке", "и", "он", "очень", "длинный"];
    private static readonly string[] Arabic = ["مرحبا", "بالعالم", "هذا", "نص", "عربي", "قصير", "في", "المدينة"];
    private static readonly string[] Emoji = ["😀", "🚀", "🦙", "✅", "😶‍🌫️", "👍🏽", "🇯🇵", "❤️"];
    private static readonly string[] Code = ["x = foo(42);", "if (a != b) { return; }", "for i in range(10):", "=> 0x1F", "std::vector<int>", "</div>"];
    private const string Hanzi = "的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年得就那要下以生会自着去之过家学对可她里后小么心多天而能好都然没日于起还发成事只作当想看文无开手十用主行方又如前所本见经头面公同三已老从动两长知民样现分将外但身些与高意进把法此实回二理美点月明其种声全工己话儿者向情部正名定女问力机给等几很业最间新什打便位因重被走电四第门相次东政海口使教西再平真听世气信北少关并内加化由却代军产入先山五太水万市眼体别处总才场师书比住员九笑性通目华报立马命张活难神数件安表原车白应路期叫死常提感金何更反合放做系计或司利受光王果亲界及今京务制解各任至清物台象记边共风战干接它许八特觉望直服毛林题建南度统色字请交爱让认算论百吃义科怎元社术结六功指思非流每青管夫连远资队跟带花快条院变联言权往展该领传近留红治决周保达办运武半候七必城父强步完革深区即求品士转量空甚众技轻程告江语英基派满式李息写呢识极令黄德收脸钱党倒未持取设始版双历越史商千片容研像找友孩站广改议形委早房音火际则首单据导影失拿网香似斯专石若兵弟谁校读志飞观争究包组造落视济喜离虽坐集编宝谈府拉黑且随格尽剑讲布杀微怕母调局根曾准团段终乐切级克精哪官示冷域读";
    private const string Kana = "あいうえおかきくけこさしすせそたちつてとなにぬねのはひふへほまみむめもやゆよらりるれろわをんアイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワヲンー";

    /// <summary>The text named <paramref name="name"/> (<see cref="English"/> or <see cref="Mixed"/>), about <paramref name="chars"/> characters long.</summary>
    public static string Get(string name, int chars) => name switch
    {
        English => EnglishText(chars, seed: 1),
        Mixed => MixedText(chars, seed: 2),
        _ => throw new ArgumentException($"unknown text '{name}'", nameof(name)),
    };

    private static string EnglishText(int chars, int seed)
    {
        var random = new Random(seed);
        var sb = new StringBuilder(chars + 200);
        while (sb.Length < chars)
        {
            int words = random.Next(6, 24);
            for (int w = 0; w < words; w++)
            {
                string word = EnglishWords[random.Next(EnglishWords.Length)];
                if (w == 0) word = char.ToUpperInvariant(word[0]) + word[1..];
                sb.Append(word);
                if (random.Next(12) == 0) sb.Append(',');
                if (random.Next(40) == 0) sb.Append(' ').Append(random.Next(1, 3000));
                sb.Append(w == words - 1 ? (random.Next(8) == 0 ? "?" : ".") : " ");
            }
            sb.Append(random.Next(5) == 0 ? "\n\n" : " ");
        }
        return sb.ToString();
    }

    private static string MixedText(int chars, int seed)
    {
        var random = new Random(seed);
        var sb = new StringBuilder(chars + 200);
        while (sb.Length < chars)
        {
            switch (random.Next(8))
            {
                case 0: sb.Append(EnglishText(random.Next(40, 160), random.Next())); break;
                case 1: AppendWords(sb, Russian, random); break;
                case 2: AppendRun(sb, Hanzi, random, 2, 20); sb.Append('。'); break;
                case 3: AppendRun(sb, Kana, random, 3, 12); AppendRun(sb, Hanzi, random, 1, 4); sb.Append('、'); break;
                case 4: for (int i = random.Next(1, 6); i > 0; i--) sb.Append((char)random.Next(0xAC00, 0xD7A4)).Append(i % 2 == 0 ? " " : ""); break;
                case 5: AppendWords(sb, Arabic, random); break;
                case 6: sb.Append(Emoji[random.Next(Emoji.Length)]).Append(' ').Append(Code[random.Next(Code.Length)]); break;
                default: sb.Append(random.Next(0, 1_000_000)).Append(random.Next(2) == 0 ? ".5 " : "% "); break;
            }
            sb.Append(random.Next(6) == 0 ? "\n" : " ");
        }
        return sb.ToString();
    }

    private static void AppendWords(StringBuilder sb, string[] words, Random random)
    {
        for (int i = random.Next(2, 8); i > 0; i--) sb.Append(words[random.Next(words.Length)]).Append(i > 1 ? " " : "");
    }

    private static void AppendRun(StringBuilder sb, string alphabet, Random random, int min, int max)
    {
        for (int i = random.Next(min, max); i > 0; i--) sb.Append(alphabet[random.Next(alphabet.Length)]);
    }
}
